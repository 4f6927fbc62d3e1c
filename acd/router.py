"""The ACD service: public API over a store and a clock (see the package docstring)."""

from __future__ import annotations

import logging
from dataclasses import replace

from acd import agent_state
from acd.decision import Offer
from acd.errors import (
    DuplicateItem,
    InvalidConfig,
    OfferNotPending,
    StoreContention,
    UnknownAgent,
)
from acd.events import (
    ItemAbandoned,
    ItemCompleted,
    ItemConvertedToCallback,
    ItemQueued,
    OfferAccepted,
)
from acd.manual import ManualRouting
from acd.model import Agent, AgentState, Channel, QueueConfig, WorkItem
from acd.overflow import base_skills
from acd.policy import priority_key, skill_score
from acd.records import ItemRecord, ItemStatus
from acd.store import Txn

log = logging.getLogger(__name__)


class Router(ManualRouting):
    # ---- configuration -------------------------------------------------------------------
    async def add_queue(self, queue: QueueConfig) -> None:
        for step in queue.overflow:
            if (
                step.to_queue is not None
                and step.to_queue not in self._queues
                and step.to_queue != queue.name
            ):
                await self.reload_queues()
                if step.to_queue not in self._queues:
                    raise InvalidConfig(
                        subject=f"queue {queue.name!r}", problem=f"unknown to_queue {step.to_queue!r}"
                    )
        await self._store.put_queue(queue)
        self._queues[queue.name] = queue
        self.stats.configure_queue(queue.name, queue.service_level_seconds)

    # ---- agents --------------------------------------------------------------------------
    async def login(self, agent: Agent, *, paused_reason: str | None = None) -> list[Offer]:
        for _ in range(self._retries):
            now = self._clock.now()
            old = await self._store.get_agent(agent.agent_id)
            new = agent_state.login(agent, now, old, paused_reason)
            if await self._store.commit(Txn(agents=[(old, new)])):
                self._agent_changed(old, new, now)
                return await self._route_agent(agent.agent_id, "agent_freed", known=new)
        raise StoreContention(action=f"logging in {agent.agent_id}", attempts=self._retries)

    async def set_available(self, agent_id: str) -> list[Offer]:
        new = await self._update_agent(agent_id, agent_state.resume)
        return await self._route_agent(agent_id, "agent_freed", known=new)

    async def pause(self, agent_id: str, reason: str) -> None:
        await self._update_agent(
            agent_id, lambda a, now: agent_state.pause(a, reason, now), (f"wrap:{agent_id}",)
        )

    async def logout(self, agent_id: str) -> None:
        await self._update_agent(agent_id, agent_state.logout, (f"wrap:{agent_id}",))

    async def wrap_up_done(self, agent_id: str) -> list[Offer]:
        new = await self._update_agent(agent_id, agent_state.end_wrap_up, (f"wrap:{agent_id}",))
        return await self._route_agent(agent_id, "agent_freed", known=new)

    async def agent_freed(self, agent_id: str) -> list[Offer]:
        """Offer this agent the best waiting item it can take (if it can take one)."""
        return await self._route_agent(agent_id, "agent_freed")

    async def dispatch(self) -> list[Offer]:
        """Match every agent that can take work, longest idle first."""
        agents = await self._store.get_agents(sorted(await self._store.offerable_agent_ids()))
        offers: list[Offer] = []
        for a in sorted(agents, key=lambda r: (r.idle_since, r.agent_id)):
            offers += await self._route_agent(a.agent_id, "dispatch")
        return offers

    # ---- items ---------------------------------------------------------------------------
    async def enqueue(self, item: WorkItem) -> Offer | None:
        """Queue an item and offer it at once if an eligible agent can take it."""
        now = self._clock.now()
        q = await self._queue(item.queue)
        sticky, until = await self._previous_agent(item, q, now)
        seq = await self._store.next_seq()
        rec, timers = self._waiting(
            item,
            q,
            now,
            seq=seq,
            key=priority_key(item, q),
            version=1,
            sticky_agent=sticky,
            sticky_until=until,
        )
        if not await self._store.commit(Txn(items=[(None, rec)], timers_put=timers)):
            raise DuplicateItem(item_id=item.item_id)
        self._emit(ItemQueued(item.item_id, q.name, item.channel, item.arrived_at, now))
        return await self._route_item(item.item_id, "item_arrived", known=rec)

    async def enqueue_for_agent(self, item: WorkItem, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A transfer to a named agent: the item waits for ``agent_id`` alone for ``reserve_seconds``,
        then anyone eligible in its queue may take it (the caller is never stuck on a busy agent).

        The agent was chosen by a person, so the queue's skills do not apply while it is reserved
        for them. The agent must be logged in, or the transfer is refused here, before the caller
        is moved."""
        now = self._clock.now()
        q = await self._queue(item.queue)
        await self._logged_in(agent_id)
        seq = await self._store.next_seq()
        rec, timers = self._waiting(
            item,
            q,
            now,
            seq=seq,
            key=priority_key(item, q),
            version=1,
            sticky_agent=agent_id,
            sticky_until=now + reserve_seconds,
        )
        rec = self._for_agent_alone(rec, q, agent_id)
        if not await self._store.commit(Txn(items=[(None, rec)], timers_put=timers)):
            raise DuplicateItem(item_id=item.item_id)
        self._emit(ItemQueued(item.item_id, q.name, item.channel, item.arrived_at, now))
        return await self._route_item(item.item_id, "item_arrived", known=rec)

    async def start_direct(self, item: WorkItem, agent_id: str) -> None:
        """Work the agent starts themself (a click-to-dial call): active on that agent at once,
        with no queueing and no offer; ``complete`` ends it like any other item."""
        for _ in range(self._retries):
            now = self._clock.now()
            await self._queue(item.queue)
            a = await self._store.get_agent(agent_id)
            if a is None:
                raise UnknownAgent(agent_id=agent_id)
            direct_id = f"{item.item_id}~direct"
            busy = agent_state.accept(agent_state.offer(a, item.channel, direct_id, now), direct_id, now)
            seq = await self._store.next_seq()
            rec = ItemRecord(item, ItemStatus.ACTIVE, 1, seq, 0.0, agent_id=agent_id, answered_at=now)
            if await self._store.commit(Txn(agents=[(a, busy)], items=[(None, rec)])):
                self._agent_changed(a, busy, now)
                return
        raise StoreContention(action=f"starting {item.item_id}", attempts=self._retries)

    async def _previous_agent(
        self, item: WorkItem, q: QueueConfig, now: float
    ) -> tuple[str | None, float | None]:
        """The customer's previous agent reserves the item until the wait limit, if they are logged
        in and skilled for it; afterwards anyone eligible may take it."""
        until = item.arrived_at + q.previous_agent_wait_seconds
        if q.previous_agent_wait_seconds <= 0 or until <= now:
            return None, None
        prev = item.previous_agent_id or await self._store.last_agent(item.customer.customer_id)
        a = await self._store.get_agent(prev) if prev else None
        if a is None or a.state == AgentState.LOGGED_OUT:
            return None, None
        if skill_score(a.agent.skills, (base_skills(item, q),)) is None:
            return None, None
        return a.agent_id, until

    async def accept(self, offer_id: str) -> list[Offer]:
        """The agent answered: the item is connected. Returns further offers (multi-chat)."""
        for _ in range(self._retries):
            now = self._clock.now()
            offer = await self._store.get_offer(offer_id)
            rec = await self._store.get_item(offer.item.item_id) if offer else None
            agent = await self._store.get_agent(offer.agent_id) if offer else None
            if offer is None or rec is None or agent is None or rec.offer_id != offer_id:
                raise OfferNotPending(offer_id=offer_id)
            if agent.offer_id != offer_id:
                continue  # read while another router changed it: read again
            new_agent = agent_state.accept(agent, offer_id, now)
            new_item = replace(rec, status=ItemStatus.ACTIVE, version=rec.version + 1, answered_at=now)
            txn = Txn(
                agents=[(agent, new_agent)],
                items=[(rec, new_item)],
                offers_del=[offer_id],
                timers_del=[f"offer:{offer_id}"],
                last_agent=[(rec.item.customer.customer_id, agent.agent_id)],
            )
            if await self._store.commit(txn):
                waited = now - rec.item.arrived_at
                self._emit(OfferAccepted(offer_id, rec.item_id, agent.agent_id, rec.item.queue, waited, now))
                self._agent_changed(agent, new_agent, now)
                return await self._route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action=f"accepting {offer_id}", attempts=self._retries)

    async def decline(self, offer_id: str) -> list[Offer]:
        """The agent refused (or the dial failed): counts as a missed offer."""
        return await self._release(offer_id, "declined", missed=True)

    async def withdraw(self, offer_id: str) -> None:
        """The engine could not deliver the offer, through no fault of the agent (e.g. the redirect
        failed): the item goes back to its place, no miss is counted, and nothing is re-offered
        until the next ``dispatch()`` (so an outage cannot spin offer → failure → offer)."""
        await self._release(offer_id, "withdrawn", missed=False, reroute=False)

    async def offer_timed_out(self, offer_id: str) -> list[Offer]:
        return await self._release(offer_id, "timed_out", missed=True)

    async def complete(self, item_id: str) -> list[Offer]:
        """Hang-up / done: the agent's capacity comes back (last item starts the queue's wrap-up)."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._item_in(item_id, ItemStatus.ACTIVE, "complete")
            agent = await self._store.get_agent(rec.agent_id or "")
            if agent is None:
                raise UnknownAgent(agent_id=rec.agent_id)
            q = await self._queue(rec.item.queue)
            if agent.load.get(rec.item.channel, 0) == 0:
                continue  # read while another router changed it: read again
            new_agent = agent_state.complete(agent, rec.item.channel, now, q.wrap_up_seconds)
            timers = (
                [(f"wrap:{agent.agent_id}", new_agent.wrap_until)] if new_agent.wrap_until is not None else []
            )
            if await self._store.commit(
                Txn(agents=[(agent, new_agent)], items=[(rec, None)], timers_put=timers)
            ):
                handled = now - (rec.answered_at or now)
                self._emit(ItemCompleted(item_id, agent.agent_id, q.name, handled, now))
                self._agent_changed(agent, new_agent, now)
                return await self._route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action=f"completing {item_id}", attempts=self._retries)

    async def abandon(self, item_id: str) -> None:
        """The customer left (hung up, closed the chat) while waiting or while being offered."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._store.get_item(item_id)
            if rec is not None and rec.status == ItemStatus.OFFERED and rec.offer_id is not None:
                await self._release(rec.offer_id, "abandoned", missed=False)
                return
            rec = await self._item_in(item_id, ItemStatus.WAITING, "abandon")
            if await self._store.commit(Txn(items=[(rec, None)])):
                self._emit(ItemAbandoned(item_id, rec.item.queue, now - rec.item.arrived_at, now))
                return
        raise StoreContention(action=f"abandoning {item_id}", attempts=self._retries)

    async def convert_to_callback(self, item_id: str, number: str) -> Offer | None:
        """The customer leaves the line but keeps their place: the item becomes a callback."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._item_in(item_id, ItemStatus.WAITING, "convert to a callback")
            q = await self._queue(rec.item.queue)
            item = replace(rec.item, channel=Channel.CALLBACK, callback_number=number)
            new, timers = self._waiting_again(rec, q, now, item=item)
            if await self._store.commit(
                Txn(items=[(rec, new)], timers_put=timers, timers_del=[f"stk:{item_id}", f"max:{item_id}"])
            ):
                self._emit(ItemConvertedToCallback(item_id, q.name, number, now))
                return await self._route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"converting {item_id}", attempts=self._retries)
