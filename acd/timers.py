"""Offers that end without a connection, and the timers ``Router.tick`` applies: offer timeouts,
overflow steps, previous-agent limits, maximum waits and wrap-up ends."""

from __future__ import annotations

import logging

from acd import agent_state
from acd.context import RouterContext
from acd.decision import Offer
from acd.errors import AcdError, OfferNotPending, StoreContention
from acd.events import (
    AcdEvent,
    AgentAutoPaused,
    FallbackRequired,
    ItemAbandoned,
    OfferReleased,
    OverflowApplied,
)
from acd.model import AgentState
from acd.overflow import step_for_wait
from acd.records import ItemStatus
from acd.routing import Matcher
from acd.store import Txn

log = logging.getLogger(__name__)


class Timers:
    def __init__(self, ctx: RouterContext, matcher: Matcher) -> None:
        self._ctx = ctx
        self._matcher = matcher

    async def release(self, offer_id: str, reason: str, *, missed: bool, reroute: bool = True) -> list[Offer]:
        """End a pending offer without a connection; re-queue the item at its original place.
        With ``reroute`` the item goes to another agent first, then the freed agent takes the best
        waiting item; without, both wait for the next ``dispatch``/``tick``."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            offer = await ctx.store.get_offer(offer_id)
            rec = await ctx.store.get_item(offer.item.item_id) if offer else None
            if offer is None or rec is None or rec.offer_id != offer_id or rec.status != ItemStatus.OFFERED:
                raise OfferNotPending(offer_id=offer_id)
            agent = await ctx.store.get_agent(offer.agent_id)
            if agent is None or agent.offer_id != offer_id:
                raise OfferNotPending(offer_id=offer_id)
            q = await ctx.queue(rec.item.queue)
            new_agent = agent_state.release_offer(
                agent, offer_id, rec.item.channel, now, missed=missed, max_missed=q.max_missed_offers
            )
            waited = now - rec.item.arrived_at
            max_wait = q.max_wait_for(rec.item.channel)
            expired = max_wait is not None and waited >= max_wait
            txn = Txn(agents=[(agent, new_agent)], offers_del=[offer_id], timers_del=[f"offer:{offer_id}"])
            requeued = reason != "abandoned" and not expired
            if requeued:
                new_item, timers = ctx.waiting_again(rec, q, now)
                txn.items.append((rec, new_item))
                txn.timers_put.extend(timers)
            else:
                txn.items.append((rec, None))
            if not await ctx.store.commit(txn):
                continue
            ctx.emit(
                OfferReleased(
                    offer_id, rec.item_id, agent.agent_id, q.name, reason, requeued, rec.item.arrived_at, now
                )
            )
            ctx.agent_changed(agent, new_agent, now)
            if (
                new_agent.state == AgentState.PAUSED
                and new_agent.pause_reason == agent_state.AUTO_PAUSE_REASON
            ):
                ctx.emit(AgentAutoPaused(agent.agent_id, agent.missed_offers + 1, now))
            if reason == "abandoned":
                ctx.emit(ItemAbandoned(rec.item_id, q.name, waited, now))
            elif expired:
                assert q.fallback is not None  # QueueConfig guarantees it
                ctx.emit(FallbackRequired(rec.item, q.name, q.fallback, waited, now))
            offers: list[Offer] = []
            if not reroute:
                return offers
            if requeued:  # another agent first; then the freed agent takes the best waiting item
                again = await self._matcher.route_item(
                    rec.item_id, "requeued", exclude=frozenset({agent.agent_id}), known=new_item
                )
                offers += [again] if again else []
            return offers + await self._matcher.route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action="releasing an offer", attempts=ctx.retries)

    # ---- time ----------------------------------------------------------------------------
    async def tick(self, limit: int = 10_000) -> list[AcdEvent]:
        """Apply due timers: offer timeouts, overflow steps, previous-agent limits, maximum waits
        (→ FallbackRequired) and wrap-up ends. Returns the events it caused."""
        ctx = self._ctx
        with ctx.collecting() as collected:
            for name in await ctx.store.pop_due_timers(ctx.clock.now(), limit):
                kind, _, ident = name.partition(":")
                try:
                    await self._fire(kind, ident)
                except StoreContention:  # popped but not applied: due again on the next tick
                    log.warning("timer deferred under contention", extra={"timer": name})
                    await ctx.store.commit(Txn(timers_put=[(name, ctx.clock.now())]))
                except AcdError as exc:  # the timer went stale under a concurrent change
                    log.info("stale timer", extra={"timer": name, "code": exc.code})
        return collected

    async def _fire(self, kind: str, ident: str) -> None:
        ctx = self._ctx
        now = ctx.clock.now()
        if kind == "offer":
            if await ctx.store.get_offer(ident) is not None:
                await self.release(ident, "timed_out", missed=True)
        elif kind in ("ovf", "stk"):
            await self._refresh(ident)
        elif kind == "max":
            await self._expire(ident)
        elif kind == "wrap":
            a = await ctx.store.get_agent(ident)
            if a is not None and a.state == AgentState.WRAP_UP and (a.wrap_until or 0.0) <= now:
                new = await ctx.update_agent(ident, agent_state.end_wrap_up)
                await self._matcher.route_agent(ident, "agent_freed", known=new)

    async def _refresh(self, item_id: str) -> None:
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.store.get_item(item_id)
            if rec is None or rec.status != ItemStatus.WAITING or rec.bucket is None:
                return
            q = await ctx.queue(rec.item.queue)
            step = step_for_wait(q, now - rec.item.arrived_at)
            keep = rec.sticky_until is not None and now < rec.sticky_until
            sticky, until = (rec.bucket.sticky_agent, rec.sticky_until) if keep else (None, None)
            if step == rec.step and sticky == rec.bucket.sticky_agent:
                break
            new, timers = ctx.waiting_again(rec, q, now, sticky_agent=sticky, sticky_until=until)
            if await ctx.store.commit(Txn(items=[(rec, new)], timers_put=timers)):
                if step != rec.step:
                    ctx.emit(OverflowApplied(item_id, q.name, step, now))
                break
        else:
            raise StoreContention(action=f"relaxing {item_id}", attempts=ctx.retries)
        await self._matcher.route_item(item_id, "overflow")

    async def _expire(self, item_id: str) -> None:
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.store.get_item(item_id)
            if rec is None or rec.status != ItemStatus.WAITING:
                return  # answered, or being offered: checked again if the offer fails
            q = await ctx.queue(rec.item.queue)
            waited = now - rec.item.arrived_at
            max_wait = q.max_wait_for(rec.item.channel)
            if max_wait is None or q.fallback is None or waited < max_wait:
                return
            if await ctx.store.commit(Txn(items=[(rec, None)])):
                ctx.emit(FallbackRequired(rec.item, q.name, q.fallback, waited, now))
                return
        raise StoreContention(action=f"expiring {item_id}", attempts=ctx.retries)
