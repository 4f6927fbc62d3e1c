"""Scoring and selection (pure).

Item arrives: the best eligible agent wins by (previous agent of this customer, skill score,
longest idle). Agent frees up: the best waiting item wins by (effective priority, original
sequence). Effective priority = priority + tier boost + aging × wait; see ``records`` for the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from acd.agent_state import can_take
from acd.decision import CandidateScore
from acd.model import QueueConfig, ValueTier, WorkItem
from acd.records import AgentRecord, BucketHead, Requirement


def tier_boost(queue: QueueConfig, tier: ValueTier) -> float:
    return queue.tier_boost.get(tier, 0.0)


def priority_key(item: WorkItem, queue: QueueConfig) -> float:
    """Static sort key (smaller first): −(priority + boost) + aging_rate × arrival."""
    return -(item.priority + tier_boost(queue, item.customer.tier)) + queue.aging_per_second * item.arrived_at


def effective_priority(key: float, queue: QueueConfig, now: float) -> float:
    return queue.aging_per_second * now - key


def skill_score(skills: Mapping[str, int], requirement: Requirement) -> float | None:
    """Best over the alternatives of the summed levels of the required skills; None if none fits."""
    best: float | None = None
    for alt in requirement:
        total = 0
        for r in alt:
            level = skills.get(r.skill, 0)
            if level < r.min_level:
                break
            total += level
        else:
            if best is None or total > best:
                best = float(total)
    return best


def rank_agents(
    agents: Iterable[AgentRecord],
    item: WorkItem,
    requirement: Requirement,
    now: float,
    *,
    previous_agent: str | None,
    exclude: frozenset[str] = frozenset(),
) -> list[CandidateScore]:
    """Eligible agents, best first."""
    ranked = []
    for a in agents:
        if a.agent_id in exclude or not can_take(a, item.channel):
            continue
        score = skill_score(a.agent.skills, requirement)
        if score is None:
            continue
        ranked.append(CandidateScore(a.agent_id, a.agent_id == previous_agent, score, now - a.idle_since))
    ranked.sort(key=lambda c: (c.previous_agent, c.skill_score, c.idle_seconds, c.agent_id), reverse=True)
    return ranked


def agent_rules(ranked: list[CandidateScore]) -> tuple[str, ...]:
    """Which comparison separated the winner from the runner-up."""
    best = ranked[0]
    if best.previous_agent:
        return ("previous agent",)
    if len(ranked) == 1:
        return ("only eligible agent",)
    second = ranked[1]
    if best.skill_score > second.skill_score:
        return ("skill score",)
    return ("skill score tie", "longest idle")


def rank_heads(heads: Iterable[tuple[BucketHead, QueueConfig]], now: float) -> list[tuple[BucketHead, float]]:
    """Bucket heads with their effective priority, best first: highest effective priority, then
    lowest sequence (longest in the queue)."""
    ranked = [(h, effective_priority(h.key, q, now)) for h, q in heads]
    ranked.sort(key=lambda r: (-r[1], r[0].seq))
    return ranked


def boost_rules(item: WorkItem, queue: QueueConfig) -> tuple[str, ...]:
    boost = tier_boost(queue, item.customer.tier)
    return (f"{item.customer.tier.value} boost",) if boost > 0 else ()


def item_rules(item: WorkItem, queue: QueueConfig, ranked: list[tuple[BucketHead, float]]) -> tuple[str, ...]:
    """Which comparison made the winner the agent's next item."""
    if len(ranked) == 1:
        rules: tuple[str, ...] = ("only eligible item",)
    elif ranked[0][1] > ranked[1][1]:
        rules = ("highest effective priority",)
    else:
        rules = ("equal priority", "longest wait")
    return rules + boost_rules(item, queue)
