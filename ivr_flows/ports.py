"""The ports the interpreter talks through. Adapters live in ``callcenter`` (FastAGI, espeak, vosk, CRM);
tests use recording fakes.

Errors a ``CallerChannel`` may raise (``ivr_flows.errors``):

* ``CallerGone`` — the caller hung up or the channel was redirected/bridged (AGI ``200 result=-1``
  followed by ``HANGUP``). The interpreter stops at once and plays nothing more.
* ``PromptMissing`` — the sound file does not exist. STREAM FILE answers ``200 result=-1 endpos=0`` on a
  live channel for a missing file, so the adapter must check the file (or CHANNEL STATUS) before
  treating ``-1`` as a hangup. The interpreter sends the caller to the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Literal, Protocol


class CallerChannel(Protocol):
    async def play(self, prompt: str, escape_digits: str) -> str | None:
        """Play a sound file; return the digit that interrupted it, or None if it played to the end."""
        ...

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        """GET DATA: play ``prompt`` and read up to ``max_digits``; "" on timeout (``200 result= (timeout)``).
        The terminator is not part of the result."""
        ...

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        """WAIT FOR DIGIT; None on timeout."""
        ...

    async def listen_for_keywords(
        self, prompt: str, keywords: Sequence[str], timeout_ms: int, escape_digits: str
    ) -> str | None:
        """Play ``prompt`` and return the keyword the caller said, or None (nothing recognised).
        A key among ``escape_digits`` pressed during the prompt stops it and is returned instead."""
        ...

    async def set_variable(self, name: str, value: str) -> None:
        """SET VARIABLE on the channel, so the dialplan and CDRs see what the IVR learned."""
        ...


LookupKind = Literal["caller_number"] | str


class CrmLookup(Protocol):
    async def lookup(self, kind: LookupKind, value: str) -> Mapping[str, str] | None:
        """Find a customer by ``kind`` (``"caller_number"`` or the variable name, e.g. ``"order_number"``).
        Returns fields such as ``customer_name``, ``value_tier``, ``customer_id``, or None if not found."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class PromptStore(Protocol):
    def exists(self, name: str) -> bool:
        """Whether sound file ``name`` (without extension) is installed."""
        ...

    async def prompt_for_text(self, text: str, language: str) -> str:
        """Turn TTS text into a sound file name (espeak adapter, cached by text+language)."""
        ...


# A named validator for ``collect``: True when the digits are acceptable.
DigitValidator = Callable[[str], bool]
