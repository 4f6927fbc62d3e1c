"""The router's own work on agents and items: log in, pause, offer, accept, complete, abandon…
Each change is read → decide (pure :mod:`acd.agent_state`) → commit (CAS) → retry on conflict,
then the matcher looks for the work the change made possible."""

from __future__ import annotations

from dataclasses import replace

from acd import agent_state
from acd.context import RouterContext
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
from acd.model import Agent, AgentState, Channel, QueueConfig, WorkItem
from acd.overflow import base_skills
from acd.policy import priority_key, skill_score
from acd.records import ItemRecord, ItemStatus
from acd.routing import Matcher
from acd.store import Txn
from acd.timers import Timers


class RouterCore:
    def __init__(self, ctx: RouterContext, matcher: Matcher, timers: Timers) -> None:
        self._ctx = ctx
        self._matcher = matcher
        self._timers = timers

    # ---- configuration -------------------------------------------------------------------
    async def add_queue(self, queue: QueueConfig) -> None:
        ctx = self._ctx
        for step in queue.overflow:
            if step.to_queue is not None and step.to_queue not in ctx.queues and step.to_queue != queue.name:
                await ctx.reload_queues()
                if step.to_queue not in ctx.queues:
                    raise InvalidConfig(
                        subject=f"queue {queue.name!r}", problem=f"unknown to_queue {step.to_queue!r}"
                    )
        await ctx.store.put_queue(queue)
        ctx.remember_queue(queue)

    # ---- agents --------------------------------------------------------------------------
    async def login(self, agent: Agent, *, paused_reason: str | None = None) -> list[Offer]:
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            old = await ctx.store.get_agent(agent.agent_id)
            new = agent_state.login(agent, now, old, paused_reason)
            if await ctx.store.commit(Txn(agents=[(old, new)])):
                ctx.agent_changed(old, new, now)
                return await self._matcher.route_agent(agent.agent_id, "agent_freed", known=new)
        raise StoreContention(action=f"logging in {agent.agent_id}", attempts=ctx.retries)

    async def set_available(self, agent_id: str) -> list[Offer]:
        new = await self._ctx.update_agent(agent_id, agent_state.resume)
        return await self._matcher.route_agent(agent_id, "agent_freed", known=new)

    async def pause(self, agent_id: str, reason: str) -> None:
        await self._ctx.update_agent(
            agent_id, lambda a, now: agent_state.pause(a, reason, now), (f"wrap:{agent_id}",)
        )

    async def logout(self, agent_id: str) -> None:
        await self._ctx.update_agent(agent_id, agent_state.logout, (f"wrap:{agent_id}",))

    async def wrap_up_done(self, agent_id: str) -> list[Offer]:
        new = await self._ctx.update_agent(agent_id, agent_state.end_wrap_up, (f"wrap:{agent_id}",))
        return await self._matcher.route_agent(agent_id, "agent_freed", known=new)

    async def agent_freed(self, agent_id: str) -> list[Offer]:
        """Offer this agent the best waiting item it can take (if it can take one)."""
        return await self._matcher.route_agent(agent_id, "agent_freed")

    async def dispatch(self) -> list[Offer]:
        """Match every agent that can take work, longest idle first."""
        offers: list[Offer] = []
        for agent_id in await self.dispatch_order():
            offers += await self.dispatch_agent(agent_id)
        return offers

    async def dispatch_order(self) -> list[str]:
        """The agents that can take work, longest idle first (a pass of :meth:`dispatch`)."""
        ctx = self._ctx
        agents = await ctx.store.get_agents(sorted(await ctx.store.offerable_agent_ids()))
        return [a.agent_id for a in sorted(agents, key=lambda r: (r.idle_since, r.agent_id))]

    async def dispatch_agent(self, agent_id: str) -> list[Offer]:
        """One agent's turn in a dispatch pass (each agent is its own transaction)."""
        return await self._matcher.route_agent(agent_id, "dispatch")

    # ---- items ---------------------------------------------------------------------------
    async def enqueue(self, item: WorkItem) -> Offer | None:
        """Queue an item and offer it at once if an eligible agent can take it."""
        ctx = self._ctx
        now = ctx.clock.now()
        q = await ctx.queue(item.queue)
        sticky, until = await self._previous_agent(item, q, now)
        seq = await ctx.store.next_seq()
        rec, timers = ctx.waiting(
            item,
            q,
            now,
            seq=seq,
            key=priority_key(item, q),
            version=1,
            sticky_agent=sticky,
            sticky_until=until,
        )
        if not await ctx.store.commit(Txn(items=[(None, rec)], timers_put=timers)):
            raise DuplicateItem(item_id=item.item_id)
        ctx.emit(ItemQueued(item.item_id, q.name, item.channel, item.arrived_at, now))
        return await self._matcher.route_item(item.item_id, "item_arrived", known=rec)

    async def enqueue_for_agent(self, item: WorkItem, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A transfer to a named agent: the item waits for ``agent_id`` alone for ``reserve_seconds``,
        then anyone eligible in its queue may take it (the caller is never stuck on a busy agent).

        The agent was chosen by a person, so the queue's skills do not apply while it is reserved
        for them. The agent must be logged in, or the transfer is refused here, before the caller
        is moved."""
        ctx = self._ctx
        now = ctx.clock.now()
        q = await ctx.queue(item.queue)
        await ctx.logged_in(agent_id)
        seq = await ctx.store.next_seq()
        rec, timers = ctx.waiting(
            item,
            q,
            now,
            seq=seq,
            key=priority_key(item, q),
            version=1,
            sticky_agent=agent_id,
            sticky_until=now + reserve_seconds,
        )
        rec = ctx.for_agent_alone(rec, q, agent_id)
        if not await ctx.store.commit(Txn(items=[(None, rec)], timers_put=timers)):
            raise DuplicateItem(item_id=item.item_id)
        ctx.emit(ItemQueued(item.item_id, q.name, item.channel, item.arrived_at, now))
        return await self._matcher.route_item(item.item_id, "item_arrived", known=rec)

    async def start_direct(self, item: WorkItem, agent_id: str) -> None:
        """Work the agent starts themself (a click-to-dial call): active on that agent at once,
        with no queueing and no offer; ``complete`` ends it like any other item."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            await ctx.queue(item.queue)
            a = await ctx.store.get_agent(agent_id)
            if a is None:
                raise UnknownAgent(agent_id=agent_id)
            direct_id = f"{item.item_id}~direct"
            busy = agent_state.accept(agent_state.offer(a, item.channel, direct_id, now), direct_id, now)
            seq = await ctx.store.next_seq()
            rec = ItemRecord(item, ItemStatus.ACTIVE, 1, seq, 0.0, agent_id=agent_id, answered_at=now)
            if await ctx.store.commit(Txn(agents=[(a, busy)], items=[(None, rec)])):
                ctx.agent_changed(a, busy, now)
                return
        raise StoreContention(action=f"starting {item.item_id}", attempts=ctx.retries)

    async def _previous_agent(
        self, item: WorkItem, q: QueueConfig, now: float
    ) -> tuple[str | None, float | None]:
        """The customer's previous agent reserves the item until the wait limit, if they are logged
        in and skilled for it; afterwards anyone eligible may take it."""
        ctx = self._ctx
        until = item.arrived_at + q.previous_agent_wait_seconds
        if q.previous_agent_wait_seconds <= 0 or until <= now:
            return None, None
        prev = item.previous_agent_id or await ctx.store.last_agent(item.customer.customer_id)
        a = await ctx.store.get_agent(prev) if prev else None
        if a is None or a.state == AgentState.LOGGED_OUT:
            return None, None
        if skill_score(a.agent.skills, (base_skills(item, q),)) is None:
            return None, None
        return a.agent_id, until

    async def accept(self, offer_id: str) -> list[Offer]:
        """The agent answered: the item is connected. Returns further offers (multi-chat)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            offer = await ctx.store.get_offer(offer_id)
            rec = await ctx.store.get_item(offer.item.item_id) if offer else None
            agent = await ctx.store.get_agent(offer.agent_id) if offer else None
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
            if await ctx.store.commit(txn):
                waited = now - rec.item.arrived_at
                ctx.emit(OfferAccepted(offer_id, rec.item_id, agent.agent_id, rec.item.queue, waited, now))
                ctx.agent_changed(agent, new_agent, now)
                return await self._matcher.route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action=f"accepting {offer_id}", attempts=ctx.retries)

    async def decline(self, offer_id: str) -> list[Offer]:
        """The agent refused (or the dial failed): counts as a missed offer."""
        return await self._timers.release(offer_id, "declined", missed=True)

    async def withdraw(self, offer_id: str) -> None:
        """The engine could not deliver the offer, through no fault of the agent (e.g. the redirect
        failed): the item goes back to its place, no miss is counted, and nothing is re-offered
        until the next ``dispatch()`` (so an outage cannot spin offer → failure → offer)."""
        await self._timers.release(offer_id, "withdrawn", missed=False, reroute=False)

    async def offer_timed_out(self, offer_id: str) -> list[Offer]:
        return await self._timers.release(offer_id, "timed_out", missed=True)

    async def complete(self, item_id: str) -> list[Offer]:
        """Hang-up / done: the agent's capacity comes back (last item starts the queue's wrap-up)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.item_in(item_id, ItemStatus.ACTIVE, "complete")
            agent = await ctx.store.get_agent(rec.agent_id or "")
            if agent is None:
                raise UnknownAgent(agent_id=rec.agent_id)
            q = await ctx.queue(rec.item.queue)
            if agent.load.get(rec.item.channel, 0) == 0:
                continue  # read while another router changed it: read again
            new_agent = agent_state.complete(agent, rec.item.channel, now, q.wrap_up_seconds)
            timers = (
                [(f"wrap:{agent.agent_id}", new_agent.wrap_until)] if new_agent.wrap_until is not None else []
            )
            if await ctx.store.commit(
                Txn(agents=[(agent, new_agent)], items=[(rec, None)], timers_put=timers)
            ):
                handled = now - (rec.answered_at or now)
                ctx.emit(ItemCompleted(item_id, agent.agent_id, q.name, handled, now))
                ctx.agent_changed(agent, new_agent, now)
                return await self._matcher.route_agent(agent.agent_id, "agent_freed", known=new_agent)
        raise StoreContention(action=f"completing {item_id}", attempts=ctx.retries)

    async def abandon(self, item_id: str) -> None:
        """The customer left (hung up, closed the chat) while waiting or while being offered."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.store.get_item(item_id)
            if rec is not None and rec.status == ItemStatus.OFFERED and rec.offer_id is not None:
                await self._timers.release(rec.offer_id, "abandoned", missed=False)
                return
            rec = await ctx.item_in(item_id, ItemStatus.WAITING, "abandon")
            if await ctx.store.commit(Txn(items=[(rec, None)])):
                ctx.emit(ItemAbandoned(item_id, rec.item.queue, now - rec.item.arrived_at, now))
                return
        raise StoreContention(action=f"abandoning {item_id}", attempts=ctx.retries)

    async def convert_to_callback(self, item_id: str, number: str) -> Offer | None:
        """The customer leaves the line but keeps their place: the item becomes a callback."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.item_in(item_id, ItemStatus.WAITING, "convert to a callback")
            q = await ctx.queue(rec.item.queue)
            item = replace(rec.item, channel=Channel.CALLBACK, callback_number=number)
            new, timers = ctx.waiting_again(rec, q, now, item=item)
            if await ctx.store.commit(
                Txn(items=[(rec, new)], timers_put=timers, timers_del=[f"stk:{item_id}", f"max:{item_id}"])
            ):
                ctx.emit(ItemConvertedToCallback(item_id, q.name, number, now))
                return await self._matcher.route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"converting {item_id}", attempts=ctx.retries)
