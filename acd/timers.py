"""Agent updates with retry, offers that end without a connection, and the timers ``Router.tick`` applies."""

from __future__ import annotations

import logging
from collections.abc import Callable

from acd import agent_state
from acd.decision import Offer
from acd.errors import AcdError, OfferNotPending, StoreContention, UnknownAgent
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
from acd.queries import RouterQueries
from acd.records import AgentRecord, ItemStatus
from acd.store import Txn

log = logging.getLogger(__name__)


class TimedRouter(RouterQueries):
    async def _update_agent(
        self,
        agent_id: str,
        change: Callable[[AgentRecord, float], AgentRecord],
        timers_del: tuple[str, ...] = (),
    ) -> AgentRecord:
        for _ in range(self._retries):
            now = self._clock.now()
            old = await self._store.get_agent(agent_id)
            if old is None:
                raise UnknownAgent(agent_id=agent_id)
            new = change(old, now)
            timers: list[tuple[str, float]] = []
            if new.state == AgentState.WRAP_UP and new.wrap_until is not None:
                timers.append((f"wrap:{agent_id}", new.wrap_until))
            dels = [t for t in timers_del if t not in dict(timers)]  # a pause waits for the wrap-up
            if await self._store.commit(Txn(agents=[(old, new)], timers_put=timers, timers_del=dels)):
                self._agent_changed(old, new, now)
                return new
        raise StoreContention(action=f"updating agent {agent_id}", attempts=self._retries)

    async def _release(
        self, offer_id: str, reason: str, *, missed: bool, reroute: bool = True
    ) -> list[Offer]:
        """End a pending offer without a connection; re-queue the item at its original place.
        With ``reroute`` the item goes to another agent first, then the freed agent takes the best
        waiting item; without, both wait for the next ``dispatch``/``tick``."""
        for _ in range(self._retries):
            now = self._clock.now()
            offer = await self._store.get_offer(offer_id)
            rec = await self._store.get_item(offer.item.item_id) if offer else None
            if offer is None or rec is None or rec.offer_id != offer_id or rec.status != ItemStatus.OFFERED:
                raise OfferNotPending(offer_id=offer_id)
            agent = await self._store.get_agent(offer.agent_id)
            if agent is None or agent.offer_id != offer_id:
                raise OfferNotPending(offer_id=offer_id)
            q = await self._queue(rec.item.queue)
            new_agent = agent_state.release_offer(
                agent, offer_id, rec.item.channel, now, missed=missed, max_missed=q.max_missed_offers
            )
            waited = now - rec.item.arrived_at
            max_wait = q.max_wait_for(rec.item.channel)
            expired = max_wait is not None and waited >= max_wait
            txn = Txn(agents=[(agent, new_agent)], offers_del=[offer_id], timers_del=[f"offer:{offer_id}"])
            requeued = reason != "abandoned" and not expired
            if requeued:
                new_item, timers = self._waiting_again(rec, q, now)
                txn.items.append((rec, new_item))
                txn.timers_put.extend(timers)
            else:
                txn.items.append((rec, None))
            if not await self._store.commit(txn):
                continue
            self._emit(
                OfferReleased(
                    offer_id, rec.item_id, agent.agent_id, q.name, reason, requeued, rec.item.arrived_at, now
                )
            )
            self._agent_changed(agent, new_agent, now)
            if (
                new_agent.state == AgentState.PAUSED
                and new_agent.pause_reason == agent_state.AUTO_PAUSE_REASON
            ):
                self._emit(AgentAutoPaused(agent.agent_id, agent.missed_offers + 1, now))
            if reason == "abandoned":
                self._emit(ItemAbandoned(rec.item_id, q.name, waited, now))
            elif expired:
                assert q.fallback is not None  # QueueConfig guarantees it
                self._emit(FallbackRequired(rec.item, q.name, q.fallback, waited, now))
            offers: list[Offer] = []
            if not reroute:
                return offers
            if requeued:  # another agent first; then the freed agent takes the best waiting item
                again = await self._route_item(
                    rec.item_id, "requeued", exclude=frozenset({agent.agent_id}), known=new_item
                )
                offers += [again] if again else []
            return offers + await self._route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action="releasing an offer", attempts=self._retries)

    # ---- time ----------------------------------------------------------------------------
    async def tick(self, limit: int = 10_000) -> list[AcdEvent]:
        """Apply due timers: offer timeouts, overflow steps, previous-agent limits, maximum waits
        (→ FallbackRequired) and wrap-up ends. Returns the events it caused."""
        collected: list[AcdEvent] = []
        self._collected = collected
        try:
            for name in await self._store.pop_due_timers(self._clock.now(), limit):
                kind, _, ident = name.partition(":")
                try:
                    await self._fire(kind, ident)
                except StoreContention:  # popped but not applied: due again on the next tick
                    log.warning("timer deferred under contention", extra={"timer": name})
                    await self._store.commit(Txn(timers_put=[(name, self._clock.now())]))
                except AcdError as exc:  # the timer went stale under a concurrent change
                    log.info("stale timer", extra={"timer": name, "code": exc.code})
        finally:
            self._collected = None
        return collected

    async def _fire(self, kind: str, ident: str) -> None:
        now = self._clock.now()
        if kind == "offer":
            if await self._store.get_offer(ident) is not None:
                await self._release(ident, "timed_out", missed=True)
        elif kind in ("ovf", "stk"):
            await self._refresh(ident)
        elif kind == "max":
            await self._expire(ident)
        elif kind == "wrap":
            a = await self._store.get_agent(ident)
            if a is not None and a.state == AgentState.WRAP_UP and (a.wrap_until or 0.0) <= now:
                new = await self._update_agent(ident, agent_state.end_wrap_up)
                await self._route_agent(ident, "agent_freed", known=new)

    async def _refresh(self, item_id: str) -> None:
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._store.get_item(item_id)
            if rec is None or rec.status != ItemStatus.WAITING or rec.bucket is None:
                return
            q = await self._queue(rec.item.queue)
            step = step_for_wait(q, now - rec.item.arrived_at)
            keep = rec.sticky_until is not None and now < rec.sticky_until
            sticky, until = (rec.bucket.sticky_agent, rec.sticky_until) if keep else (None, None)
            if step == rec.step and sticky == rec.bucket.sticky_agent:
                break
            new, timers = self._waiting_again(rec, q, now, sticky_agent=sticky, sticky_until=until)
            if await self._store.commit(Txn(items=[(rec, new)], timers_put=timers)):
                if step != rec.step:
                    self._emit(OverflowApplied(item_id, q.name, step, now))
                break
        else:
            raise StoreContention(action=f"relaxing {item_id}", attempts=self._retries)
        await self._route_item(item_id, "overflow")

    async def _expire(self, item_id: str) -> None:
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._store.get_item(item_id)
            if rec is None or rec.status != ItemStatus.WAITING:
                return  # answered, or being offered: checked again if the offer fails
            q = await self._queue(rec.item.queue)
            waited = now - rec.item.arrived_at
            max_wait = q.max_wait_for(rec.item.channel)
            if max_wait is None or q.fallback is None or waited < max_wait:
                return
            if await self._store.commit(Txn(items=[(rec, None)])):
                self._emit(FallbackRequired(rec.item, q.name, q.fallback, waited, now))
                return
        raise StoreContention(action=f"expiring {item_id}", attempts=self._retries)
