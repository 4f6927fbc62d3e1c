"""How a caller enters a queue: the CRM lookup for the screen pop (started as they arrive), the work
item, the caller's place left for any engine (:mod:`callcenter.calls.handback`), and re-attaching a
caller to an item that outlived the engine that queued them (a shared ACD store)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from acd.errors import AcdError
from acd.model import Channel, Customer, SkillRequirement, WorkItem
from acd.records import ItemStatus
from acd.router import Router
from callcenter.agent_journal import drop_vanished_calls
from callcenter.calls.customers import CallerInfo
from callcenter.calls.endings import CallEndings, Clock, InteractionSink, Publish
from callcenter.calls.handback import QueuedState
from callcenter.calls.registry import LiveCall
from callcenter.contacts import lifecycle
from callcenter.pbx import PbxPort

log = logging.getLogger(__name__)

CallerLookup = Callable[[str], Awaitable[CallerInfo]]

# A caller who spent longer than this in the IVR is looked up again when they queue: the agent
# must see the tickets and notes of now, not of their arrival.
EARLY_LOOKUP_FRESH_S = 60.0


def _call_of(item_id: str) -> str:
    """The uniqueid of a voice item's call: ``1795382159.25``, ``…~direct``, ``…-c1`` (consult)."""
    return re.split(r"~|-c\d+$", item_id, maxsplit=1)[0]


async def nobody(_number: str) -> CallerInfo:
    return CallerInfo.unknown()


class CallQueueing(CallEndings):
    def __init__(
        self,
        router: Router,
        control: PbxPort,
        clock: Clock,
        record_interaction: InteractionSink,
        publish: Publish,
        caller_lookup: CallerLookup,
    ) -> None:
        super().__init__(router, control, clock, record_interaction, publish)
        self._caller_lookup = caller_lookup

    @staticmethod
    def customer_of(call: LiveCall) -> Customer:
        info = call.caller_info or CallerInfo.unknown()
        return Customer(info.customer_id or f"tel:{call.caller_number}", info.tier)

    # -- entry: a caller chose a queue (from the IVR) --------------------------------------
    async def enqueue(
        self,
        call: LiveCall,
        queue: str,
        priority: float = 0.0,
        skills: tuple[tuple[str, int], ...] = (),
        queued_at: float | None = None,
    ) -> None:
        """Queue the caller; ``queued_at``: when they first queued (a caller handed back), else now."""
        # The caller waits from here, the CRM lookup included.
        call.queued_at = self._clock() if queued_at is None else queued_at
        call.caller_info = await self._caller_info(call)
        if not call.contact.live:
            return  # hung up during the lookup: queueing now would offer a caller who is gone
        call.queue = queue
        call.contact = lifecycle.queue(call.contact, self._clock())
        item = WorkItem(
            item_id=call.uniqueid,
            channel=Channel.VOICE,
            queue=queue,
            customer=self.customer_of(call),
            arrived_at=call.queued_at,
            priority=priority,
            skills=tuple(SkillRequirement(skill, level) for skill, level in skills),
        )
        self.calls.link_item(call, item.item_id)
        call.handback = self._handback(call, item)
        log.info(
            "call queued",
            extra={"uniqueid": call.uniqueid, "queue": queue, "tier": call.caller_info.tier.value},
        )
        await self.router.enqueue(item)

    async def reattach(self, call: LiveCall) -> bool:
        """A caller whose work item outlived the engine that queued them (``acd.store: redis``): the
        call is linked to that item again, so they keep its queue, skills, priority, place and entry
        time. An item already in conversation is over (its bridge ended): it is settled and False is
        returned, as when the router has no such item (the memory store after a restart)."""
        record = await self.router.item(call.uniqueid)
        if record is None:
            return False
        if record.status is ItemStatus.ACTIVE:
            await self.router.drop_items([call.uniqueid])
            return False
        call.queued_at = record.item.arrived_at
        call.caller_info = await self._caller_info(call)
        call.queue = record.item.queue
        call.contact = lifecycle.queue(call.contact, self._clock())
        call.handback = self._handback(call, record.item)
        self.calls.link_item(call, record.item_id)
        log.info(
            "caller re-attached to their work item", extra={"uniqueid": call.uniqueid, "queue": call.queue}
        )
        return True

    async def has_item(self, uniqueid: str) -> bool:
        """Does the router hold a waiting or offered item of this call (queued by another engine)?"""
        record = await self.router.item(uniqueid)
        return record is not None and record.status is not ItemStatus.ACTIVE

    async def drop_vanished_items(self, live_uniqueids: set[str]) -> set[str]:
        """After a start on a store an earlier engine left (``acd.store: redis``), once Asterisk said
        which channels live: voice items whose caller is gone leave as abandoned (or completed when
        in conversation), once; agents who held one come back paused ``interrupted``. Items of a
        live channel stay: that caller comes back through ``resume``. Returns those agents."""
        items = await self.router.items()
        live = {r.item_id for r in items if _call_of(r.item_id) in live_uniqueids}
        return await drop_vanished_calls(self.router, live)

    async def position(self, item_id: str) -> int | None:
        """1-based place in the queue, or None when the item is not waiting (offered, gone)."""
        try:
            return await self.router.position(item_id) or None  # 0: already offered
        except AcdError:
            return None

    def look_up_caller_early(self, call: LiveCall) -> None:
        """Starts the CRM lookup as the caller arrives: it runs while they listen to the IVR, so a
        burst of callers choosing a queue at once does not wait for a burst of lookups."""
        call.caller_lookup = asyncio.create_task(
            self._safe_caller_lookup(call.caller_number), name=f"caller-lookup-{call.uniqueid}"
        )

    async def _caller_info(self, call: LiveCall) -> CallerInfo:
        early = call.caller_lookup
        if early is not None and self._clock() - call.started_at <= EARLY_LOOKUP_FRESH_S:
            return await early
        return await self._safe_caller_lookup(call.caller_number)  # none, or too old to show

    async def _safe_caller_lookup(self, number: str) -> CallerInfo:
        try:
            return await self._caller_lookup(number)
        except Exception:
            # A CRM outage must not keep a caller out of the queue: route as a normal customer.
            log.exception("customer lookup failed; routing as a normal customer", extra={"number": number})
            return CallerInfo.unknown()

    def _handback(self, call: LiveCall, item: WorkItem) -> str:
        """The caller's place as the router has it now (a move or overflow may have changed it)."""
        return QueuedState(
            queue=item.queue,
            priority=item.priority,
            queued_at=item.arrived_at,
            started_at=call.started_at,
            dialed=call.dialed,
            skills=tuple((s.skill, s.min_level) for s in item.skills),
        ).encode()
