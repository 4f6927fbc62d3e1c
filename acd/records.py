"""What the stores keep: versioned agent and item records, and waiting buckets.

A *bucket* groups waiting items that any given agent either can or cannot serve as a whole:
same queue, channel, requirement alternatives and (for previous-agent routing) reserved agent.
Inside a bucket items are ordered by a static ``key`` (smaller first) then ``seq``; with one
aging rate per queue, the key order equals the effective-priority order at every instant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from acd.model import Agent, AgentState, Channel, SkillRequirement, WorkItem

Requirement = tuple[tuple[SkillRequirement, ...], ...]  # alternatives (OR) of skill sets (AND)
ANY_SKILL = "*"


class ItemStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class AgentRecord:
    agent: Agent
    state: AgentState
    version: int
    load: Mapping[Channel, int]
    since: float  # when the current state began
    idle_since: float  # when the agent last became free or was last given work
    offer_id: str | None = None
    pause_reason: str | None = None
    missed_offers: int = 0
    wrap_until: float | None = None
    pending_pause: str | None = None  # the reason of a pause that starts when the work in hand ends

    @property
    def agent_id(self) -> str:
        return self.agent.agent_id

    @property
    def total_load(self) -> int:
        return sum(self.load.values())


@dataclass(frozen=True, slots=True)
class Bucket:
    bucket_id: str
    queue: str
    channel: Channel
    requirement: Requirement
    sticky_agent: str | None = None

    @staticmethod
    def make(queue: str, channel: Channel, requirement: Requirement, sticky_agent: str | None) -> Bucket:
        canon = repr((queue, channel.value, requirement, sticky_agent)).encode()
        bucket_id = hashlib.blake2b(canon, digest_size=10).hexdigest()
        return Bucket(bucket_id, queue, channel, requirement, sticky_agent)

    def index_keys(self) -> frozenset[str]:
        """Where agents find this bucket: one key per (channel, skill) or the reserved agent."""
        if self.sticky_agent is not None:
            return frozenset({f"agent:{self.sticky_agent}"})
        keys = set()
        for alt in self.requirement:
            if not alt:
                keys.add(f"{self.channel.value}:{ANY_SKILL}")
            keys.update(f"{self.channel.value}:{r.skill}" for r in alt)
        return frozenset(keys)


@dataclass(frozen=True, slots=True)
class ItemRecord:
    item: WorkItem
    status: ItemStatus
    version: int
    seq: int  # original place: kept when the item is re-queued or converted to a callback
    key: float  # static priority key, smaller is served first (see module doc)
    step: int = 0  # overflow step currently applied
    bucket: Bucket | None = None  # set while waiting
    sticky_until: float | None = None
    agent_id: str | None = None
    offer_id: str | None = None
    offers_made: int = 0
    answered_at: float | None = None

    @property
    def item_id(self) -> str:
        return self.item.item_id


@dataclass(frozen=True, slots=True)
class BucketHead:
    """The first waiting item of a bucket, with its record (read in the same round trip)."""

    bucket: Bucket
    key: float
    seq: int
    record: ItemRecord

    @property
    def bucket_id(self) -> str:
        return self.bucket.bucket_id


def member(seq: int, item_id: str) -> str:
    """Sorted-set member: zero-padded so that lexicographic order is ``seq`` order."""
    return f"{seq:015d}|{item_id}"


def parse_member(m: str) -> tuple[int, str]:
    seq, _, item_id = m.partition("|")
    return int(seq), item_id
