"""What the status page shows: live and queued calls, agents' states, recent interactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callcenter.calls.service import CallService
from callcenter.contact_center import ContactCenter


@dataclass(frozen=True, slots=True)
class RecentCall:
    caller_number: str
    queue: str | None
    agent_id: str | None
    outcome: str
    talk_s: float | None


@dataclass(frozen=True, slots=True)
class StatusSummary:
    ami_connected: bool
    calls_live: int
    calls_queued: int
    agents: dict[str, str]
    recent: tuple[RecentCall, ...]


class EngineStatus:
    def __init__(self, cc: ContactCenter, calls: CallService, ami_connected: Callable[[], bool]) -> None:
        self._cc, self._calls, self.ami_connected = cc, calls, ami_connected

    async def summary(self) -> StatusSummary:
        calls = self._cc.live_calls()
        snapshot = await self._cc.snapshot()
        recent = tuple(
            RecentCall(
                r.caller_number,
                r.queue,
                r.agent_id,
                r.outcome,
                r.ended_at - r.answered_at if r.answered_at else None,
            )
            for r in list(self._calls.recent)
        )
        return StatusSummary(
            ami_connected=self.ami_connected(),
            calls_live=len(calls),
            calls_queued=sum(1 for c in calls if c.phase == "queued"),
            agents={a.agent_id: a.state.value for a in snapshot.agents},
            recent=recent,
        )
