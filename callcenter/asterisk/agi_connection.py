"""The transport of one FastAGI conversation: command lines out, answers in.

A background task reads every line Asterisk sends, so EOF and the asynchronous ``HANGUP`` line are
seen even while no command runs. Answers resolve the oldest waiting command; the bare ``HANGUP`` line
only sets ``hung_up`` (it may come before or after an answer, facts 6 and 15). Lines are decoded as
UTF-8 with replacement (caller names may be 张伟 or raw Latin-1).

``send`` raises: ``AgiInvalidCommand`` for ``510``/``520`` (Asterisk's text kept), ``AgiChannelGone``
for ``511`` (dead channel), EOF or a closed connection, ``AgiProtocolError`` for a garbage line,
``AgiTimeout`` when no answer comes in time. After a timeout Asterisk may still be running the
command; its late answer is discarded so later commands get their own answers.
``result=-1`` is returned, not raised: what it means depends on the command (see agi_session).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from callcenter.asterisk.agi_protocol import (
    AgiArg,
    AgiResult,
    encode_command,
    ends_multiline,
    is_async_hangup,
    parse_multiline,
    parse_result,
    starts_multiline,
)
from callcenter.asterisk.errors import (
    AgiChannelGone,
    AgiInvalidCommand,
    AgiProtocolError,
    AgiTimeout,
)

log = logging.getLogger(__name__)

_MAX_USAGE_LINES = 200


class AgiConnection:
    """The socket of one FastAGI conversation: sends command lines, matches answers (see module doc)."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        channel: str,
        uniqueid: str,
        command_timeout: float,
    ) -> None:
        self.channel = channel
        self.hung_up = False
        self._reader = reader
        self._writer = writer
        self._command_timeout = command_timeout
        self._waiting: deque[asyncio.Future[AgiResult]] = deque()
        self._lock = asyncio.Lock()
        self._eof = False
        self._closed = False
        self._log_extra = {"channel": channel, "uniqueid": uniqueid}
        self._read_task = asyncio.get_running_loop().create_task(self._read_loop())

    @property
    def closed(self) -> bool:
        return self._closed

    async def send(self, command: str, *args: AgiArg, timeout: float | None = None) -> AgiResult:  # noqa: ASYNC109
        """Send one command line and return its ``200`` answer (``result=-1`` included).

        ``send("GET VARIABLE", "CALLERID(num)")`` writes ``GET VARIABLE CALLERID(num)\\n`` and returns
        ``AgiResult(code=200, result="1", data="4155550100")`` for ``200 result=1 (4155550100)``.
        """
        data = encode_command(command, *args)  # raises UnsafeAgiArgument before anything is written
        async with self._lock:
            if self._closed or self._eof:
                raise AgiChannelGone(f"AGI session of {self.channel} is closed")
            answer_future: asyncio.Future[AgiResult] = asyncio.get_running_loop().create_future()
            self._waiting.append(answer_future)
            try:
                self._writer.write(data)
                await self._writer.drain()
            except ConnectionError as exc:
                answer_future.cancel()
                raise AgiChannelGone(f"AGI socket of {self.channel} broke: {exc}") from exc
            limit = self._command_timeout if timeout is None else timeout
            try:
                answer = await asyncio.wait_for(answer_future, limit)
            except TimeoutError:
                log.warning(
                    "AGI command got no answer in time",
                    extra={**self._log_extra, "command": command, "timeout_s": limit},
                )
                raise AgiTimeout(f"{command} got no answer within {limit:g} s") from None
        return self._check(command, answer)

    def _check(self, command: str, answer: AgiResult) -> AgiResult:
        if answer.code == 200:
            return answer
        if answer.code in (510, 520):
            raise AgiInvalidCommand(f"Asterisk refused {command}: {answer.code} {answer.message}")
        if answer.code == 511:
            raise AgiChannelGone(f"{command} not permitted on the dead channel {self.channel}")
        raise AgiProtocolError(f"unexpected answer to {command}: {answer.code} {answer.message}")

    async def close(self) -> None:
        """Close the socket (idempotent). Asterisk then continues the dialplan after AGI()."""
        if self._closed:
            return
        self._closed = True
        self._read_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._read_task
        self._fail_waiting("AGI session closed")
        self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()

    async def _read_loop(self) -> None:
        try:
            while True:
                line = await self._read_line()
                if line is None:
                    return
                if is_async_hangup(line):
                    self.hung_up = True
                    log.info("AGI channel hung up", extra=self._log_extra)
                    continue
                self._deliver(await self._parse(line))
        except (ConnectionError, ValueError) as exc:  # ValueError: line over the reader's limit
            log.warning("AGI socket read failed", extra={**self._log_extra, "error": str(exc)})
        finally:
            self._eof = True
            self._fail_waiting("Asterisk closed the AGI socket")

    async def _read_line(self) -> str | None:
        raw = await self._reader.readline()
        if not raw.endswith(b"\n"):
            return None  # EOF, possibly in the middle of a line
        return raw.decode("utf-8", errors="replace").rstrip("\r\n")

    async def _parse(self, line: str) -> AgiResult | AgiProtocolError:
        try:
            if not starts_multiline(line):
                return parse_result(line)
            lines = [line]
            while not ends_multiline(lines[-1]) and len(lines) < _MAX_USAGE_LINES:
                more = await self._read_line()
                if more is None:
                    break
                lines.append(more)
            return parse_multiline(lines)
        except AgiProtocolError as exc:
            log.warning("AGI garbage line", extra={**self._log_extra, "line": line[:200]})
            return exc

    def _deliver(self, answer: AgiResult | AgiProtocolError) -> None:
        while self._waiting:
            future = self._waiting.popleft()
            if future.done():  # its command timed out: this is that command's late answer
                log.info("AGI late answer discarded", extra={**self._log_extra, "answer": repr(answer)})
                return
            if isinstance(answer, AgiProtocolError):
                future.set_exception(answer)
            else:
                future.set_result(answer)
            return
        log.warning("AGI answer with no command waiting", extra={**self._log_extra, "answer": repr(answer)})

    def _fail_waiting(self, why: str) -> None:
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(AgiChannelGone(f"{why} ({self.channel})"))
