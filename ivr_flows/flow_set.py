"""What a flow run is given: the snapshot of flows it runs against and the ports it talks through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr_flows.digit_rules import BUILTIN_VALIDATORS
from ivr_flows.errors import UnknownFlow
from ivr_flows.ports import Clock, CrmLookup, DigitValidator, PromptStore
from ivr_flows.schema import Flow


@dataclass(frozen=True, slots=True)
class FlowSet:
    """An immutable snapshot of flows (usually the published ones) a call runs against.

    A call keeps the snapshot it started with, so publishing a new version never changes a call in
    progress (subflows included)."""

    flows: Mapping[str, Flow]
    versions: Mapping[str, int] = field(default_factory=dict)

    def get(self, name: str) -> Flow:
        try:
            return self.flows[name]
        except KeyError:
            raise UnknownFlow(flow=name) from None


@dataclass(frozen=True, slots=True)
class RunPorts:
    crm: CrmLookup
    clock: Clock
    prompts: PromptStore
    validators: Mapping[str, DigitValidator] = field(default_factory=lambda: dict(BUILTIN_VALIDATORS))
    speech_available: bool = False  # a vosk model is installed (path from settings, used by the adapter)
    default_queue: str = "general"  # last resort when the flow's own fallback breaks
