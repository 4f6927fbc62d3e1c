"""``AcdStore`` on Redis, shared by several engine processes.

Every change goes through one Lua script (``_COMMIT``): it compares the version of each record
the router read and, only if none moved, applies all writes and index updates. Redis runs a
script atomically, so two routers can never both reserve the same agent capacity or offer the
same item. Layout under ``<prefix>:`` — ``a:<id>``/``i:<id>`` hashes {v: version, d: json},
``ai:<channel>:<skill>`` sets of agents able to take one more item, ``b:<bucket>`` and
``q:<queue>`` sorted sets of waiting items (score = priority key, member = ``seq|item``),
``bd``/``bi:<key>`` bucket definitions and their index, ``t`` timers, ``o:<offer>``, ``d:<item>``
decision lists (kept a day), ``la`` last agent per customer, ``queues``, ``seq``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from redis.asyncio import Redis

from acd import codec
from acd.decision import Offer, RouteDecision
from acd.model import Channel, QueueConfig
from acd.records import AgentRecord, Bucket, BucketHead, ItemRecord, member, parse_member
from acd.store import Txn, agent_index_keys, agent_lookup_keys, bucket_lookup_keys, waiting_entry

_COMMIT = """
local p = cjson.decode(ARGV[1])
for _, c in ipairs(p[1]) do
  local v = redis.call('HGET', c[1], 'v')
  if (v or '0') ~= c[2] then return 0 end
end
for _, o in ipairs(p[2]) do
  local op = o[1]
  if op == 'H' then redis.call('HSET', o[2], 'v', o[3], 'd', o[4])
  elseif op == 'D' then redis.call('DEL', o[2])
  elseif op == 'S+' then redis.call('SADD', o[2], o[3])
  elseif op == 'S-' then redis.call('SREM', o[2], o[3])
  elseif op == 'Z+' then redis.call('ZADD', o[2], o[3], o[4])
  elseif op == 'Z-' then redis.call('ZREM', o[2], o[3])
  elseif op == 'K' then redis.call('SET', o[2], o[3])
  elseif op == 'F' then redis.call('HSET', o[2], o[3], o[4])
  elseif op == 'R' then redis.call('RPUSH', o[2], o[3])
  elseif op == 'E' then redis.call('EXPIRE', o[2], o[3])
  end
end
return 1
"""

_POP_TIMERS = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""

# Heads of every bucket under the agent's index keys, each with its item record: one round trip.
_HEADS = """
local ids = redis.call('SUNION', unpack(KEYS))
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('ZRANGE', ARGV[1] .. ':b:' .. id, 0, 0, 'WITHSCORES')
  if #h > 0 then
    local item_id = string.sub(h[1], string.find(h[1], '|', 1, true) + 1)
    local d = redis.call('HGET', ARGV[1] .. ':i:' .. item_id, 'd')
    table.insert(out, id)
    table.insert(out, h[1])
    table.insert(out, h[2])
    table.insert(out, d or '')
  end
end
return out
"""

DECISION_TTL_SECONDS = 86_400


def _dumps(d: dict[str, Any]) -> str:
    return json.dumps(d, separators=(",", ":"))


class RedisStore:
    """Use one ``prefix`` per ACD installation; all routers of it share the prefix.
    The client must be created with ``decode_responses=True``."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._r = redis
        self._p = prefix
        self._commit = redis.register_script(_COMMIT)
        self._pop = redis.register_script(_POP_TIMERS)
        self._heads = redis.register_script(_HEADS)
        self._buckets: dict[str, Bucket] = {}  # definitions never change for an id

    def _k(self, *parts: str) -> str:
        return ":".join((self._p, *parts))

    async def put_queue(self, queue: QueueConfig) -> None:
        await self._r.hset(self._k("queues"), queue.name, _dumps(codec.queue_to(queue)))  # type: ignore[misc]

    async def get_queues(self) -> dict[str, QueueConfig]:
        raw: dict[str, str] = await self._r.hgetall(self._k("queues"))  # type: ignore[misc]
        return {name: codec.queue_from(json.loads(v)) for name, v in raw.items()}

    async def next_seq(self) -> int:
        return int(await self._r.incr(self._k("seq")))

    async def commit(self, txn: Txn) -> bool:
        checks: list[list[str]] = []
        ops: list[list[str]] = []
        for old_a, new_a in txn.agents:
            key = self._k("a", new_a.agent_id)
            checks.append([key, str(old_a.version if old_a else 0)])
            ops.append(["H", key, str(new_a.version), _dumps(codec.agent_record_to(new_a))])
            if old_a is None:
                ops.append(["S+", self._k("agents"), new_a.agent_id])
            before, after = agent_index_keys(old_a), agent_index_keys(new_a)
            ops += [["S-", self._k("ai", k), new_a.agent_id] for k in before - after]
            ops += [["S+", self._k("ai", k), new_a.agent_id] for k in after - before]
        registered: dict[str, Bucket] = {}
        for old_i, new_i in txn.items:
            self._item_ops(old_i, new_i, checks, ops, registered)
        for offer in txn.offers_put:
            ops.append(["K", self._k("o", offer.offer_id), _dumps(codec.offer_to(offer))])
        ops += [["D", self._k("o", offer_id)] for offer_id in txn.offers_del]
        ops += [["Z-", self._k("t"), name] for name in txn.timers_del]
        ops += [["Z+", self._k("t"), repr(due), name] for name, due in txn.timers_put]
        for d in txn.decisions:
            key = self._k("d", d.item_id)
            ops += [["R", key, d.to_json()], ["E", key, str(DECISION_TTL_SECONDS)]]
        ops += [["F", self._k("la"), customer, agent] for customer, agent in txn.last_agent]
        ok = bool(await self._commit(args=[json.dumps([checks, ops], separators=(",", ":"))]))
        if ok:  # only a committed registration may be skipped next time
            self._buckets.update(registered)
        return ok

    def _item_ops(
        self,
        old: ItemRecord | None,
        new: ItemRecord | None,
        checks: list[list[str]],
        ops: list[list[str]],
        registered: dict[str, Bucket],
    ) -> None:
        ref = old or new
        assert ref is not None
        key = self._k("i", ref.item_id)
        checks.append([key, str(old.version if old else 0)])
        if new is not None:
            ops.append(["H", key, str(new.version), _dumps(codec.item_record_to(new))])
            if old is None:
                ops.append(["S+", self._k("items"), new.item_id])
        else:
            ops += [["D", key], ["S-", self._k("items"), ref.item_id]]
        before, after = waiting_entry(old), waiting_entry(new)
        if before == after:
            return
        if before is not None:
            bucket, _, seq = before
            m = member(seq, ref.item_id)
            ops += [["Z-", self._k("b", bucket.bucket_id), m], ["Z-", self._k("q", bucket.queue), m]]
        if after is not None:
            bucket, score, seq = after
            m = member(seq, ref.item_id)
            if bucket.bucket_id not in self._buckets and bucket.bucket_id not in registered:
                registered[bucket.bucket_id] = bucket
                ops.append(["F", self._k("bd"), bucket.bucket_id, _dumps(codec.bucket_to(bucket))])
                ops += [["S+", self._k("bi", k), bucket.bucket_id] for k in bucket.index_keys()]
            ops += [
                ["Z+", self._k("b", bucket.bucket_id), repr(score), m],
                ["Z+", self._k("q", bucket.queue), repr(score), m],
            ]

    async def _records(self, kind: str, ids: Sequence[str]) -> list[str]:
        if not ids:
            return []
        pipe = self._r.pipeline(transaction=False)
        for i in ids:
            pipe.hget(self._k(kind, i), "d")
        return [raw for raw in await pipe.execute() if raw is not None]

    async def get_agent(self, agent_id: str) -> AgentRecord | None:
        raw = await self._r.hget(self._k("a", agent_id), "d")  # type: ignore[misc]
        return codec.agent_record_from(json.loads(raw)) if raw else None

    async def get_agents(self, agent_ids: Sequence[str]) -> list[AgentRecord]:
        return [codec.agent_record_from(json.loads(raw)) for raw in await self._records("a", agent_ids)]

    async def all_agents(self) -> list[AgentRecord]:
        ids: set[str] = await self._r.smembers(self._k("agents"))  # type: ignore[misc]
        return await self.get_agents(sorted(ids))

    async def get_item(self, item_id: str) -> ItemRecord | None:
        raw = await self._r.hget(self._k("i", item_id), "d")  # type: ignore[misc]
        return codec.item_record_from(json.loads(raw)) if raw else None

    async def all_items(self) -> list[ItemRecord]:
        ids: set[str] = await self._r.smembers(self._k("items"))  # type: ignore[misc]
        return [codec.item_record_from(json.loads(raw)) for raw in await self._records("i", sorted(ids))]

    async def get_offer(self, offer_id: str) -> Offer | None:
        raw = await self._r.get(self._k("o", offer_id))
        return codec.offer_from(json.loads(raw)) if raw else None

    async def offerable_agents(
        self, channel: Channel, skill_sets: Sequence[frozenset[str]]
    ) -> list[AgentRecord]:
        pipe = self._r.pipeline(transaction=False)
        for skills in skill_sets:
            pipe.sinter([self._k("ai", k) for k in agent_lookup_keys(channel, skills)])
        found: set[str] = set().union(*await pipe.execute())
        return await self.get_agents(sorted(found))

    async def offerable_agent_ids(self) -> set[str]:
        keys = [self._k("ai", f"{ch.value}:*") for ch in Channel]
        return set(await self._r.sunion(keys))  # type: ignore[misc]

    async def heads_for(
        self, channels: Iterable[Channel], skills: Iterable[str], agent_id: str
    ) -> list[BucketHead]:
        keys = [self._k("bi", k) for k in bucket_lookup_keys(channels, skills, agent_id)]
        flat: list[str] = await self._heads(keys=keys, args=[self._p])
        rows = [flat[i : i + 4] for i in range(0, len(flat), 4)]
        missing = [bucket_id for bucket_id, *_ in rows if bucket_id not in self._buckets]
        if missing:
            raws: list[str | None] = await self._r.hmget(self._k("bd"), missing)  # type: ignore[misc]
            for raw in raws:
                if raw:
                    b = codec.bucket_from(json.loads(raw))
                    self._buckets[b.bucket_id] = b
        heads = []
        for bucket_id, m, score, raw in rows:
            if raw and bucket_id in self._buckets:
                seq, _ = parse_member(m)
                heads.append(BucketHead(self._buckets[bucket_id], float(score), seq,
                                        codec.item_record_from(json.loads(raw))))  # fmt: skip
        return heads

    async def queue_rank(self, queue: str, key: float, seq: int, item_id: str) -> int:
        rank = await self._r.zrank(self._k("q", queue), member(seq, item_id))
        return int(rank) if rank is not None else 0

    async def pop_due_timers(self, now: float, limit: int) -> list[str]:
        due = await self._pop(keys=[self._k("t")], args=[repr(now), str(limit)])
        return [str(x) for x in due]

    async def decisions(self, item_id: str) -> list[RouteDecision]:
        raws: list[str] = await self._r.lrange(self._k("d", item_id), 0, -1)  # type: ignore[misc]
        return [RouteDecision.from_json(r) for r in raws]

    async def last_agent(self, customer_id: str) -> str | None:
        raw = await self._r.hget(self._k("la"), customer_id)  # type: ignore[misc]
        return str(raw) if raw else None

    async def clear(self) -> int:
        """Delete every key under the prefix (tests, benchmarks). Returns how many."""
        n = 0
        async for key in self._r.scan_iter(match=f"{self._p}:*", count=1000):
            n += int(await self._r.delete(key))
        return n
