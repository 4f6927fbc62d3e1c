"""Outgoing mail over SMTP (aiosmtplib), through the ``mail_outbox`` table.

A mail is written to the table first (with its final Message-ID), then sent; it is marked sent only
after the server's ``250``. While the server is down the row stays ``pending`` and the loop retries
every ``retry_interval_s``: nothing is lost, and a sent row is never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from email.message import EmailMessage

import aiosmtplib
from sqlalchemy.orm import Session, sessionmaker

from callcenter.email.composing import wire_bytes
from callcenter.settings_email import EmailSettings, tls_failure
from crm_core import mail_outbox
from crm_core.clock import Clock, utc_now

log = logging.getLogger(__name__)


class SmtpOutbox:
    def __init__(self, settings: EmailSettings, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self._kick = asyncio.Event()
        self._lock = asyncio.Lock()
        self._server = f"{settings.smtp_host}:{settings.smtp_port}"
        self._tls_reason: str | None = None  # the TLS failure last logged

    async def queue(self, kind: str, conversation_id: str | None, message: EmailMessage) -> int:
        """Store the mail for sending (the caller's id is its Message-ID) and wake the sender."""
        raw = wire_bytes(message)
        to_address = str(message["To"].addresses[0].addr_spec).lower()

        def write() -> int:
            with self._sessions.begin() as session:
                return mail_outbox.enqueue(
                    session,
                    message_id=str(message["Message-ID"]),
                    kind=kind,
                    conversation_id=conversation_id,
                    to_address=to_address,
                    raw=raw,
                    now=utc_now(self._clock),
                )

        outbox_id = await asyncio.to_thread(write)
        self._kick.set()
        return outbox_id

    def kick(self) -> None:
        """Wake the sender loop (something was queued in another transaction)."""
        self._kick.set()

    def _client(self) -> aiosmtplib.SMTP:
        settings = self._settings
        password = settings.smtp_password.get_secret_value()
        return aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=settings.smtp_starttls,
            tls_context=settings.tls_context() if settings.smtp_starttls else None,
            username=settings.smtp_user or None,
            password=password if settings.smtp_user else None,
            timeout=15,
        )

    async def flush(self) -> int:
        """Send everything pending, oldest first; stop at the first failure that is not this mail's
        own (the server is down: the loop retries). A mail the server refuses for good (5xx) is
        marked rejected and the others go on."""
        async with self._lock:
            sent = 0
            while True:
                batch = await asyncio.to_thread(self._pending)
                if not batch:
                    return sent
                done, stopped = await self._send(batch)
                sent += done
                if stopped:
                    return sent

    async def _send(self, batch: list[mail_outbox.OutgoingMail]) -> tuple[int, bool]:
        sent, current = 0, batch[0]
        try:
            async with self._client() as smtp:
                self._tls_reason = None
                for mail in batch:
                    current = mail
                    try:
                        await smtp.sendmail(self._settings.address, [mail.to_address], mail.raw)
                    except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                        if not _permanent(exc):
                            raise
                        await asyncio.to_thread(self._mark_rejected, mail.id, _answer(exc))
                        log.warning("smtp refused a mail for good", extra={"outbox_id": mail.id})
                        continue
                    await asyncio.to_thread(self._mark_sent, mail.id)
                    sent += 1
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            reason = tls_failure(exc)
            await asyncio.to_thread(self._mark_failed, current.id, reason or type(exc).__name__)
            if reason is not None:  # nothing goes out until someone acts; logged once until it changes
                log.log(
                    logging.DEBUG if reason == self._tls_reason else logging.ERROR,
                    "smtp server failed TLS verification; check email.smtp_host and email.tls_ca_file",
                    extra={"error": type(exc).__name__, "reason": reason, "server": self._server},
                )
                self._tls_reason = reason
            else:
                log.warning("smtp send failed; will retry", extra={"error": type(exc).__name__, "sent": sent})
            return sent, True
        return sent, False

    def _pending(self) -> list[mail_outbox.OutgoingMail]:
        with self._sessions() as session:
            return mail_outbox.pending(session)

    def _mark_sent(self, outbox_id: int) -> None:
        with self._sessions.begin() as session:
            mail_outbox.mark_sent(session, outbox_id, utc_now(self._clock))

    def _mark_rejected(self, outbox_id: int, answer: str) -> None:
        with self._sessions.begin() as session:
            mail_outbox.mark_rejected(session, outbox_id, answer)

    def _mark_failed(self, outbox_id: int, error: str) -> None:
        with self._sessions.begin() as session:
            mail_outbox.mark_failed(session, outbox_id, error)

    async def run(self) -> None:
        """Send whenever woken, and retry every ``retry_interval_s`` (until cancelled)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), self._settings.retry_interval_s)
            self._kick.clear()
            try:
                await self.flush()
            except Exception:  # the loop must outlive a database hiccup; the row stays pending
                log.exception("outbox flush failed")


def _permanent(exc: aiosmtplib.SMTPException) -> bool:
    """A 5xx answer about this mail (a 4xx, or anything else, is worth another try)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= r.code < 600 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600


def _answer(exc: aiosmtplib.SMTPException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        first = exc.recipients[0]
        return f"{first.code} {first.message}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return type(exc).__name__
