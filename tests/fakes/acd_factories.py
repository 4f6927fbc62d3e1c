"""Builders and a recording listener for ACD tests."""

from __future__ import annotations

from typing import TypeVar

from acd.events import AcdEvent
from acd.model import Agent, Channel, Customer, SkillRequirement, ValueTier, WorkItem

E = TypeVar("E")


def item(
    item_id: str,
    at: float,
    *,
    queue: str = "sales",
    channel: Channel = Channel.VOICE,
    customer: str | None = None,
    tier: ValueTier = ValueTier.NORMAL,
    priority: float = 0.0,
    skills: tuple[SkillRequirement, ...] = (),
    previous_agent_id: str | None = None,
) -> WorkItem:
    return WorkItem(
        item_id,
        channel,
        queue,
        Customer(customer or f"cust-{item_id}", tier),
        at,
        skills,
        priority,
        previous_agent_id,
    )


def agent(agent_id: str, **skills: int) -> Agent:
    return Agent(agent_id, skills or {"sales": 3})


class EventRecorder:
    """A router listener that keeps every event."""

    def __init__(self) -> None:
        self.events: list[AcdEvent] = []

    def __call__(self, event: AcdEvent) -> None:
        self.events.append(event)

    def of_type(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]
