"""What people do to waiting items by hand: a supervisor gives one to a named agent or moves it to
another queue; a scheduled callback is cancelled. Each keeps the item's arrival time (its wait)."""

from __future__ import annotations

from dataclasses import replace

from acd.decision import Offer
from acd.errors import IllegalItemState, StoreContention, UnknownItem
from acd.events import ItemCancelled, ItemMoved, ItemReserved
from acd.policy import priority_key
from acd.records import ItemRecord, ItemStatus
from acd.store import Txn
from acd.timers import TimedRouter


class ManualRouting(TimedRouter):
    async def _item_in(self, item_id: str, status: ItemStatus, action: str) -> ItemRecord:
        """The item's record, if it is in ``status`` (UnknownItem, IllegalItemState otherwise)."""
        rec = await self._store.get_item(item_id)
        if rec is None:
            raise UnknownItem(item_id=item_id)
        if rec.status != status:
            raise IllegalItemState(item_id=item_id, action=action, status=rec.status.value)
        return rec

    async def cancel(self, item_id: str) -> None:
        """A waiting item taken out of its queue on purpose (not counted as abandoned). An offered
        or active item cannot be cancelled: it is being worked on (IllegalItemState)."""
        for _ in range(self._retries):
            rec = await self._item_in(item_id, ItemStatus.WAITING, "cancel")
            if await self._store.commit(Txn(items=[(rec, None)])):
                self._emit(ItemCancelled(item_id, rec.item.queue, self._clock.now()))
                return
        raise StoreContention(action=f"cancelling {item_id}", attempts=self._retries)

    async def reserve_for(self, item_id: str, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A waiting item given to ``agent_id``: offered to them alone (a person chose them, so the
        queue's skills are waived) for ``reserve_seconds``, then to anyone of its queue again. It
        keeps its place. The agent must be logged in."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._item_in(item_id, ItemStatus.WAITING, "give to an agent")
            await self._logged_in(agent_id)
            q = await self._queue(rec.item.queue)
            new, timers = self._waiting_again(
                rec, q, now, sticky_agent=agent_id, sticky_until=now + reserve_seconds
            )
            new = self._for_agent_alone(new, q, agent_id)
            if await self._store.commit(Txn(items=[(rec, new)], timers_put=timers)):
                self._emit(ItemReserved(item_id, q.name, agent_id, now))
                return await self._route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"giving {item_id} to {agent_id}", attempts=self._retries)

    async def move(self, item_id: str, queue: str) -> Offer | None:
        """A waiting item moved to another queue, where it ranks by its own arrival time and
        priority under that queue's rules (skills, tier boosts, overflow, maximum wait)."""
        for _ in range(self._retries):
            now = self._clock.now()
            rec = await self._item_in(item_id, ItemStatus.WAITING, "move")
            q = await self._queue(queue)
            item = replace(rec.item, queue=q.name)
            new, timers = self._waiting_again(rec, q, now, item=item, key=priority_key(item, q))
            gone = [f"{kind}:{item_id}" for kind in ("stk", "ovf", "max")]
            if await self._store.commit(Txn(items=[(rec, new)], timers_put=timers, timers_del=gone)):
                self._emit(ItemMoved(item_id, rec.item.queue, q.name, item.arrived_at, now))
                return await self._route_item(item_id, "requeued", known=new)
        raise StoreContention(action=f"moving {item_id} to {queue}", attempts=self._retries)
