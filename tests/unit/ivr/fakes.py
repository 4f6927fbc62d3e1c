"""Recording fakes for the IVR ports (kept here: this package's tests are the only users so far)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ivr_flows.errors import CallerGone, PromptMissing
from ivr_flows.interpreter import RunPorts
from ivr_flows.schema import Flow

HANGUP = "hangup"


class FakeChannel:
    """Answers input requests from ``inputs`` in order (``""`` or running out = timeout, ``"hangup"`` =
    the caller hangs up there); records every call in ``calls``."""

    def __init__(
        self,
        inputs: Sequence[str] = (),
        *,
        press_during: Mapping[str, str] | None = None,
        hangup_at: str | None = None,
        missing: Collection[str] = (),
    ) -> None:
        self.inputs = list(inputs)
        self.press_during = dict(press_during or {})
        self.hangup_at = hangup_at
        self.missing = set(missing)
        self.calls: list[tuple[Any, ...]] = []
        self.variables: dict[str, str] = {}

    def _prompt(self, prompt: str) -> None:
        if prompt == self.hangup_at:
            raise CallerGone(reason="caller hung up (200 result=-1, HANGUP)")
        if prompt in self.missing:
            raise PromptMissing(prompt=prompt)

    def _next(self) -> str | None:
        if not self.inputs:
            return None
        value = self.inputs.pop(0)
        if value == HANGUP:
            raise CallerGone(reason="caller hung up")
        return value or None

    @property
    def played(self) -> list[str]:
        return [c[1] for c in self.calls if c[0] in ("play", "read", "listen")]

    async def play(self, prompt: str, escape_digits: str) -> str | None:
        self.calls.append(("play", prompt, escape_digits))
        self._prompt(prompt)
        digit = self.press_during.get(prompt)
        return digit if digit is not None and digit in escape_digits else None

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        self.calls.append(("read", prompt, timeout_ms, max_digits, terminator))
        if prompt is not None:
            self._prompt(prompt)
        return self._next() or ""

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        self.calls.append(("wait", timeout_ms))
        return self._next()

    async def listen_for_keywords(
        self, prompt: str, keywords: Sequence[str], timeout_ms: int, escape_digits: str
    ) -> str | None:
        self.calls.append(("listen", prompt, tuple(keywords), timeout_ms, escape_digits))
        self._prompt(prompt)
        digit = self.press_during.get(prompt)
        if digit is not None and digit in escape_digits:
            return digit
        return self._next()

    async def set_variable(self, name: str, value: str) -> None:
        self.calls.append(("set", name, value))
        self.variables[name] = value


class FakeCrm:
    def __init__(self, records: Mapping[str, Mapping[str, str]] | None = None, fail: bool = False) -> None:
        self.records = dict(records or {})
        self.fail = fail
        self.lookups: list[tuple[str, str]] = []

    async def lookup(self, kind: str, value: str) -> Mapping[str, str] | None:
        self.lookups.append((kind, value))
        if self.fail:
            raise ConnectionError("database is down")
        return self.records.get(value)


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass
class FakePrompts:
    """Sound files that exist; TTS requests are recorded and named ``tts-<n>``."""

    names: set[str] = field(default_factory=set)
    everything: bool = False
    spoken: list[tuple[str, str]] = field(default_factory=list)

    def exists(self, name: str) -> bool:
        return self.everything or name in self.names or name.startswith("tts-")

    async def prompt_for_text(self, text: str, language: str) -> str:
        self.spoken.append((text, language))
        return f"tts-{len(self.spoken)}"


def make_flow(
    nodes: Mapping[str, Any], *, start: str = "a", fallback: str = "general", name: str = "t"
) -> Flow:
    return Flow.model_validate({"name": name, "start": start, "fallback": fallback, "nodes": nodes})


def make_ports(
    clock_at: datetime | None = None,
    crm: FakeCrm | None = None,
    prompts: FakePrompts | None = None,
    speech: bool = False,
) -> RunPorts:
    from datetime import UTC

    return RunPorts(
        crm=crm or FakeCrm(),
        clock=FixedClock(clock_at or datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),
        prompts=prompts or FakePrompts(everything=True),
        speech_available=speech,
        default_queue="general",
    )
