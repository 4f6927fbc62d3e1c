"""In-process ``AcdStore`` (the default): dicts, sets and sorted lists, no I/O."""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence

from acd.decision import Offer, RouteDecision
from acd.model import Channel, QueueConfig
from acd.records import AgentRecord, Bucket, BucketHead, ItemRecord
from acd.store import Txn, agent_index_keys, agent_lookup_keys, bucket_lookup_keys, waiting_entry

Entry = tuple[float, int, str]  # (key, seq, item_id)


class MemoryStore:
    def __init__(self, *, decisions_kept: int = 100_000) -> None:
        self._queues: dict[str, QueueConfig] = {}
        self._seq = 0
        self._agents: dict[str, AgentRecord] = {}
        self._agent_idx: dict[str, set[str]] = {}
        self._items: dict[str, ItemRecord] = {}
        self._offers: dict[str, Offer] = {}
        self._buckets: dict[str, Bucket] = {}
        self._bucket_idx: dict[str, set[str]] = {}
        self._bucket_items: dict[str, list[Entry]] = {}
        self._queue_items: dict[str, list[Entry]] = {}
        self._timers: dict[str, float] = {}
        self._timer_heap: list[tuple[float, str]] = []
        self._decisions: dict[str, list[RouteDecision]] = {}
        self._decisions_kept = decisions_kept
        self._last_agent: dict[str, str] = {}

    async def put_queue(self, queue: QueueConfig) -> None:
        self._queues[queue.name] = queue

    async def get_queues(self) -> dict[str, QueueConfig]:
        return dict(self._queues)

    async def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    async def commit(self, txn: Txn) -> bool:
        for old_a, new_a in txn.agents:
            cur_a = self._agents.get(new_a.agent_id)
            if (cur_a.version if cur_a else 0) != (old_a.version if old_a else 0):
                return False
        for old_i, new_i in txn.items:
            ref = old_i or new_i
            cur_i = self._items.get(ref.item_id) if ref else None
            if (cur_i.version if cur_i else 0) != (old_i.version if old_i else 0):
                return False
        for old_a, new_a in txn.agents:
            self._agents[new_a.agent_id] = new_a
            before, after = agent_index_keys(old_a), agent_index_keys(new_a)
            for k in before - after:
                self._agent_idx[k].discard(new_a.agent_id)
            for k in after - before:
                self._agent_idx.setdefault(k, set()).add(new_a.agent_id)
        for old_i, new_i in txn.items:
            self._apply_item(old_i, new_i)
        for offer in txn.offers_put:
            self._offers[offer.offer_id] = offer
        for offer_id in txn.offers_del:
            self._offers.pop(offer_id, None)
        for name in txn.timers_del:
            self._timers.pop(name, None)
        for name, due in txn.timers_put:
            self._timers[name] = due
            heapq.heappush(self._timer_heap, (due, name))
        for d in txn.decisions:
            self._decisions.setdefault(d.item_id, []).append(d)
        while len(self._decisions) > self._decisions_kept:
            del self._decisions[next(iter(self._decisions))]
        for customer_id, agent_id in txn.last_agent:
            self._last_agent[customer_id] = agent_id
        return True

    def _apply_item(self, old: ItemRecord | None, new: ItemRecord | None) -> None:
        if new is not None:
            self._items[new.item_id] = new
        elif old is not None:
            del self._items[old.item_id]
        before, after = waiting_entry(old), waiting_entry(new)
        if before == after:
            return
        if before is not None and old is not None:
            bucket, key, seq = before
            entry = (key, seq, old.item_id)
            _remove(self._bucket_items[bucket.bucket_id], entry)
            _remove(self._queue_items[bucket.queue], entry)
        if after is not None and new is not None:
            bucket, key, seq = after
            if bucket.bucket_id not in self._buckets:
                self._buckets[bucket.bucket_id] = bucket
                for k in bucket.index_keys():
                    self._bucket_idx.setdefault(k, set()).add(bucket.bucket_id)
            entry = (key, seq, new.item_id)
            insort(self._bucket_items.setdefault(bucket.bucket_id, []), entry)
            insort(self._queue_items.setdefault(bucket.queue, []), entry)

    async def get_agent(self, agent_id: str) -> AgentRecord | None:
        return self._agents.get(agent_id)

    async def get_agents(self, agent_ids: Sequence[str]) -> list[AgentRecord]:
        return [a for i in agent_ids if (a := self._agents.get(i)) is not None]

    async def all_agents(self) -> list[AgentRecord]:
        return list(self._agents.values())

    async def get_item(self, item_id: str) -> ItemRecord | None:
        return self._items.get(item_id)

    async def all_items(self) -> list[ItemRecord]:
        return list(self._items.values())

    async def get_offer(self, offer_id: str) -> Offer | None:
        return self._offers.get(offer_id)

    async def offerable_agents(
        self, channel: Channel, skill_sets: Sequence[frozenset[str]]
    ) -> list[AgentRecord]:
        found: set[str] = set()
        empty: set[str] = set()
        for skills in skill_sets:
            sets = sorted(
                (self._agent_idx.get(k, empty) for k in agent_lookup_keys(channel, skills)), key=len
            )
            found |= sets[0].intersection(*sets[1:])
        return [self._agents[i] for i in found]

    async def offerable_agent_ids(self) -> set[str]:
        empty: set[str] = set()
        return set().union(*(self._agent_idx.get(f"{ch.value}:*", empty) for ch in Channel))

    async def heads_for(
        self, channels: Iterable[Channel], skills: Iterable[str], agent_id: str
    ) -> list[BucketHead]:
        ids: set[str] = set()
        for k in bucket_lookup_keys(channels, skills, agent_id):
            ids |= self._bucket_idx.get(k, set())
        heads = []
        for b in ids:
            entries = self._bucket_items.get(b)
            if entries:
                key, seq, item_id = entries[0]
                heads.append(BucketHead(self._buckets[b], key, seq, self._items[item_id]))
        return heads

    async def queue_rank(self, queue: str, key: float, seq: int, item_id: str) -> int:
        return bisect_left(self._queue_items.get(queue, []), (key, seq, item_id))

    async def pop_due_timers(self, now: float, limit: int) -> list[str]:
        due: list[str] = []
        heap = self._timer_heap
        while heap and heap[0][0] <= now and len(due) < limit:
            at, name = heapq.heappop(heap)
            if self._timers.get(name) == at:
                del self._timers[name]
                due.append(name)
        return due

    async def decisions(self, item_id: str) -> list[RouteDecision]:
        return list(self._decisions.get(item_id, []))

    async def last_agent(self, customer_id: str) -> str | None:
        return self._last_agent.get(customer_id)


def _remove(entries: list[Entry], entry: Entry) -> None:
    i = bisect_left(entries, entry)
    if i < len(entries) and entries[i] == entry:
        del entries[i]
