"""Routing internals shared by :class:`acd.router.Router`: matching both ways, atomic claims,
re-queueing at the original place. Everything here follows read → decide (pure) → commit (CAS) →
retry on conflict, so several routers may share one store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from acd import agent_state
from acd.decision import CandidateScore, Offer, RouteDecision
from acd.errors import IllegalTransition, UnknownAgent, UnknownQueue
from acd.events import (
    AcdEvent,
    AgentStateChanged,
    OfferMade,
)
from acd.model import AgentState, QueueConfig, WorkItem
from acd.overflow import next_step_at, requirement_at, step_for_wait, step_rules
from acd.policy import (
    agent_rules,
    boost_rules,
    effective_priority,
    item_rules,
    rank_agents,
    rank_heads,
    skill_score,
)
from acd.records import AgentRecord, Bucket, BucketHead, ItemRecord, ItemStatus
from acd.stats import StatsBook
from acd.store import AcdStore, Txn

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> float: ...


Listener = Callable[[AcdEvent], None]


class RoutingCore:
    def __init__(
        self, store: AcdStore, clock: Clock, *, listener: Listener | None = None, retries: int = 50
    ) -> None:
        self._store = store
        self._clock = clock
        self._listener = listener
        self._retries = retries
        self._queues: dict[str, QueueConfig] = {}
        self._collected: list[AcdEvent] | None = None
        self.stats = StatsBook()

    def _emit(self, *events: AcdEvent) -> None:
        for ev in events:
            self.stats.apply(ev)
            if self._collected is not None:
                self._collected.append(ev)
            if self._listener is not None:
                self._listener(ev)

    def _agent_changed(self, old: AgentRecord | None, new: AgentRecord, now: float) -> None:
        before = old.state if old else AgentState.LOGGED_OUT
        new_reason = (
            new.state == AgentState.PAUSED and old is not None and old.pause_reason != new.pause_reason
        )
        new_pending = old is not None and old.pending_pause != new.pending_pause
        if before != new.state or new_reason or new_pending:
            self._emit(
                AgentStateChanged(new.agent_id, before, new.state, new.pause_reason, now, new.pending_pause)
            )

    async def _queue(self, name: str) -> QueueConfig:
        q = self._queues.get(name)
        if q is None:
            await self.reload_queues()
            q = self._queues.get(name)
            if q is None:
                raise UnknownQueue(queue=name)
        return q

    async def reload_queues(self) -> None:
        """Re-read queue configurations (another router process may have added some)."""
        self._queues = await self._store.get_queues()
        for q in self._queues.values():
            self.stats.configure_queue(q.name, q.service_level_seconds)

    def _waiting(
        self,
        item: WorkItem,
        q: QueueConfig,
        now: float,
        *,
        seq: int,
        key: float,
        version: int,
        sticky_agent: str | None = None,
        sticky_until: float | None = None,
        offers_made: int = 0,
    ) -> tuple[ItemRecord, list[tuple[str, float]]]:
        """A waiting record for ``item`` at ``now`` and the timers it needs."""
        step = step_for_wait(q, now - item.arrived_at)
        bucket = Bucket.make(q.name, item.channel, requirement_at(item, q, step, self._queues), sticky_agent)
        rec = ItemRecord(
            item, ItemStatus.WAITING, version, seq, key, step, bucket, sticky_until, offers_made=offers_made
        )
        timers = []
        nxt = next_step_at(q, item.arrived_at, step)
        if nxt is not None:
            timers.append((f"ovf:{item.item_id}", nxt))
        max_wait = q.max_wait_for(item.channel)
        if max_wait is not None:
            timers.append((f"max:{item.item_id}", item.arrived_at + max_wait))
        if sticky_until is not None:
            timers.append((f"stk:{item.item_id}", sticky_until))
        return rec, timers

    def _waiting_again(
        self,
        rec: ItemRecord,
        q: QueueConfig,
        now: float,
        *,
        item: WorkItem | None = None,
        key: float | None = None,
        sticky_agent: str | None = None,
        sticky_until: float | None = None,
    ) -> tuple[ItemRecord, list[tuple[str, float]]]:
        """``rec`` waiting anew at its place (its next version, its offers still counted), for a
        changed item, queue or reservation."""
        return self._waiting(
            item or rec.item,
            q,
            now,
            seq=rec.seq,
            key=rec.key if key is None else key,
            version=rec.version + 1,
            sticky_agent=sticky_agent,
            sticky_until=sticky_until,
            offers_made=rec.offers_made,
        )

    @staticmethod
    def _for_agent_alone(rec: ItemRecord, q: QueueConfig, agent_id: str) -> ItemRecord:
        """Reserved for an agent a person chose: the queue's skills do not apply meanwhile."""
        return replace(rec, bucket=Bucket.make(q.name, rec.item.channel, ((),), agent_id))

    async def _logged_in(self, agent_id: str) -> None:
        agent = await self._store.get_agent(agent_id)
        if agent is None or agent.state == AgentState.LOGGED_OUT:
            raise UnknownAgent(agent_id=agent_id)

    async def _route_item(
        self,
        item_id: str,
        trigger: str,
        exclude: frozenset[str] = frozenset(),
        known: ItemRecord | None = None,
    ) -> Offer | None:
        """Offer a waiting item to the best eligible agent, if any (``known``: see ``_route_agent``)."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = known or await self._store.get_item(item_id)
            known = None
            if rec is None or rec.status != ItemStatus.WAITING or rec.bucket is None:
                return None
            b = rec.bucket
            q = await self._queue(rec.item.queue)
            if b.sticky_agent is not None:
                agents = await self._store.get_agents([b.sticky_agent])
            else:
                skill_sets = [frozenset(r.skill for r in alt) for alt in b.requirement]
                agents = await self._store.offerable_agents(b.channel, skill_sets)
            ranked = rank_agents(
                agents, rec.item, b.requirement, now, previous_agent=b.sticky_agent, exclude=exclude
            )
            if not ranked:
                return None
            agent = next(a for a in agents if a.agent_id == ranked[0].agent_id)
            rules = agent_rules(ranked) + boost_rules(rec.item, q) + step_rules(q, rec.step)
            offer = await self._claim(rec, agent, q, now, trigger, rules, tuple(ranked[:5]), 1)
            if offer is not None:
                return offer
        log.warning("routing item gave up after conflicts", extra={"item_id": item_id})
        return None

    async def _route_agent(
        self, agent_id: str, trigger: str, known: AgentRecord | None = None
    ) -> list[Offer]:
        """Offer the best waiting item this agent can take, if any. ``known``: the agent record
        just committed by the caller (saves a read; a stale one only costs a retry)."""
        for _ in range(self._retries):
            now = self._clock.now()
            a = known or await self._store.get_agent(agent_id)
            known = None
            channels = agent_state.takeable_channels(a) if a is not None else frozenset()
            if a is None or not channels:
                return []
            skills = a.agent.skills
            heads: list[tuple[BucketHead, QueueConfig]] = []
            scores: dict[str, float] = {}
            for h in await self._store.heads_for(channels, skills.keys(), agent_id):
                b = h.bucket
                score = skill_score(skills, b.requirement)
                if b.channel in channels and b.sticky_agent in (None, agent_id) and score is not None:
                    heads.append((h, await self._queue(b.queue)))
                    scores[b.bucket_id] = score
            ranked = rank_heads(heads, now)
            if not ranked:
                return []
            head, rec = ranked[0][0], ranked[0][0].record
            if (
                rec.status != ItemStatus.WAITING
                or rec.bucket is None
                or rec.bucket.bucket_id != head.bucket_id
            ):
                continue  # moved meanwhile: look again
            q = await self._queue(rec.item.queue)
            sticky = head.bucket.sticky_agent is not None
            rules = (
                (("previous agent",) if sticky else ())
                + item_rules(rec.item, q, ranked)
                + step_rules(q, rec.step)
            )
            cand = (CandidateScore(agent_id, sticky, scores[head.bucket_id], now - a.idle_since),)
            offer = await self._claim(rec, a, q, now, trigger, rules, cand, len(ranked))
            if offer is not None:
                return [offer]
        log.warning("routing agent gave up after conflicts", extra={"agent_id": agent_id})
        return []

    async def _claim(
        self,
        rec: ItemRecord,
        agent: AgentRecord,
        q: QueueConfig,
        now: float,
        trigger: str,
        rules: tuple[str, ...],
        candidates: tuple[CandidateScore, ...],
        compared: int,
    ) -> Offer | None:
        """Atomically reserve ``agent`` for ``rec``; None when either changed since it was read."""
        offer_id = f"{rec.item_id}~{rec.offers_made + 1}"
        try:
            new_agent = agent_state.offer(agent, rec.item.channel, offer_id, now)
        except IllegalTransition:
            return None
        decision = RouteDecision(
            item_id=rec.item_id,
            agent_id=agent.agent_id,
            offer_id=offer_id,
            decided_at=now,
            trigger=trigger,
            queue=q.name,
            effective_priority=effective_priority(rec.key, q, now),
            waited_seconds=now - rec.item.arrived_at,
            overflow_step=rec.step,
            rules=rules,
            candidates=candidates,
            items_compared=compared,
        )
        offer = Offer(offer_id, rec.item, agent.agent_id, now, now + q.offer_timeout_seconds, decision)
        new_item = replace(
            rec,
            status=ItemStatus.OFFERED,
            version=rec.version + 1,
            bucket=None,
            sticky_until=None,
            agent_id=agent.agent_id,
            offer_id=offer_id,
            offers_made=rec.offers_made + 1,
        )
        txn = Txn(
            agents=[(agent, new_agent)],
            items=[(rec, new_item)],
            offers_put=[offer],
            timers_put=[(f"offer:{offer_id}", offer.expires_at)],
            decisions=[decision],
        )
        if not await self._store.commit(txn):
            return None
        self._emit(OfferMade(offer, q.name, now))
        self._agent_changed(agent, new_agent, now)
        return offer
