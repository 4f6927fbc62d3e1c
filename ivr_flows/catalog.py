"""Dialed number → the flow new calls start, always the currently published version.

The catalog holds one immutable ``FlowSet`` snapshot and swaps it whole when a flow is published or
rolled back: calls already running keep the snapshot (and so the versions) they started with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ivr_flows.interpreter import FlowSet
from ivr_flows.schema import Flow
from ivr_flows.store import FlowRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CallStart:
    """What a new call runs: the snapshot of published flows and the flow its dialed number chose."""

    flows: FlowSet
    flow: str

    @property
    def version(self) -> int:
        return self.flows.versions.get(self.flow, 0)


class FlowCatalog:
    def __init__(self, repository: FlowRepository) -> None:
        self._repository = repository
        self._state: tuple[FlowSet, dict[str, str]] = (FlowSet({}), {})
        repository.add_listener(lambda _flow, _version: self.reload())
        self.reload()

    def reload(self) -> None:
        flows: dict[str, Flow] = {}
        versions: dict[str, int] = {}
        numbers: dict[str, str] = {}
        for name in self._repository.flow_names():
            published = self._repository.published(name)
            if published is None:
                continue
            flow = self._repository.load(name, published.number)
            flows[name], versions[name] = flow, published.number
            for number in flow.numbers:
                if number in numbers:
                    log.warning(
                        "dialed number claimed by two flows; keeping the first",
                        extra={"number": number, "kept": numbers[number], "ignored": name},
                    )
                    continue
                numbers[number] = name
        # One assignment: a reader sees the old snapshot or the new one, never a mix.
        self._state = (FlowSet(flows, versions), numbers)

    def snapshot(self) -> FlowSet:
        return self._state[0]

    def for_number(self, dialed: str) -> CallStart | None:
        flows, numbers = self._state
        name = numbers.get(dialed)
        if name is None or name not in flows.flows:
            return None
        return CallStart(flows, name)
