"""The caller-media port: what call handling does on a caller's own channel while the engine holds
it (in Asterisk, a FastAGI session: :mod:`callcenter.asterisk.agi_media`). Prompts and keys, music
on hold, recording a message, dialing a number onward, and what an earlier engine left on the channel.
Tests use the recording fake of ``tests/fakes/caller_media.py``.

Its errors are the IVR interpreter's two (:mod:`ivr_flows.errors`) and one of its own:

* ``CallerGone``: the caller hung up, or the PBX took the channel away (an agent's phone rings,
  a bridge): stop at once and play nothing more.
* ``PromptMissing``: a sound does not exist; the channel is alive.
* ``MediaFailed``: any other failure of a media action (no answer in time, a protocol error).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from callcenter.errors import CallCenterError


@dataclass(frozen=True, slots=True)
class Arrival:
    """The channel the engine is handed: who calls, what they dialed, the route's arguments."""

    uniqueid: str
    channel: str
    caller_number: str
    caller_name: str
    extension: str
    args: tuple[str, ...] = ()


class MediaFailed(CallCenterError):
    code = "callcenter.media_failed"

    def __init__(self, action: str, detail: str) -> None:
        self.action = action
        self.detail = detail
        super().__init__(f"{action} failed on the caller's channel: {detail}")


class CallerMedia(Protocol):
    @property
    def arrival(self) -> Arrival: ...

    async def answer(self) -> None: ...

    async def hangup(self) -> None: ...

    async def play(self, prompt: str, escape_digits: str = "") -> str | None:
        """Play a sound; the key among ``escape_digits`` that stopped it, or None."""

    async def say_number(self, number: int, escape_digits: str = "") -> str | None: ...

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        """A key pressed within ``timeout_ms``, or None."""

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        """Play ``prompt`` and read up to ``max_digits`` keys; "" when none came. ``terminator``
        ends the input early and is not part of the result."""

    async def record_answer(self, path: str, timeout_ms: int) -> None:
        """Record what the caller says into ``path`` + ``.wav``, until silence, ``#`` or the timeout."""

    async def set_variable(self, name: str, value: str) -> None:
        """Leave ``name`` on the channel, for the dialplan and the call records."""

    async def music_on_hold(self, music_class: str, seconds: int) -> None:
        """Music on hold for ``seconds`` (keys pressed meanwhile are not heard)."""

    async def set_music(self, on: bool, music_class: str = "default") -> None:
        """Music on hold under the next prompts and key waits, until switched off."""

    async def record_message(self, path: str, max_ms: int, silence_s: int) -> str | None:
        """After a beep, record the caller's message into ``path`` + ``.wav`` until ``#`` (returned),
        ``silence_s`` of silence or ``max_ms``; None when it did not end by ``#``."""

    async def dial_number(self, number: str, trunk: str) -> str:
        """Dial ``number`` (E.164 or local digits) over ``trunk`` and connect the caller; returns
        how the dial ended: ``ANSWER`` (the conversation is over by now), ``BUSY``, ``NOANSWER``..."""

    async def handback(self) -> str | None:
        """The hand-back left on the channel (:mod:`callcenter.calls.handback`), or None."""
