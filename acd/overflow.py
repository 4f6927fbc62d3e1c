"""Overflow: requirements relax step by step with waiting time (pure).

Steps are cumulative: at step *k* the first *k* steps of the queue apply together, so minimum
levels are lowered by the sum of their ``lower_levels_by`` (never below 1), every ``also_accept``
set and every ``to_queue``'s skills are accepted as alternatives to the item's own skills.
"""

from __future__ import annotations

from collections.abc import Mapping

from acd.model import MIN_LEVEL, QueueConfig, SkillRequirement, WorkItem
from acd.records import Requirement


def step_for_wait(queue: QueueConfig, waited: float) -> int:
    return sum(1 for s in queue.overflow if waited >= s.after_seconds)


def next_step_at(queue: QueueConfig, arrived_at: float, step: int) -> float | None:
    """When the item reaches ``step + 1``, or None when no step is left."""
    if step >= len(queue.overflow):
        return None
    return arrived_at + queue.overflow[step].after_seconds


def base_skills(item: WorkItem, queue: QueueConfig) -> tuple[SkillRequirement, ...]:
    return item.skills or queue.skills


def _lower(reqs: tuple[SkillRequirement, ...], by: int) -> tuple[SkillRequirement, ...]:
    if by <= 0:
        return reqs
    return tuple(SkillRequirement(r.skill, max(MIN_LEVEL, r.min_level - by)) for r in reqs)


def requirement_at(
    item: WorkItem, queue: QueueConfig, step: int, queues: Mapping[str, QueueConfig]
) -> Requirement:
    applied = queue.overflow[:step]
    lowered = _lower(base_skills(item, queue), sum(s.lower_levels_by for s in applied))
    alternatives: list[tuple[SkillRequirement, ...]] = [lowered]
    for s in applied:
        alternatives.extend(s.also_accept)
        if s.to_queue is not None and s.to_queue in queues:
            alternatives.append(queues[s.to_queue].skills)
    canonical = {tuple(sorted(a, key=lambda r: (r.skill, r.min_level))) for a in alternatives}
    return tuple(sorted(canonical, key=repr))


def step_rules(queue: QueueConfig, step: int) -> tuple[str, ...]:
    if step == 0:
        return ()
    rules = [f"overflow step {step}"]
    target = queue.overflow[step - 1].to_queue
    if target:
        rules.append(f"overflow to queue {target}")
    return tuple(rules)
