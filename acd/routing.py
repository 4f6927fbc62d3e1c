"""Matching both ways and atomic claims: an item looks for the best eligible agent, a freed agent
for the best waiting item it can take. Everything here follows read → decide (pure) → commit (CAS)
→ retry on conflict, so several routers may share one store."""

from __future__ import annotations

import logging
from dataclasses import replace

from acd import agent_state
from acd.context import RouterContext
from acd.decision import CandidateScore, Offer, RouteDecision
from acd.errors import IllegalTransition
from acd.events import OfferMade
from acd.model import QueueConfig
from acd.overflow import step_rules
from acd.policy import (
    agent_rules,
    boost_rules,
    effective_priority,
    item_rules,
    rank_agents,
    rank_heads,
    skill_score,
)
from acd.records import AgentRecord, BucketHead, ItemRecord, ItemStatus
from acd.store import Txn

log = logging.getLogger(__name__)


class Matcher:
    def __init__(self, ctx: RouterContext) -> None:
        self._ctx = ctx

    async def route_item(
        self,
        item_id: str,
        trigger: str,
        exclude: frozenset[str] = frozenset(),
        known: ItemRecord | None = None,
    ) -> Offer | None:
        """Offer a waiting item to the best eligible agent, if any (``known``: see ``route_agent``)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = known or await ctx.store.get_item(item_id)
            known = None
            if rec is None or rec.status != ItemStatus.WAITING or rec.bucket is None:
                return None
            b = rec.bucket
            q = await ctx.queue(rec.item.queue)
            if b.sticky_agent is not None:
                agents = await ctx.store.get_agents([b.sticky_agent])
            else:
                skill_sets = [frozenset(r.skill for r in alt) for alt in b.requirement]
                agents = await ctx.store.offerable_agents(b.channel, skill_sets)
            ranked = rank_agents(
                agents, rec.item, b.requirement, now, previous_agent=b.sticky_agent, exclude=exclude
            )
            if not ranked:
                return None
            free = [c for c in ranked if c.agent_id not in ctx.claiming_agents] or ranked
            agent = next(a for a in agents if a.agent_id == free[0].agent_id)
            rules = agent_rules(free) + boost_rules(rec.item, q) + step_rules(q, rec.step)
            offer = await self._claim(rec, agent, q, now, trigger, rules, tuple(free[:5]), 1)
            if offer is not None:
                return offer
        log.warning("routing item gave up after conflicts", extra={"item_id": item_id})
        return None

    async def route_agent(self, agent_id: str, trigger: str, known: AgentRecord | None = None) -> list[Offer]:
        """Offer the best waiting item this agent can take, if any. ``known``: the agent record
        just committed by the caller (saves a read; a stale one only costs a retry)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            a = known or await ctx.store.get_agent(agent_id)
            known = None
            channels = agent_state.takeable_channels(a) if a is not None else frozenset()
            if a is None or not channels:
                return []
            skills = a.agent.skills
            heads: list[tuple[BucketHead, QueueConfig]] = []
            scores: dict[str, float] = {}
            for h in await ctx.store.heads_for(channels, skills.keys(), agent_id):
                b = h.bucket
                score = skill_score(skills, b.requirement)
                if b.channel in channels and b.sticky_agent in (None, agent_id) and score is not None:
                    heads.append((h, await ctx.queue(b.queue)))
                    scores[b.bucket_id] = score
            ranked = rank_heads(heads, now)
            if not ranked:
                return []
            free = [r for r in ranked if r[0].record.item_id not in ctx.claiming_items] or ranked
            head, rec = free[0][0], free[0][0].record
            if (
                rec.status != ItemStatus.WAITING
                or rec.bucket is None
                or rec.bucket.bucket_id != head.bucket_id
            ):
                continue  # moved meanwhile: look again
            q = await ctx.queue(rec.item.queue)
            sticky = head.bucket.sticky_agent is not None
            rules = (
                (("previous agent",) if sticky else ())
                + item_rules(rec.item, q, free)
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
        ctx = self._ctx
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
        with ctx.claim_marks(agent.agent_id, rec.item_id):
            if not await ctx.store.commit(txn):
                return None
        ctx.emit(OfferMade(offer, q.name, now))
        ctx.agent_changed(agent, new_agent, now)
        return offer
