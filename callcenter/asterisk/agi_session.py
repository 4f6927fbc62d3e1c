"""Typed AGI commands for one call: what a flow handler gets from the FastAGI server.

Semantics shared by every command:

- ``200 result=-1`` raises ``AgiChannelGone``: the caller hung up, or an AMI Redirect/Bridge took the
  channel (fact 7). The handler must return at once; the server then closes the socket, and only then
  does the channel continue at the Redirect target. Exception: playback of a missing prompt (fact 13).
- The asynchronous ``HANGUP`` line only sets ``hung_up``. Commands after it are still sent: Asterisk
  keeps answering them until the socket closes (fact 6), so a handler may still read variables for
  wrap-up; commands that need the caller answer ``-1`` (``AgiChannelGone``) or ``511``.
- ``AgiInvalidCommand``, ``AgiProtocolError``, ``AgiTimeout``, ``UnsafeAgiArgument``: see agi_connection
  and agi_protocol. Each command has a default timeout; pass ``timeout=`` for long ones (EXEC
  MusicOnHold, RECORD FILE).
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.asterisk.agi_connection import AgiConnection
from callcenter.asterisk.agi_protocol import AgiArg, AgiEnvironment, AgiResult, Quoted
from callcenter.asterisk.errors import AgiChannelGone, AgiError

# CHANNEL STATUS answers the ast_channel_state: 6 is "Up"; -1 means no such channel.
CHANNEL_STATE_UP = 6


class AgiPromptMissing(AgiError):
    """Playback answered ``200 result=-1 endpos=0`` on a live channel: the prompt file is missing."""

    code = "asterisk.agi_prompt_missing"


class AgiRecordFailed(AgiError):
    """RECORD FILE answered ``200 result=-1 (writefile)``: Asterisk could not open the file (no such
    directory, no permission); the channel is alive."""

    code = "asterisk.agi_record_failed"


@dataclass(frozen=True, slots=True)
class PlaybackResult:
    digit: str | None
    """The escape digit that stopped playback, None if it played to the end."""
    endpos: int
    """Sample offset where playback stopped (CONTROL STREAM FILE answers -1 when it ended)."""


@dataclass(frozen=True, slots=True)
class RecordResult:
    reason: str
    """``"dtmf"``, ``"timeout"`` (silence or maximum length reached), or ``""``."""
    digit: str | None
    endpos: int


def _digit(code: int | None) -> str | None:
    """``result=49`` -> ``"1"``; ``0`` (no digit) -> None."""
    return chr(code) if code is not None and code > 0 else None


class AgiSession:
    """One call inside AGI. Build it with the FastAGI server; handlers only call its methods."""

    def __init__(self, env: AgiEnvironment, connection: AgiConnection) -> None:
        self.env = env
        self._conn = connection
        # A command answered result=-1 for a hangup or a Redirect: the channel is not ours any more.
        self.left = False

    @property
    def hung_up(self) -> bool:
        """True once Asterisk sent the bare ``HANGUP`` line."""
        return self._conn.hung_up

    @property
    def closed(self) -> bool:
        return self._conn.closed

    async def close(self) -> None:
        await self._conn.close()

    async def command(self, command: str, *args: AgiArg, timeout: float | None = None) -> AgiResult:  # noqa: ASYNC109
        """Any command; ``result=-1`` raises AgiChannelGone.

        ``command("GET VARIABLE", "CALLERID(num)")`` sends ``GET VARIABLE CALLERID(num)`` and returns
        ``AgiResult(code=200, result="1", data="4155550100")``.
        """
        answer = await self._conn.send(command, *args, timeout=timeout)
        if answer.result == "-1":
            self.left = True
            raise AgiChannelGone(f"{command} answered result=-1 on {self.env.channel}")
        return answer

    async def answer(self) -> None:
        """``ANSWER`` -> ``200 result=0``."""
        await self.command("ANSWER")

    async def hangup(self) -> None:
        """``HANGUP`` -> ``200 result=1``; the async ``HANGUP`` line follows the next command (fact 15)."""
        await self.command("HANGUP")

    async def noop(self, text: str = "") -> None:
        """``NOOP hello`` -> ``200 result=0``."""
        await self.command("NOOP", *([text] if text else []))

    async def verbose(self, message: str, level: int = 1) -> None:
        """``VERBOSE "queued" 1`` -> ``200 result=1``."""
        await self.command("VERBOSE", Quoted(message), level)

    async def stream_file(
        self,
        name: str,
        escape_digits: str = "",
        *,
        check_channel: bool = True,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> PlaybackResult:
        """``STREAM FILE hello-world "0123456789#*"`` -> ``200 result=0 endpos=11234``.

        A digit answers ``result=<ASCII>``. ``200 result=-1 endpos=0`` is ambiguous (fact 13): a missing
        prompt on a live channel, or a hangup at the very start. Unless a ``HANGUP`` line was already
        seen, CHANNEL STATUS is asked: AgiPromptMissing if the channel is alive, AgiChannelGone if not.
        With ``check_channel=False`` no extra command is sent and AgiPromptMissing is raised (a hangup
        then shows on the next command).
        """
        answer = await self._conn.send("STREAM FILE", name, Quoted(escape_digits), timeout=timeout)
        return await self._playback("STREAM FILE", name, answer, check_channel)

    async def control_stream_file(
        self,
        name: str,
        escape_digits: str = "",
        skip_ms: int = 3000,
        *,
        check_channel: bool = True,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> PlaybackResult:
        """``CONTROL STREAM FILE tt-monkeys "" 3000`` -> ``200 result=0 endpos=-1``."""
        answer = await self._conn.send(
            "CONTROL STREAM FILE", name, Quoted(escape_digits), skip_ms, timeout=timeout
        )
        return await self._playback("CONTROL STREAM FILE", name, answer, check_channel)

    async def get_option(
        self, name: str, escape_digits: str, timeout_ms: int, *, check_channel: bool = True
    ) -> PlaybackResult:
        """``GET OPTION beep "12" 2000`` -> ``200 result=0 endpos=3404`` (result: ASCII of the digit)."""
        answer = await self._conn.send("GET OPTION", name, Quoted(escape_digits), timeout_ms)
        return await self._playback("GET OPTION", name, answer, check_channel)

    async def _playback(self, command: str, name: str, answer: AgiResult, check: bool) -> PlaybackResult:
        endpos = answer.extra_int("endpos")
        if answer.result != "-1":
            return PlaybackResult(digit=_digit(answer.result_int), endpos=endpos or 0)
        if endpos not in (0, -1, None) or self.hung_up:
            self.left = True
            raise AgiChannelGone(f"{command} {name} ended by hangup or redirect on {self.env.channel}")
        if check and not await self._channel_alive():
            raise AgiChannelGone(f"{command} {name}: channel {self.env.channel} is gone")
        raise AgiPromptMissing(f"{command}: prompt {name!r} is missing (channel {self.env.channel} alive)")

    async def _channel_alive(self) -> bool:
        try:
            state = await self.channel_status()
        except AgiChannelGone:
            return False
        return not self.hung_up and state >= 0

    async def wait_for_digit(self, timeout_ms: int, *, timeout: float | None = None) -> str | None:  # noqa: ASYNC109
        """``WAIT FOR DIGIT 6000`` -> ``200 result=49`` gives ``"1"``; ``200 result=0`` gives None."""
        answer = await self.command("WAIT FOR DIGIT", timeout_ms, timeout=timeout)
        return _digit(answer.result_int)

    async def get_data(
        self,
        prompt: str,
        timeout_ms: int,
        max_digits: int,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> str:
        """``GET DATA beep 4000 2`` -> ``200 result=2``: ``"2"``; ``200 result= (timeout)``: ``""``."""
        answer = await self.command("GET DATA", prompt, timeout_ms, max_digits, timeout=timeout)
        return answer.result

    async def say_number(self, number: int, escape_digits: str = "") -> str | None:
        """``SAY NUMBER 3 ""`` -> ``200 result=0``; a pressed escape digit is returned."""
        return _digit((await self.command("SAY NUMBER", number, Quoted(escape_digits))).result_int)

    async def say_digits(self, digits: str, escape_digits: str = "") -> str | None:
        """``SAY DIGITS 42 ""`` -> ``200 result=0``."""
        return _digit((await self.command("SAY DIGITS", digits, Quoted(escape_digits))).result_int)

    async def say_alpha(self, text: str, escape_digits: str = "") -> str | None:
        """``SAY ALPHA ab ""`` -> ``200 result=0``."""
        return _digit((await self.command("SAY ALPHA", text, Quoted(escape_digits))).result_int)

    async def set_variable(self, name: str, value: str) -> None:
        """``SET VARIABLE CC_INTERACTION 42`` -> ``200 result=1``."""
        await self.command("SET VARIABLE", name, value)

    async def get_variable(self, name: str) -> str | None:
        """``GET VARIABLE CC_INTERACTION`` -> ``200 result=1 (42)`` gives ``"42"``; ``200 result=0`` None."""
        answer = await self.command("GET VARIABLE", name)
        return answer.data if answer.result == "1" else None

    async def get_full_variable(self, expression: str) -> str | None:
        """``GET FULL VARIABLE "${CALLERID(name)} ${EXTEN}"`` -> ``200 result=1 (Test Caller 5551234)``."""
        answer = await self.command("GET FULL VARIABLE", expression)
        return answer.data if answer.result == "1" else None

    async def exec(self, app: str, args: str = "", *, timeout: float | None = None) -> int:  # noqa: ASYNC109
        """``EXEC MusicOnHold default,20`` -> ``200 result=0``; an AMI Redirect ends it with -1 (fact 7).

        Returns the application's result (``-2``: no such application). Digits pressed during
        MusicOnHold never reach AGI (fact 12).
        """
        answer = await self.command("EXEC", app, *([args] if args else []), timeout=timeout)
        return answer.result_int or 0

    async def record_file(
        self,
        path: str,
        fmt: str,
        escape_digits: str,
        timeout_ms: int,
        *,
        beep: bool = False,
        silence_s: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> RecordResult:
        """``RECORD FILE /var/spool/callcenter/recordings/vm-voicemail wav "#" 15000 0 BEEP``.

        Answers ``200 result=35 (dtmf) endpos=0`` (ended by ``#``) or ``200 result=1 (timeout) endpos=0``;
        ``200 result=-1 (writefile)`` (the file cannot be written, the caller is still there) raises
        AgiRecordFailed.
        """
        args: list[AgiArg] = [path, fmt, Quoted(escape_digits), timeout_ms, 0]
        if beep:
            args.append("BEEP")
        if silence_s is not None:
            args.append(f"s={silence_s}")
        answer = await self._conn.send("RECORD FILE", *args, timeout=timeout)
        if answer.result == "-1":
            if answer.data == "writefile":
                raise AgiRecordFailed(f"Asterisk could not write {path}.{fmt}")
            raise AgiChannelGone(f"RECORD FILE answered result=-1 on {self.env.channel}")
        reason = answer.data or ""
        digit = _digit(answer.result_int) if reason == "dtmf" else None
        return RecordResult(reason=reason, digit=digit, endpos=answer.extra_int("endpos") or 0)

    async def channel_status(self) -> int:
        """``CHANNEL STATUS`` -> ``200 result=6`` (6: up; see Asterisk's ast_channel_state)."""
        return (await self.command("CHANNEL STATUS")).result_int or 0

    async def set_music(self, on: bool, music_class: str = "default") -> None:
        """``SET MUSIC on default`` / ``SET MUSIC off`` -> ``200 result=0``."""
        await self.command("SET MUSIC", *(["on", music_class] if on else ["off"]))

    async def set_callerid(self, name: str, number: str) -> None:
        """``SET CALLERID "\\"Known Customer\\" <4155550100>"`` -> ``200 result=1``.

        Asterisk reads only the first argument, so name and number travel as one quoted word; the
        unquoted form ``SET CALLERID "Known Customer" <4155550100>`` (announce.jsonl) drops the number.
        """
        name = name.replace('"', "'")  # a quote inside the name would end it early in ast_callerid_parse
        await self.command("SET CALLERID", f'"{name}" <{number}>' if name else number)
