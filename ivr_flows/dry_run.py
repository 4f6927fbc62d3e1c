"""Dry run: walk a flow with scripted caller input, no telephone needed.

``callcenter flows test main --caller 4155550100 --digits 1,2`` calls ``dry_run`` then prints
``format_report``. Each entry of ``digits`` answers one input request in order: a menu key (``1``),
a digit string for a collect (``12345674`` or ``12345674#``), a keyword for a speech menu, ``""`` for
an explicit timeout, ``hangup`` for a caller who hangs up there. When the list runs out, every further
request times out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ivr_flows.errors import CallerGone
from ivr_flows.interpreter import FlowSet, RunPorts, run_flow
from ivr_flows.outcome import (
    CallbackOffer,
    CallContext,
    CallerLeft,
    FlowOutcome,
    Hangup,
    Queue,
    TerminalAction,
    Transfer,
    Voicemail,
)
from ivr_flows.ports import CrmLookup, PromptStore
from ivr_flows.schema import Flow

HANGUP = "hangup"


class ScriptedChannel:
    """A ``CallerChannel`` that answers from a list; records what it was asked to do."""

    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.played: list[str] = []
        self.variables: dict[str, str] = {}

    def _next(self) -> str | None:
        if not self.answers:
            return None
        answer = self.answers.pop(0)
        if answer == HANGUP:
            raise CallerGone(reason="scripted hangup")
        return answer or None

    async def play(self, prompt: str, escape_digits: str) -> str | None:
        self.played.append(prompt)
        return None  # scripted callers always listen to the whole prompt

    async def read_digits(self, prompt: str | None, timeout_ms: int, max_digits: int, terminator: str) -> str:
        if prompt is not None:
            self.played.append(prompt)
        return self._next() or ""

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        return self._next()

    async def listen_for_keywords(
        self, prompt: str, keywords: Sequence[str], timeout_ms: int, escape_digits: str
    ) -> str | None:
        self.played.append(prompt)
        return self._next()

    async def set_variable(self, name: str, value: str) -> None:
        self.variables[name] = value


class DictCrm:
    """A CRM port over a dict keyed by the looked-up value (caller number, order number, …)."""

    def __init__(self, records: Mapping[str, Mapping[str, str]]) -> None:
        self.records = records
        self.lookups: list[tuple[str, str]] = []

    async def lookup(self, kind: str, value: str) -> Mapping[str, str] | None:
        self.lookups.append((kind, value))
        return self.records.get(value)


class EveryPrompt:
    """A prompt store in which every file exists and TTS text becomes ``tts:<language>:<text>``."""

    def exists(self, name: str) -> bool:
        return True

    async def prompt_for_text(self, text: str, language: str) -> str:
        return f"tts:{language}:{text}"


@dataclass(frozen=True, slots=True)
class _FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass(frozen=True, slots=True)
class DryRunReport:
    flow: str
    caller_number: str
    now: datetime
    outcome: FlowOutcome
    unused_digits: tuple[str, ...] = ()
    channel_variables: Mapping[str, str] = field(default_factory=dict)


async def dry_run(
    flow: Flow,
    caller_number: str,
    digits: Sequence[str],
    *,
    now: datetime,
    other_flows: Mapping[str, Flow] | None = None,
    customers: Mapping[str, Mapping[str, str]] | None = None,
    crm: CrmLookup | None = None,
    prompts: PromptStore | None = None,
    speech_available: bool = False,
    dialed_number: str | None = None,
    language: str = "en",
    default_queue: str = "general",
    max_steps: int = 200,
) -> DryRunReport:
    """Run ``flow`` as ``caller_number`` at ``now`` pressing ``digits``; ``customers`` feeds a dict CRM."""
    channel = ScriptedChannel(digits)
    ports = RunPorts(
        crm=crm or DictCrm(customers or {}),
        clock=_FixedClock(now),
        prompts=prompts or EveryPrompt(),
        speech_available=speech_available,
        default_queue=default_queue,
    )
    flows = FlowSet({**(other_flows or {}), flow.name: flow})
    dialed = dialed_number if dialed_number is not None else (flow.numbers[0] if flow.numbers else "")
    context = CallContext(caller_number=caller_number, dialed_number=dialed, language=language)
    outcome = await run_flow(flows, flow.name, context, channel, ports, max_steps)
    return DryRunReport(
        flow.name, caller_number, now, outcome, tuple(channel.answers), dict(channel.variables)
    )


def describe(action: TerminalAction) -> str:
    if isinstance(action, Queue):
        skills = ", ".join(f"{s}>={level}" for s, level in action.skills) or "none"
        announce = "on" if action.announce else "off"
        return f"queue {action.name} (skills: {skills}; priority {action.priority}; announcements {announce})"
    if isinstance(action, Voicemail):
        return f"voicemail {action.mailbox}"
    if isinstance(action, CallbackOffer):
        return f"callback offer on queue {action.queue} to {action.number}"
    if isinstance(action, Transfer):
        return f"transfer to {action.number}"
    if isinstance(action, Hangup):
        return "hang up"
    assert isinstance(action, CallerLeft)
    return f"caller hung up at {action.flow}:{action.node}"


def format_report(report: DryRunReport) -> str:
    """The CLI text of a dry run."""
    out = report.outcome
    lines = [
        f"Flow {report.flow}, caller {report.caller_number}, at {report.now.isoformat()}",
        f"Result: {describe(out.action)}",
        "Path:",
        *(f"  {i}. {step}" for i, step in enumerate(out.path, 1)),
        "Prompts:",
        *(f"  - {p}" for p in out.prompts),
        "Digits entered: " + (", ".join(out.digits) or "(none)"),
        "Variables set:",
        *(f"  {k} = {v}" for k, v in sorted(report.channel_variables.items())),
    ]
    if not report.channel_variables:
        lines.append("  (none)")
    if report.unused_digits:
        lines.append("Unused digits: " + ", ".join(report.unused_digits))
    if out.errors:
        lines.append("Errors (the caller went to the fallback):")
        lines.extend(f"  {e.flow}:{e.node} [{e.code}] {e.message}" for e in out.errors)
    return "\n".join(lines) + "\n"
