"""The AMI server side: greeting, login, event fan-out, and the session-level actions.

Call actions (Originate, Redirect, Hangup…) are delegated to an :class:`ActionHandler`.
A session talks like Asterisk 22::

    -> Asterisk Call Manager/11.0.0
    <- Action: Login / ActionID: cap-1 / Username: engine / Secret: enginepass
    -> Response: Success / ActionID: cap-1 / Message: Authentication accepted
    -> Event: FullyBooted ...
    -> Event: SuccessfulAuth ...
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from callcenter.asterisk.ami_frames import AmiMessage, encode_message
from callcenter.pbxsim.action_frames import split_actions
from callcenter.pbxsim.channels import Headers
from callcenter.pbxsim.timing import Timing

log = logging.getLogger(__name__)

GREETING = b"Asterisk Call Manager/11.0.0\r\n"
VERSION_LINE = "Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-22 20:59:26 UTC"


class AmiSession:
    """One connected manager client."""

    def __init__(self, writer: asyncio.StreamWriter, session_id: int) -> None:
        self.writer = writer
        self.session_id = session_id
        self.authenticated = False
        self.events_on = True
        self._closed = False

    def send(self, headers: Headers) -> None:
        if self._closed or self.writer.is_closing():
            return
        self.writer.write(encode_message(headers))

    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True
        self.writer.close()


ActionHandler = Callable[[AmiMessage, AmiSession], Awaitable[bool]]


def _reply(msg: AmiMessage, *fields: tuple[str, str], response: str = "Success") -> Headers:
    return [("Response", response), ("ActionID", msg.action_id or ""), *fields]


class AmiServer:
    """Listens for manager clients; ``broadcast`` sends an event to every logged-in client."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        permit: tuple[str, ...],
        timing: Timing,
        login_failure_delay_s: float,
        handler: ActionHandler,
        status: Callable[[], int],
    ) -> None:
        self._host, self._port = host, port
        self._username, self._secret = username, secret
        self._permit = permit
        self._timing = timing
        self._fail_delay = login_failure_delay_s
        self._handler = handler
        self._status = status
        self._server: asyncio.Server | None = None
        self._sessions: set[AmiSession] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._next_id = 0x7F0D20004080
        self._started = time.time()

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_client, self._host, self._port)
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("pbxsim AMI listening", extra={"host": self._host, "port": self._port})

    async def stop(self) -> None:
        """Stop listening and drop every session (the port stays reserved in ``port``)."""
        if self._server is not None:
            self._server.close()
        for session in list(self._sessions):
            session.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def broadcast(self, headers: Headers) -> None:
        for session in list(self._sessions):
            if session.authenticated and session.events_on:
                session.send(headers)

    def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if self._permit and (not peer or peer[0] not in self._permit):
            log.warning("pbxsim AMI refused a client not in the permit list", extra={"peer": str(peer)})
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        self._next_id += 0x10
        session = AmiSession(writer, self._next_id)
        self._sessions.add(session)
        try:
            writer.write(GREETING)
            buffer = b""
            while not session.is_closed():
                data = await reader.read(65536)
                if not data:
                    break
                actions, buffer = split_actions(buffer + data)
                for msg in actions:
                    await self._dispatch(msg, session, peer)
                    if session.is_closed():
                        break
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        except Exception:
            log.exception("pbxsim AMI session failed")
        finally:
            self._sessions.discard(session)
            session.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()

    async def _dispatch(self, msg: AmiMessage, session: AmiSession, peer: object) -> None:
        action = (msg.get("Action") or "").lower()
        if action == "login":
            await self._login(msg, session, peer)
            return
        if action == "logoff":
            session.send(_reply(msg, ("Message", "Thanks for all the fish."), response="Goodbye"))
            session.close()
            await session.writer.drain()
            session.close()
            return
        if not session.authenticated:
            session.send(_reply(msg, ("Message", "Authentication Required"), response="Error"))
            return
        if action == "events":
            mask = (msg.get("EventMask") or "on").lower()
            session.events_on = mask not in ("off", "none")
            session.send(_reply(msg, ("Events", "On" if session.events_on else "Off")))
        elif action == "ping":
            session.send(_reply(msg, ("Ping", "Pong"), ("Timestamp", f"{time.time():.6f}")))
        elif action == "corestatus":
            self._core_status(msg, session)
        elif action == "coresettings":
            self._core_settings(msg, session)
        elif action == "command":
            self._command(msg, session)
        elif not await self._handler(msg, session):
            name = msg.get("Action") or ""
            session.send(
                _reply(
                    msg,
                    (
                        "Message",
                        f"Invalid/unknown command: {name}. "
                        "Use Action: ListCommands to show available commands.",
                    ),
                    response="Error",
                )
            )
            session.send(
                self._security_event(
                    session, peer, "RequestBadFormat", "Error", ("RequestType", f"Action: {name}")
                )
            )

    async def _login(self, msg: AmiMessage, session: AmiSession, peer: object) -> None:
        user, secret = msg.get("Username") or "", msg.get("Secret") or ""
        ok = hmac.compare_digest(user.encode(), self._username.encode()) and hmac.compare_digest(
            secret.encode(), self._secret.encode()
        )
        if not ok:
            # Asterisk answers a failed login only after a delay, then closes the session.
            log.warning("pbxsim AMI login failed", extra={"username": user})
            await self._timing.sleep(self._fail_delay)
            session.send(_reply(msg, ("Message", "Authentication failed"), response="Error"))
            await session.writer.drain()
            session.close()
            return
        session.authenticated = True
        session.send(_reply(msg, ("Message", "Authentication accepted")))
        uptime = int(time.time() - self._started)
        session.send(
            [
                ("Event", "FullyBooted"),
                ("Privilege", "system,all"),
                ("Uptime", str(uptime)),
                ("LastReload", str(uptime)),
                ("Status", "Fully Booted"),
            ]
        )
        session.send(
            self._security_event(
                session, peer, "SuccessfulAuth", "Informational", ("AccountID", user), ("UsingPassword", "0")
            )
        )

    def _security_event(
        self, session: AmiSession, peer: object, name: str, severity: str, *extra: tuple[str, str]
    ) -> Headers:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
        remote = f"IPV4/TCP/{peer[0]}/{peer[1]}" if isinstance(peer, tuple) else "IPV4/TCP/unknown"
        head: Headers = [
            ("Event", name),
            ("Privilege", "security,all"),
            ("EventTV", now),
            ("Severity", severity),
            ("Service", "AMI"),
            ("EventVersion", "1"),
        ]
        addresses: Headers = [
            ("SessionID", f"0x{session.session_id:x}"),
            ("LocalAddress", f"IPV4/TCP/{self._host}/{self._port}"),
            ("RemoteAddress", remote),
        ]
        if name == "SuccessfulAuth":
            return [*head, extra[0], *addresses, *extra[1:], ("SessionTV", now)]
        return [*head, *addresses, *extra, ("SessionTV", now), ("AccountID", self._username)]

    def _core_status(self, msg: AmiMessage, session: AmiSession) -> None:
        started = dt.datetime.fromtimestamp(self._started, dt.UTC)
        session.send(
            _reply(
                msg,
                ("CoreStartupDate", started.strftime("%Y-%m-%d")),
                ("CoreStartupTime", started.strftime("%H:%M:%S")),
                ("CoreReloadDate", started.strftime("%Y-%m-%d")),
                ("CoreReloadTime", started.strftime("%H:%M:%S")),
                ("CoreCurrentCalls", str(self._status())),
                ("CoreProcessedCalls", "0"),
            )
        )

    def _core_settings(self, msg: AmiMessage, session: AmiSession) -> None:
        session.send(
            _reply(
                msg,
                ("AMIversion", "11.0.0"),
                ("AsteriskVersion", "22.10.1"),
                ("SystemName", ""),
                ("CoreMaxCalls", "0"),
                ("CoreMaxLoadAvg", "0.000000"),
                ("CoreRunUser", ""),
                ("CoreRunGroup", ""),
                ("CoreMaxFilehandles", "0"),
                ("CoreRealTimeEnabled", "No"),
                ("CoreCDRenabled", "No"),
                ("CoreHTTPenabled", "No"),
                ("SoundsSearchCustomDir", "No"),
            )
        )

    def _command(self, msg: AmiMessage, session: AmiSession) -> None:
        command = (msg.get("Command") or "").strip()
        output = VERSION_LINE if command == "core show version" else f"No such command '{command}'"
        session.send(_reply(msg, ("Message", "Command output follows"), ("Output", output)))
