"""The one owner of the AMI connection to one Asterisk: connect, login, resync, reconnect.

Why not plain panoramisk
------------------------
panoramisk's ``Manager`` re-sends actions that were in flight when the connection
dropped (``awaiting_actions``), so an Originate could ring an agent twice; it decides
that a list action is complete by guessing from message text instead of waiting for
``EventList: Complete``; it decodes with ``ascii``/``ignore`` so a caller name in UTF-8
silently loses letters; it drops a block it cannot parse without a word; its header
values are written as given, so a CR/LF in a CRM caller name becomes a new header; and
its parser is slower than ours on the VarSet floods Asterisk sends. Subclassing it would
mean overriding its protocol, its reconnect loop and its action classes, i.e. everything.
So this is a small asyncio protocol of our own (``ami_connection``) over the pure framing
of ``ami_frames``; panoramisk stays the project's FastAGI/AMI reference and test yardstick.

Events reach subscribers as typed values (``ami_events``) together with the lifecycle facts
``AmiConnected``, ``AmiDisconnected(reason)`` and ``AmiResynced(channels)``. Handlers run
synchronously on the read path and must be cheap: put anything slow (database, HTTP) on a
queue or in a task. A handler that raises is logged and never stops the reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Callable, Iterable

from callcenter.asterisk.ami_actions import (
    AmiActions,
    AmiListResponse,
    AmiResponse,
    list_response_from,
    response_from,
)
from callcenter.asterisk.ami_backoff import Backoff
from callcenter.asterisk.ami_connection import AmiConnection, RawReply
from callcenter.asterisk.ami_events import to_domain_event
from callcenter.asterisk.ami_fanout import EventFanout, EventHandler
from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.asterisk.ami_system_events import (
    AmiConnected,
    AmiDisconnected,
    AmiResynced,
    CoreShowChannel,
)
from callcenter.asterisk.errors import (
    AmiActionFailed,
    AmiActionTimeout,
    AmiError,
    AmiLoginFailed,
    AmiNotConnected,
)

log = logging.getLogger(__name__)


class AmiClient(AmiActions):
    """Exactly one manager connection per Asterisk, kept alive in the background.

    >>> client = AmiClient("127.0.0.1", 5038, "engine", "secret")  # doctest: +SKIP
    >>> client.subscribe(print); await client.start()                # doctest: +SKIP
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        *,
        connect_timeout: float = 5.0,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        action_timeout: float = 10.0,
        keepalive_interval: float = 20.0,
        action_id_prefix: str = "cc",
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self._secret = secret
        self.connect_timeout = connect_timeout
        self.backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self.action_timeout = action_timeout
        self.keepalive_interval = keepalive_interval
        self._ids = (f"{action_id_prefix}-{n}" for n in itertools.count(1))
        self._fanout = EventFanout(f"{host}:{port}")
        self._conn: AmiConnection | None = None  # logged in, events on
        self._current: AmiConnection | None = None  # the socket of the running attempt
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._connected_event = asyncio.Event()
        self._first_attempt = asyncio.Event()
        self.last_error: str | None = None
        self.connect_attempts = 0
        self._fence_token: int | None = None
        self._fence_valid: Callable[[], bool] | None = None

    @property
    def peer(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def connected(self) -> bool:
        return self._conn is not None and self._conn.is_open

    def __repr__(self) -> str:  # never shows the secret
        return f"AmiClient({self.peer!r}, user={self.username!r}, connected={self.connected})"

    # -- subscriptions ----------------------------------------------------------------
    def subscribe(self, handler: EventHandler) -> Callable[[], None]:
        """Call ``handler`` with every event and lifecycle fact; returns an unsubscribe function.

        Handlers run on the read path: keep them cheap, schedule slow work elsewhere.
        """
        return self._fanout.subscribe(handler)

    def _on_wire_event(self, message: AmiMessage) -> None:
        self._fanout.emit(to_domain_event(message))

    # -- lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        """Start the connection loop; return once the first attempt ended (success or not).

        Never raises for a refused connection or a bad login: the loop keeps retrying.
        """
        if self._task is None:
            # Also a start after stop(): a new term (e.g. of AMI ownership, ``ami_ownership``).
            self._stopping = False
            self._first_attempt.clear()
            self._task = asyncio.create_task(self._run(), name=f"ami-{self.peer}")
        await self._first_attempt.wait()

    def halt(self, reason: str = "stopped by the engine") -> None:
        """Close the session now and stop reconnecting; ``stop()`` then waits for the loop's end."""
        self._stopping = True
        self._first_attempt.set()
        if self._current is not None:
            # Closing ends the session even if the cancel in stop() is lost in a wait_for race
            # (Python 3.11 wait_for can swallow a cancel when its future completes at once).
            self._current.close(reason)

    async def stop(self) -> None:
        """Close the session and stop reconnecting."""
        task, self._task = self._task, None
        self.halt()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def fence(self, token: int | None, valid: Callable[[], bool] | None) -> None:
        """Send actions only while ``valid()`` (the AMI lease of term ``token`` is still held).

        Once it is not, every action is refused with ``AmiNotConnected`` before it reaches the
        wire, and no new session logs in; an Originate carries ``CC_FENCE=<token>``.
        """
        self._fence_token, self._fence_valid = token, valid

    @property
    def fencing_token(self) -> int | None:
        return self._fence_token

    def _fenced_out(self) -> bool:
        return self._fence_valid is not None and not self._fence_valid()

    async def wait_connected(self, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until logged in with events on; ``AmiNotConnected`` after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._connected_event.wait(), timeout)
        except TimeoutError:
            raise AmiNotConnected(
                f"no AMI session to {self.peer} after {timeout} s (last error: {self.last_error})"
            ) from None

    async def _run(self) -> None:
        failures = 0
        while not self._is_stopping():
            self.connect_attempts += 1
            established = False
            try:
                established = await self._session()
            except (OSError, TimeoutError, AmiError) as exc:
                if not self._stopping:
                    self._note_failure(exc, failures)
            except Exception as exc:  # a bug must not end the reconnect loop
                log.exception(
                    "AMI session to %s failed unexpectedly", self.peer, extra={"ami_peer": self.peer}
                )
                self.last_error = f"unexpected error: {exc!r}"
            finally:
                self._first_attempt.set()
            failures = 0 if established else failures + 1
            if self._is_stopping():
                return
            await asyncio.sleep(self.backoff.delay(max(failures - 1, 0), self._rng))

    def _is_stopping(self) -> bool:
        return self._stopping

    def _note_failure(self, exc: BaseException, failures: int) -> None:
        if isinstance(exc, AmiLoginFailed):
            text = str(exc)
        elif isinstance(exc, TimeoutError):
            text = f"AMI connect to {self.peer} timed out after {self.connect_timeout} s"
        else:
            text = f"AMI connect to {self.peer} failed: {exc}"
        # One clear line per distinct problem; the retries of the same problem go to debug.
        level = logging.DEBUG if text == self.last_error else logging.ERROR
        log.log(
            level, text, extra={"ami_peer": self.peer, "ami_user": self.username, "failures": failures + 1}
        )
        self.last_error = text

    async def _session(self) -> bool:
        loop = asyncio.get_running_loop()
        _, conn = await asyncio.wait_for(
            loop.create_connection(
                lambda: AmiConnection(self._on_wire_event, self.peer), self.host, self.port
            ),
            self.connect_timeout,
        )
        announced = False
        keepalive: asyncio.Task[None] | None = None
        self._current = conn
        try:
            if self._stopping:  # stop() came while connecting
                return False
            if self._fenced_out():
                raise AmiNotConnected(f"AMI to {self.peer}: this engine's ownership term ended")
            await asyncio.wait_for(asyncio.shield(conn.greeting), self.connect_timeout)
            await self._login(conn)
            await self._request(conn, "Events", [("EventMask", "on")])
            self._conn = conn
            self._connected_event.set()
            self.last_error = None
            announced = True
            log.info("AMI connected to %s as %s", self.peer, self.username, extra={"ami_peer": self.peer})
            self._fanout.emit(AmiConnected(self.host, self.port))
            await self._resync(conn)
            self._first_attempt.set()
            keepalive = asyncio.create_task(self._keepalive(conn))
            reason = await asyncio.shield(conn.closed)
            log.warning("AMI session to %s ended: %s", self.peer, reason, extra={"ami_peer": self.peer})
            return True
        finally:
            self._current = None
            conn.close("stopped by the engine")
            if keepalive is not None:
                keepalive.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keepalive
            reason = await asyncio.shield(conn.closed)
            if self._conn is conn:
                self._conn = None
                self._connected_event.clear()
            if announced:
                self._fanout.emit(AmiDisconnected(reason))

    async def _login(self, conn: AmiConnection) -> None:
        try:
            # The secret goes to the wire only: never into a log line or an exception.
            await self._request(conn, "Login", [("Username", self.username), ("Secret", self._secret)])
        except AmiActionFailed as exc:
            raise AmiLoginFailed(
                f"AMI login to {self.peer} as {self.username} failed: {exc.asterisk_message} "
                "— check ami.username / ami.secret"
            ) from None

    async def _resync(self, conn: AmiConnection) -> None:
        try:
            reply = await self._request(conn, "CoreShowChannels", (), is_list=True)
        except AmiActionFailed as exc:
            log.error("AMI resync on %s refused: %s", self.peer, exc, extra={"ami_peer": self.peer})
            return
        channels = tuple(e for e in map(to_domain_event, reply.items) if isinstance(e, CoreShowChannel))
        log.info("AMI resync: %d live channels", len(channels), extra={"ami_peer": self.peer})
        self._fanout.emit(AmiResynced(channels))

    async def _keepalive(self, conn: AmiConnection) -> None:
        while conn.is_open:
            await asyncio.sleep(self.keepalive_interval)
            try:
                wait = min(self.action_timeout, self.keepalive_interval)
                await self._request(conn, "Ping", (), answer_timeout=wait)
            except AmiActionTimeout:
                log.warning("AMI %s: no answer to Ping, closing the session", self.peer)
                conn.close("keepalive Ping unanswered")
                return
            except AmiError:
                return

    # -- actions ----------------------------------------------------------------------
    async def _request(
        self,
        conn: AmiConnection,
        name: str,
        headers: Iterable[tuple[str, str]],
        *,
        is_list: bool = False,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> RawReply:
        action_id = action_id or next(self._ids)
        future = conn.send(name, action_id, headers, is_list=is_list)
        wait = self.action_timeout if answer_timeout is None else answer_timeout
        try:
            return await asyncio.wait_for(future, wait)
        except TimeoutError:
            conn.forget(action_id)
            raise AmiActionTimeout(
                f"{name} (ActionID {action_id}): no answer from {self.peer} within {wait} s; not re-sent"
            ) from None

    def _live(self) -> AmiConnection:
        if self._fenced_out():
            raise AmiNotConnected(
                f"AMI to {self.peer}: ownership moved from this engine's term "
                f"(fencing token {self._fence_token}); action not sent"
            )
        conn = self._conn
        if conn is None or not conn.is_open:
            raise AmiNotConnected(f"no AMI session to {self.peer} (last error: {self.last_error})")
        return conn

    async def send_action(
        self,
        name: str,
        headers: Iterable[tuple[str, str]] = (),
        *,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> AmiResponse:
        """Send any action and return its response; ``AmiActionFailed`` on ``Response: Error``.

        ``send_action("Getvar", [("Channel", "PJSIP/pstn-00000006"), ("Variable", "CC_INTERACTION")])``
        writes ``Action: Getvar\\r\\nActionID: cc-5\\r\\nChannel: ...\\r\\nVariable: CC_INTERACTION``.
        """
        reply = await self._request(
            self._live(), name, headers, action_id=action_id, answer_timeout=answer_timeout
        )
        return response_from(reply.response)

    async def send_list_action(
        self,
        name: str,
        headers: Iterable[tuple[str, str]] = (),
        *,
        action_id: str | None = None,
        answer_timeout: float | None = None,
    ) -> AmiListResponse:
        """Send a list action; complete on the event with ``EventList: Complete``."""
        reply = await self._request(
            self._live(), name, headers, is_list=True, action_id=action_id, answer_timeout=answer_timeout
        )
        return list_response_from(reply.response, reply.items, reply.complete)
