"""The FastAGI server: Asterisk connects (``AGI(agi://engine:4573/ivr,${EXTEN})``), we run a handler.

One connection is one call. The server reads the ``agi_*`` environment (with a deadline), picks the
handler by ``agi_network_script`` (``ivr``, ``connect-failed``, ...), runs it with an ``AgiSession``,
and closes the socket the moment the handler returns or raises: Asterisk continues the dialplan (or
the AMI Redirect target, fact 7) only once the AGI socket is closed.

Why not panoramisk.fast_agi
---------------------------
panoramisk stays our AMI library, but its FastAGI server treats the async ``HANGUP`` line as the answer
to the running command (it reads one line per command), so after a caller hangup every later answer is
off by one. It has no notion of ``result=-1`` (hangup, Redirect, or a missing prompt, facts 7 and 13),
no peer allowlist, no timeouts (a silent peer hangs the handler forever), sends arguments unescaped
(a CRM value with a newline would inject a command), and keeps the socket open on handler errors.
Each of these is a line or two here; patching around them there would be more code.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from callcenter.asterisk.agi_connection import AgiConnection
from callcenter.asterisk.agi_protocol import AgiEnvironment, parse_environment
from callcenter.asterisk.agi_session import AgiPromptMissing, AgiSession, PlaybackResult, RecordResult
from callcenter.asterisk.errors import AgiChannelGone, AgiError

log = logging.getLogger(__name__)

AgiHandler = Callable[[AgiSession], Awaitable[None]]
# Set on the channel when a session ends normally; the crash-safe dialplan tests it after AGI().
DONE_VARIABLE = "CC_DONE"

_MAX_ENV_LINES = 200

__all__ = [
    "AgiHandler",
    "AgiPromptMissing",
    "AgiSession",
    "FastAgiServer",
    "PlaybackResult",
    "RecordResult",
]


async def _unknown_script(session: AgiSession) -> None:
    log.warning(
        "no AGI handler for this script; returning to the dialplan",
        extra={"channel": session.env.channel, "script": session.env.network_script},
    )


class FastAgiServer:
    """Serve FastAGI on ``host:port`` (port 0: an ephemeral port, read ``.port`` after ``start``)."""

    def __init__(
        self,
        host: str,
        port: int,
        routes: Mapping[str, AgiHandler],
        *,
        allowed_hosts: Sequence[str],
        default_handler: AgiHandler = _unknown_script,
        command_timeout: float = 10.0,
        env_timeout: float = 5.0,
        stop_grace: float = 1.0,
        mark_done: bool = True,
    ) -> None:
        self._host = host
        self._requested_port = port
        self._routes = dict(routes)
        self._default = default_handler
        # ip_network raises ValueError at construction for a typo, not at the first call.
        self._allowed = [ipaddress.ip_network(item, strict=False) for item in allowed_hosts]
        self._command_timeout = command_timeout
        self._env_timeout = env_timeout
        self._stop_grace = stop_grace
        # Set CC_DONE when a handler ends a session on purpose (off: the recordings' dialplan).
        self._mark_done = mark_done
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._sessions: set[AgiSession] = set()
        self.port = 0

    @property
    def active_sessions(self) -> int:
        return len(self._sessions)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_connect, self._host, self._requested_port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("FastAGI server listening", extra={"host": self._host, "port": self.port})

    async def stop(self) -> None:
        """Stop listening and close every live session (their handlers see AgiChannelGone)."""
        if self._server is not None:
            self._server.close()
        for session in list(self._sessions):
            await session.close()
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self._stop_grace)
            for task in pending:  # a handler stuck outside AGI (e.g. a slow CRM call)
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _allows(self, peer: object) -> bool:
        if not isinstance(peer, tuple) or not peer:
            return False
        try:
            address = ipaddress.ip_address(str(peer[0]).partition("%")[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self._allowed)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve_call(reader, writer)
        finally:  # also when stop() cancels a task stuck outside AGI: never leak the socket
            await _close_writer(writer)

    async def _serve_call(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if not self._allows(peer):
            log.warning("FastAGI connection refused: host not allowed", extra={"peer": str(peer)})
            return
        env = await self._read_environment(reader, peer)
        if env is None:
            return
        connection = AgiConnection(
            reader,
            writer,
            channel=env.channel,
            uniqueid=env.uniqueid,
            command_timeout=self._command_timeout,
        )
        session = AgiSession(env, connection)
        self._sessions.add(session)
        extra = {"channel": env.channel, "uniqueid": env.uniqueid, "script": env.network_script}
        try:
            await self._routes.get(env.network_script, self._default)(session)
            if self._mark_done:
                await _mark_done(session)
        except AgiChannelGone as exc:
            log.info("AGI channel gone; handler ended", extra={**extra, "reason": str(exc)})
        except AgiError as exc:
            log.warning("AGI handler ended by an AGI error", extra={**extra, "error": repr(exc)})
        except Exception:
            log.exception("AGI handler failed", extra=extra)
        finally:
            self._sessions.discard(session)
            await session.close()

    async def _read_environment(self, reader: asyncio.StreamReader, peer: object) -> AgiEnvironment | None:
        lines: list[str] = []
        try:
            async with asyncio.timeout(self._env_timeout):
                while len(lines) < _MAX_ENV_LINES:
                    raw = await reader.readline()
                    if not raw.endswith(b"\n"):
                        log.warning(
                            "FastAGI peer closed before the environment ended", extra={"peer": str(peer)}
                        )
                        return None
                    line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                    if not line:
                        break
                    lines.append(line)
        except TimeoutError:
            log.warning(
                "FastAGI environment not received in time",
                extra={"peer": str(peer), "timeout_s": self._env_timeout, "lines": len(lines)},
            )
            return None
        except (ConnectionError, ValueError) as exc:
            log.warning("FastAGI environment unreadable", extra={"peer": str(peer), "error": str(exc)})
            return None
        env = parse_environment(lines)
        for bad in env.skipped:
            log.warning(
                "malformed AGI environment line skipped", extra={"peer": str(peer), "line": bad[:200]}
            )
        return env


async def _mark_done(session: AgiSession) -> None:
    """The handler ended the session on purpose: tell the dialplan (fact 19). A session that ends
    without this mark (the engine died, or a handler failed) loops the caller back into an engine;
    a channel already hung up or Redirected away needs no mark."""
    if session.hung_up or session.left or session.closed:
        return
    try:
        await session.set_variable(DONE_VARIABLE, "1")
    except AgiError as exc:
        log.info(
            "could not mark the AGI session done", extra={"channel": session.env.channel, "error": str(exc)}
        )


async def _close_writer(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
