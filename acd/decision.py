"""Explainable routing decisions and the offers they produce."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from acd.model import WorkItem


@dataclass(frozen=True, slots=True)
class CandidateScore:
    """One agent the router looked at, with the values it compared (higher wins, in this order)."""

    agent_id: str
    previous_agent: bool
    skill_score: float
    idle_seconds: float


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Why ``item_id`` went to ``agent_id``. ``rules`` name what decided, e.g. "skill score",
    "longest idle", "previous agent", "vip boost", "overflow step 2"."""

    item_id: str
    agent_id: str
    offer_id: str
    decided_at: float
    trigger: str  # item_arrived | agent_freed | requeued | overflow | dispatch
    queue: str
    effective_priority: float
    waited_seconds: float
    overflow_step: int
    rules: tuple[str, ...]
    candidates: tuple[CandidateScore, ...]
    items_compared: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RouteDecision:
        return cls(
            item_id=d["item_id"],
            agent_id=d["agent_id"],
            offer_id=d["offer_id"],
            decided_at=float(d["decided_at"]),
            trigger=d["trigger"],
            queue=d["queue"],
            effective_priority=float(d["effective_priority"]),
            waited_seconds=float(d["waited_seconds"]),
            overflow_step=int(d["overflow_step"]),
            rules=tuple(d["rules"]),
            candidates=tuple(CandidateScore(**c) for c in d["candidates"]),
            items_compared=int(d["items_compared"]),
        )

    @classmethod
    def from_json(cls, text: str) -> RouteDecision:
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True, slots=True)
class Offer:
    """An item reserved for an agent until ``expires_at``: the engine rings the agent now."""

    offer_id: str
    item: WorkItem
    agent_id: str
    created_at: float
    expires_at: float
    decision: RouteDecision
