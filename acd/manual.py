"""What people do to waiting items by hand: a supervisor gives one to a named agent or moves it to
another queue; a scheduled callback is cancelled. Each keeps the item's arrival time (its wait)."""

from __future__ import annotations

from dataclasses import replace

from acd.context import RouterContext
from acd.decision import Offer
from acd.errors import StoreContention
from acd.events import ItemCancelled, ItemMoved, ItemReserved
from acd.policy import priority_key
from acd.records import ItemStatus
from acd.routing import Matcher
from acd.store import Txn


class ManualRouting:
    def __init__(self, ctx: RouterContext, matcher: Matcher) -> None:
        self._ctx = ctx
        self._matcher = matcher

    async def cancel(self, item_id: str) -> None:
        """A waiting item taken out of its queue on purpose (not counted as abandoned). An offered
        or active item cannot be cancelled: it is being worked on (IllegalItemState)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            rec = await ctx.item_in(item_id, ItemStatus.WAITING, "cancel")
            if await ctx.store.commit(Txn(items=[(rec, None)])):
                ctx.emit(ItemCancelled(item_id, rec.item.queue, ctx.clock.now()))
                return
        raise StoreContention(action=f"cancelling {item_id}", attempts=ctx.retries)

    async def reserve_for(self, item_id: str, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A waiting item given to ``agent_id``: offered to them alone (a person chose them, so the
        queue's skills are waived) for ``reserve_seconds``, then to anyone of its queue again. It
        keeps its place. The agent must be logged in."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.item_in(item_id, ItemStatus.WAITING, "give to an agent")
            await ctx.logged_in(agent_id)
            q = await ctx.queue(rec.item.queue)
            new, timers = ctx.waiting_again(
                rec, q, now, sticky_agent=agent_id, sticky_until=now + reserve_seconds
            )
            new = ctx.for_agent_alone(new, q, agent_id)
            if await ctx.store.commit(Txn(items=[(rec, new)], timers_put=timers)):
                ctx.emit(ItemReserved(item_id, q.name, agent_id, now))
                return await self._matcher.route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"giving {item_id} to {agent_id}", attempts=ctx.retries)

    async def move(self, item_id: str, queue: str) -> Offer | None:
        """A waiting item moved to another queue, where it ranks by its own arrival time and
        priority under that queue's rules (skills, tier boosts, overflow, maximum wait)."""
        ctx = self._ctx
        for _ in range(ctx.retries):
            now = ctx.clock.now()
            rec = await ctx.item_in(item_id, ItemStatus.WAITING, "move")
            q = await ctx.queue(queue)
            item = replace(rec.item, queue=q.name)
            new, timers = ctx.waiting_again(rec, q, now, item=item, key=priority_key(item, q))
            gone = [f"{kind}:{item_id}" for kind in ("stk", "ovf", "max")]
            if await ctx.store.commit(Txn(items=[(rec, new)], timers_put=timers, timers_del=gone)):
                ctx.emit(ItemMoved(item_id, rec.item.queue, q.name, item.arrived_at, now))
                return await self._matcher.route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"moving {item_id} to {queue}", attempts=ctx.retries)
