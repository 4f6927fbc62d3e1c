"""The caller-media port (:mod:`callcenter.caller_media`) over one FastAGI session: AGI commands,
Dial strings, channel variables and the AGI error tree stop here.

``200 result=-1`` on a command means the caller hung up or an AMI Redirect/Bridge took the channel
(fact 7): :class:`CallerGone`. A missing sound (STREAM FILE ``200 result=-1 endpos=0`` on a live
channel, fact 13): :class:`PromptMissing`. Any other AGI failure: :class:`MediaFailed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from callcenter.asterisk.agi_session import AgiPromptMissing, AgiSession
from callcenter.asterisk.errors import AgiChannelGone, AgiError
from callcenter.asterisk.pbx_adapter import trunk_dial_string
from callcenter.caller_media import Arrival, MediaFailed
from callcenter.calls.handback import HANDBACK_VARIABLE
from ivr_flows.errors import CallerGone, PromptMissing

ALL_KEYS = "0123456789*#"
# AGI command timeout beyond the time the command itself may take (a key wait, a hold segment).
MARGIN_S = 30.0


@contextmanager
def media_errors(action: str, prompt: str = "") -> Iterator[None]:
    try:
        yield
    except AgiChannelGone as exc:
        raise CallerGone(reason=str(exc)) from exc
    except AgiPromptMissing as exc:
        raise PromptMissing(prompt=prompt) from exc
    except AgiError as exc:
        raise MediaFailed(action, str(exc)) from exc


class AgiCallerMedia:
    """:class:`callcenter.caller_media.CallerMedia` over one FastAGI session."""

    def __init__(self, session: AgiSession) -> None:
        self._session = session
        env = session.env
        self._arrival = Arrival(
            uniqueid=env.uniqueid,
            channel=env.channel,
            caller_number=env.callerid,
            caller_name=env.calleridname,
            extension=env.extension,
            args=env.args,
        )

    @property
    def arrival(self) -> Arrival:
        return self._arrival

    async def answer(self) -> None:
        with media_errors("answer"):
            await self._session.answer()

    async def hangup(self) -> None:
        with media_errors("hang up"):
            await self._session.hangup()

    async def play(self, prompt: str, escape_digits: str = "") -> str | None:
        """``STREAM FILE hello-world "0123456789#*"`` → ``200 result=50 endpos=5120``: ``"2"``."""
        with media_errors("play", prompt):
            return (await self._session.stream_file(prompt, escape_digits)).digit

    async def say_number(self, number: int, escape_digits: str = "") -> str | None:
        with media_errors("say number"):
            return await self._session.say_number(number, escape_digits)

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        with media_errors("wait for a key"):
            return await self._session.wait_for_digit(timeout_ms, timeout=timeout_ms / 1000 + MARGIN_S)

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        """``GET DATA`` when ``#`` ends the input (it stops there by itself); another terminator is
        read key by key after the prompt."""
        with media_errors("read keys", prompt or ""):
            if terminator in ("", "#"):
                return await self._session.get_data(prompt or "silence/1", timeout_ms, max_digits)
            digits = ""
            if prompt:
                digits = (await self._session.stream_file(prompt, ALL_KEYS)).digit or ""
            while len(digits) < max_digits:
                digit = await self._session.wait_for_digit(timeout_ms)
                if digit is None:
                    break
                if digit == terminator:
                    return digits
                digits += digit
            return digits.removesuffix(terminator)

    async def record_answer(self, path: str, timeout_ms: int) -> None:
        """``RECORD FILE /var/spool/speech-1 wav "#" 5000 0 s=1`` (ends on 1 s of silence)."""
        with media_errors("record"):
            await self._session.record_file(
                path, "wav", "#", timeout_ms, silence_s=1, timeout=timeout_ms / 1000 + 10
            )

    async def set_variable(self, name: str, value: str) -> None:
        with media_errors("set variable"):
            await self._session.set_variable(name, value)

    async def music_on_hold(self, music_class: str, seconds: int) -> None:
        """``EXEC MusicOnHold default,20``; an agent's Redirect ends it with ``result=-1``."""
        with media_errors("music on hold"):
            await self._session.exec("MusicOnHold", f"{music_class},{seconds}", timeout=seconds + MARGIN_S)

    async def set_music(self, on: bool, music_class: str = "default") -> None:
        with media_errors("music on hold"):
            await self._session.set_music(on, music_class)

    async def record_message(self, path: str, max_ms: int, silence_s: int) -> str | None:
        """``RECORD FILE /var/spool/callcenter/voicemail/vm-1 wav "#" 120000 0 BEEP s=5`` ->
        ``200 result=35 (dtmf) endpos=0`` (fact 14); ``result=-1 (writefile)``: MediaFailed."""
        with media_errors("record a message"):
            result = await self._session.record_file(
                path, "wav", "#", max_ms, beep=True, silence_s=silence_s, timeout=max_ms / 1000 + MARGIN_S
            )
            return result.digit

    async def dial_number(self, number: str, trunk: str) -> str:
        """``EXEC Dial PJSIP/4155550199@pstn-out,60``, then ``GET VARIABLE DIALSTATUS``."""
        with media_errors("dial"):
            await self._session.exec("Dial", trunk_dial_string(number, trunk), timeout=3600.0)
            return await self._session.get_variable("DIALSTATUS") or "UNKNOWN"

    async def handback(self) -> str | None:
        with media_errors("read the hand-back"):
            return await self._session.get_variable(HANDBACK_VARIABLE)
