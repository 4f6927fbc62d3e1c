"""What a flow run ends with: a terminal action plus the record of what happened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Queue:
    """Hand the caller to the ACD; the engine takes over (hold, announcements, agent offer).

    Digits pressed during ``EXEC MusicOnHold`` never reach the AGI (only AMI ``DTMFEnd`` shows them),
    so "press 1 for a callback while you wait" belongs to the engine's hold loop, not to a flow node."""

    name: str
    skills: tuple[tuple[str, int], ...] = ()
    priority: int = 0
    announce: bool = True


@dataclass(frozen=True, slots=True)
class Voicemail:
    mailbox: str


@dataclass(frozen=True, slots=True)
class CallbackOffer:
    queue: str
    number: str


@dataclass(frozen=True, slots=True)
class Transfer:
    number: str


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


@dataclass(frozen=True, slots=True)
class CallerLeft:
    """The caller hung up (or was redirected away) at ``flow``/``node``; nothing is to be done."""

    flow: str
    node: str


TerminalAction = Queue | Voicemail | CallbackOffer | Transfer | Hangup | CallerLeft


@dataclass(frozen=True, slots=True)
class RunError:
    """An error the safety net caught (also logged with flow and node)."""

    flow: str
    node: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    action: TerminalAction
    path: tuple[str, ...]  # "flow:node" in the order visited
    prompts: tuple[str, ...]  # sound file names as played (TTS already resolved)
    digits: tuple[str, ...]  # what the caller entered, one entry per input
    variables: Mapping[str, str] = field(default_factory=dict)
    errors: tuple[RunError, ...] = ()
    flow_versions: Mapping[str, int] = field(default_factory=dict)

    @property
    def used_fallback(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True, slots=True)
class CallContext:
    caller_number: str
    dialed_number: str = ""
    language: str = "en"
    variables: Mapping[str, str] = field(default_factory=dict)
