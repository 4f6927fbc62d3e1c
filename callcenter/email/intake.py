"""IMAP intake (aioimaplib): fetch what is new, store it raw, wake the processor.

New mail is found by UID: everything above the highest UID stored for this folder and UIDVALIDITY
(a changed UIDVALIDITY means the server renumbered the folder: everything is fetched again and the
unique key plus the Message-ID check keep it from being processed twice). Mail is fetched with
``BODY.PEEK[]`` and never changed on the server. Between fetches the intake waits in IDLE when the
server offers it (woken by the server's push), else it polls every ``poll_interval_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import aioimaplib
from sqlalchemy.orm import Session, sessionmaker

from callcenter.email.imap_wire import fetched_messages, searched_uids, uidvalidity
from callcenter.settings_email import EmailSettings, tls_failure
from crm_core import mail_store
from crm_core.clock import Clock, utc_now

log = logging.getLogger(__name__)
FETCH_BATCH = 200


class ImapUnavailable(Exception):
    """The server refused the login or a command (the intake retries later)."""


class ImapIntake:
    def __init__(
        self,
        settings: EmailSettings,
        sessions: sessionmaker[Session],
        clock: Clock,
        on_stored: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self._on_stored = on_stored
        self.source = f"{settings.imap_user}@{settings.imap_host}:{settings.imap_port}/{settings.imap_folder}"
        self._client: aioimaplib.IMAP4 | None = None
        self._uidvalidity = 0
        self._tls_reason: str | None = None  # the TLS failure last logged

    async def _connect(self) -> aioimaplib.IMAP4:
        settings = self._settings
        client: aioimaplib.IMAP4
        if settings.imap_ssl:
            client = aioimaplib.IMAP4_SSL(
                settings.imap_host, settings.imap_port, ssl_context=settings.tls_context(), timeout=30
            )
        else:
            client = aioimaplib.IMAP4(settings.imap_host, settings.imap_port, timeout=30)
        try:
            await client.wait_hello_from_server()
            login = await client.login(settings.imap_user, settings.imap_password.get_secret_value())
            if login.result != "OK":
                raise ImapUnavailable("login refused")
            selected = await client.select(settings.imap_folder)
            if selected.result != "OK":
                raise ImapUnavailable("select refused")
        except BaseException:
            _drop(client)
            raise
        self._uidvalidity = uidvalidity(selected.lines)
        return client

    async def fetch_new(self) -> int:
        """Fetch and store every message not stored yet; the number stored."""
        if self._client is None:
            self._client = await self._connect()
        client = self._client
        after = await asyncio.to_thread(self._last_uid)
        # dovecot takes in mail delivered since the last command only at the end of a command:
        # NOOP first, or the search does not see it yet.
        await client.noop()
        found = await client.uid_search(f"UID {after + 1}:*", charset=None)
        if found.result != "OK":
            raise ImapUnavailable("search refused")
        uids = [uid for uid in searched_uids(found.lines) if uid > after]  # "N:*" always names the last
        stored = 0
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            answer = await client.uid("fetch", ",".join(map(str, batch)), "(UID BODY.PEEK[])")
            if answer.result != "OK":
                raise ImapUnavailable("fetch refused")
            stored += await asyncio.to_thread(self._store, fetched_messages(answer.lines))
            self._on_stored()
        return stored

    def _last_uid(self) -> int:
        with self._sessions() as session:
            return mail_store.last_uid(session, self.source, self._uidvalidity)

    def _store(self, messages: list[tuple[int, bytes]]) -> int:
        stored = 0
        with self._sessions.begin() as session:
            for uid, raw in messages:
                now = utc_now(self._clock)
                if mail_store.store_raw(session, self.source, self._uidvalidity, uid, raw, now) is not None:
                    stored += 1
        return stored

    async def wait_for_mail(self) -> None:
        """Return when new mail may be there: an IDLE push, or the poll interval."""
        client = self._client
        interval = self._settings.poll_interval_s
        if client is None or not (self._settings.use_idle and client.has_capability("IDLE")):
            await asyncio.sleep(interval)
            return
        idle = await client.idle_start(timeout=max(interval, 1.0) + 5)
        try:
            with contextlib.suppress(TimeoutError):
                await client.wait_server_push(timeout=interval)
        finally:
            client.idle_done()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(idle, 10)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.logout(), 5)
            _drop(client)  # a logout that failed or timed out leaves the socket open

    async def run(self) -> None:
        """Fetch, wait, fetch… until cancelled; reconnect after any failure (with a pause)."""
        while True:
            try:
                await self.fetch_new()
                self._tls_reason = None
                await self.wait_for_mail()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._log_failure(exc)
                await self.close()
                await asyncio.sleep(min(self._settings.poll_interval_s, 5.0))

    def _log_failure(self, exc: Exception) -> None:
        reason = tls_failure(exc)
        if reason is None:
            log.warning("imap intake failed; retrying", extra={"error": type(exc).__name__})
            return
        # No mail is lost, but none comes in until someone acts: an error, once (until it changes).
        log.log(
            logging.DEBUG if reason == self._tls_reason else logging.ERROR,
            "imap server failed TLS verification; check email.imap_host and email.tls_ca_file",
            extra={"error": type(exc).__name__, "reason": reason, "server": self.source},
        )
        self._tls_reason = reason


def _drop(client: aioimaplib.IMAP4) -> None:
    """Close the client's socket whatever state its protocol is in."""
    transport = getattr(client.protocol, "transport", None)
    if transport is not None:
        transport.close()
