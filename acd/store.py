"""The ``AcdStore`` port: versioned records, routing indexes, timers, atomic multi-record commits.

Concurrency model (optimistic): the router reads records, computes new ones with the pure core,
and hands the store a :class:`Txn` of ``(old, new)`` pairs. ``commit`` applies it only if every
record still has ``old.version`` (0 = must not exist), atomically with the index changes derived
from old and new; otherwise it changes nothing and returns False and the router re-reads. On
Redis this is one Lua script, so two engines can never reserve the same agent capacity nor offer
the same item twice.

Indexes both stores maintain from the records:
- agents that can take one more item now, per ``"<channel>:<skill>"`` and ``"<channel>:*"``;
- waiting items per bucket and per queue, ordered by ``(key, seq)``;
- buckets per index key (``Bucket.index_keys``), so a freed agent finds its buckets fast;
- timers (``"<kind>:<id>"`` → due time) popped by ``Router.tick``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from acd.agent_state import takeable_channels
from acd.decision import Offer, RouteDecision
from acd.model import Channel, QueueConfig
from acd.records import ANY_SKILL, AgentRecord, Bucket, BucketHead, ItemRecord, ItemStatus


@dataclass(slots=True)
class Txn:
    agents: list[tuple[AgentRecord | None, AgentRecord]] = field(default_factory=list)
    items: list[tuple[ItemRecord | None, ItemRecord | None]] = field(default_factory=list)
    offers_put: list[Offer] = field(default_factory=list)
    offers_del: list[str] = field(default_factory=list)
    timers_put: list[tuple[str, float]] = field(default_factory=list)
    timers_del: list[str] = field(default_factory=list)
    decisions: list[RouteDecision] = field(default_factory=list)
    last_agent: list[tuple[str, str]] = field(default_factory=list)  # (customer_id, agent_id)


def agent_index_keys(rec: AgentRecord | None) -> frozenset[str]:
    if rec is None:
        return frozenset()
    keys = set()
    for ch in takeable_channels(rec):
        keys.add(f"{ch.value}:{ANY_SKILL}")
        keys.update(f"{ch.value}:{skill}" for skill in rec.agent.skills)
    return frozenset(keys)


def agent_lookup_keys(channel: Channel, skills: frozenset[str]) -> list[str]:
    if not skills:
        return [f"{channel.value}:{ANY_SKILL}"]
    return [f"{channel.value}:{s}" for s in sorted(skills)]


def bucket_lookup_keys(channels: Iterable[Channel], skills: Iterable[str], agent_id: str) -> list[str]:
    names = [*skills, ANY_SKILL]
    return [f"{ch.value}:{s}" for ch in channels for s in names] + [f"agent:{agent_id}"]


def waiting_entry(rec: ItemRecord | None) -> tuple[Bucket, float, int] | None:
    if rec is None or rec.status != ItemStatus.WAITING or rec.bucket is None:
        return None
    return rec.bucket, rec.key, rec.seq


class AcdStore(Protocol):
    async def put_queue(self, queue: QueueConfig) -> None: ...
    async def get_queues(self) -> dict[str, QueueConfig]: ...

    async def next_seq(self) -> int: ...
    async def commit(self, txn: Txn) -> bool: ...

    async def get_agent(self, agent_id: str) -> AgentRecord | None: ...
    async def get_agents(self, agent_ids: Sequence[str]) -> list[AgentRecord]: ...
    async def all_agents(self) -> list[AgentRecord]: ...
    async def get_item(self, item_id: str) -> ItemRecord | None: ...
    async def all_items(self) -> list[ItemRecord]: ...
    async def get_offer(self, offer_id: str) -> Offer | None: ...

    async def offerable_agents(
        self, channel: Channel, skill_sets: Sequence[frozenset[str]]
    ) -> list[AgentRecord]:
        """Agents that can take one more ``channel`` item and have every skill of some set."""
        ...

    async def offerable_agent_ids(self) -> set[str]: ...
    async def heads_for(
        self, channels: Iterable[Channel], skills: Iterable[str], agent_id: str
    ) -> list[BucketHead]:
        """The head of every non-empty bucket registered under a key this agent could match
        (a superset: the router still checks the requirements)."""
        ...

    async def queue_rank(self, queue: str, key: float, seq: int, item_id: str) -> int:
        """0-based rank of a waiting item among its queue's waiting items."""
        ...

    async def pop_due_timers(self, now: float, limit: int) -> list[str]: ...
    async def decisions(self, item_id: str) -> list[RouteDecision]: ...
    async def last_agent(self, customer_id: str) -> str | None: ...
