"""A supervisor's hand on callers waiting in a queue: give one to a named agent, or move one to
another queue. The caller notices nothing: they keep waiting on hold at their place (their wait
time kept) until an agent takes them; only the routing changes. A stuck caller (one whose channel
is gone without the engine hearing of it) can also be removed."""

from __future__ import annotations

import logging

from acd.errors import IllegalItemState, UnknownItem
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.errors import CallCenterError

log = logging.getLogger(__name__)


class NotWaiting(CallCenterError):
    code = "callcenter.not_waiting"

    def __init__(self, uniqueid: str) -> None:
        self.uniqueid = uniqueid
        super().__init__(f"call {uniqueid} is not waiting in a queue any more")


class WaitingCalls:
    def __init__(self, service: CallService, reserve_s: float) -> None:
        self._service = service
        self._reserve_s = reserve_s

    def _waiting(self, uniqueid: str) -> tuple[LiveCall, str]:
        call = self._service.calls.get(uniqueid)
        if call is None or call.phase is not CallPhase.QUEUED or call.item_id is None:
            raise NotWaiting(uniqueid)
        return call, call.item_id

    async def give_to_agent(self, uniqueid: str, agent_id: str) -> None:
        """Offered to ``agent_id`` alone for the transfer reserve time, then to its queue again."""
        _call, item_id = self._waiting(uniqueid)
        try:
            await self._service.router.reserve_for(item_id, agent_id, self._reserve_s)
        except (IllegalItemState, UnknownItem) as exc:  # offered or gone meanwhile
            raise NotWaiting(uniqueid) from exc
        log.info("waiting call given to an agent", extra={"uniqueid": uniqueid, "agent": agent_id})

    async def move(self, uniqueid: str, queue: str) -> None:
        call, item_id = self._waiting(uniqueid)
        before = call.queue
        call.queue = queue  # first: the router may offer it at once, and the pop shows the queue
        try:
            await self._service.router.move(item_id, queue)
        except (IllegalItemState, UnknownItem) as exc:
            call.queue = before
            raise NotWaiting(uniqueid) from exc
        except Exception:
            call.queue = before
            raise
        log.info("waiting call moved", extra={"uniqueid": uniqueid, "from": before, "to": queue})

    async def remove(self, uniqueid: str) -> bool:
        """Out of the queue as abandoned; True when Asterisk still had the channel (it is hung up)."""
        call, _item_id = self._waiting(uniqueid)
        hung_up = await self._service.remove_waiting(call)
        log.info("waiting call removed", extra={"uniqueid": uniqueid, "hung_up": hung_up})
        return hung_up
