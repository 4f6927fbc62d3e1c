"""The voice-call use cases: a caller enters, is queued, offered, connected, and ends.

Entry points are the FastAGI routes (``ivr`` and ``connect-failed``), AMI facts from
:mod:`callcenter.calls.tracker`, and the periodic :meth:`CallService.tick`. Every change of
routing state goes through the ACD router; this module only moves callers (call control)
and writes the interaction when a call ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from acd.decision import Offer
from acd.errors import AcdError
from acd.events import AcdEvent, OfferMade
from acd.model import Channel, Customer, ValueTier, WorkItem
from acd.router import Router
from callcenter.asterisk.errors import AgiChannelGone, AgiError, AmiError
from callcenter.calls.control import CallControl
from callcenter.calls.registry import CallPhase, CallRegistry, LiveCall

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class EndedCall:
    """What the interaction writer gets when a call is over (times are epoch seconds)."""

    uniqueid: str
    caller_number: str
    dialed: str
    queue: str | None
    agent_id: str | None
    started_at: float
    answered_at: float | None
    ended_at: float
    outcome: str
    ivr_digits: tuple[str, ...]


InteractionSink = Callable[[EndedCall], Awaitable[None]]
TierLookup = Callable[[str], Awaitable[tuple[str | None, ValueTier]]]


async def _no_tier(_number: str) -> tuple[str | None, ValueTier]:
    return None, ValueTier.NORMAL


class CallService:
    def __init__(
        self,
        router: Router,
        control: CallControl,
        clock: Clock,
        record_interaction: InteractionSink,
        tier_lookup: TierLookup = _no_tier,
    ) -> None:
        self.router = router
        self.control = control
        self.calls = CallRegistry()
        self._clock = clock
        self._record_interaction = record_interaction
        self._tier_lookup = tier_lookup
        self._offers: asyncio.Queue[Offer] = asyncio.Queue()
        self.recent: deque[EndedCall] = deque(maxlen=50)

    def on_acd_event(self, event: AcdEvent) -> None:
        """Router listener (synchronous): every offer, wherever it was made, is delivered in order."""
        if isinstance(event, OfferMade):
            self._offers.put_nowait(event.offer)

    async def deliver_offers(self) -> None:
        """Runs as a task: moves each offered caller to the agent's phone."""
        while True:
            offer = await self._offers.get()
            try:
                await self._deliver(offer)
            except Exception:
                log.exception("offer delivery failed", extra={"offer": offer.offer_id})

    # -- entry: a caller chose a queue (from the IVR) --------------------------------------
    async def enqueue(self, call: LiveCall, queue: str, priority: float = 0.0) -> None:
        customer_id, tier = await self._safe_tier_lookup(call.caller_number)
        call.queue = queue
        call.phase = CallPhase.QUEUED
        call.queued_at = self._clock()
        item = WorkItem(
            item_id=call.uniqueid,
            channel=Channel.VOICE,
            queue=queue,
            customer=Customer(customer_id or f"tel:{call.caller_number}", tier),
            arrived_at=call.queued_at,
            priority=priority,
        )
        self.calls.link_item(call, item.item_id)
        log.info("call queued", extra={"uniqueid": call.uniqueid, "queue": queue, "tier": tier.value})
        await self.router.enqueue(item)

    async def _safe_tier_lookup(self, number: str) -> tuple[str | None, ValueTier]:
        try:
            return await self._tier_lookup(number)
        except Exception:
            # A CRM outage must not keep a caller out of the queue: route as a normal customer.
            log.exception("customer lookup failed; routing as a normal customer", extra={"number": number})
            return None, ValueTier.NORMAL

    # -- offers: move the caller to the chosen agent ------------------------------------------
    async def _deliver(self, offer: Offer) -> None:
        call = self.calls.by_item(offer.item.item_id)
        if call is None or call.phase is CallPhase.ENDED:
            await self._release_offer(offer.offer_id, penalize=False)
            return
        call.phase = CallPhase.OFFERING
        call.offer_id = offer.offer_id
        call.agent_id = offer.agent_id
        call.redirecting = True
        try:
            await self.control.connect_to_agent(call.channel, offer.agent_id)
        except AmiError as exc:
            # Asterisk is unreachable or refused: keep the caller queued at the same place.
            log.warning(
                "redirect to agent failed; caller stays queued",
                extra={"uniqueid": call.uniqueid, "agent": offer.agent_id, "error": str(exc)},
            )
            call.redirecting = False
            call.phase = CallPhase.QUEUED
            call.agent_id = None
            await self._release_offer(offer.offer_id, penalize=False)
            return
        log.info("caller sent to agent", extra={"uniqueid": call.uniqueid, "agent": offer.agent_id})

    async def _release_offer(self, offer_id: str, penalize: bool) -> None:
        try:
            if penalize:
                await self.router.decline(offer_id)
            else:
                await self.router.withdraw(offer_id)
        except AcdError as exc:
            log.warning("could not release offer", extra={"offer": offer_id, "error": str(exc)})

    # -- AMI facts ---------------------------------------------------------------------------
    async def agent_answered(self, caller_channel: str, agent_channel: str | None) -> None:
        call = self.calls.by_channel(caller_channel)
        if call is None or call.phase is not CallPhase.OFFERING or call.offer_id is None:
            return
        call.phase = CallPhase.TALKING
        call.redirecting = False
        call.answered_at = self._clock()
        call.agent_channel = agent_channel
        try:
            await self.router.accept(call.offer_id)
        except AcdError as exc:
            log.warning("accept refused by the router", extra={"uniqueid": call.uniqueid, "error": str(exc)})
        log.info("caller connected", extra={"uniqueid": call.uniqueid, "agent": call.agent_id})

    async def agent_dial_failed(self, call: LiveCall, dial_status: str) -> None:
        """The connect context handed the caller back: re-queue at the original place."""
        if call.offer_id is None:
            return
        offer_id, agent_id = call.offer_id, call.agent_id
        call.offer_id = None
        call.agent_id = None
        call.redirecting = False
        call.phase = CallPhase.QUEUED
        log.info("agent did not answer; caller re-queued", extra={"agent": agent_id, "status": dial_status})
        await self._release_offer(offer_id, penalize=True)

    async def channel_hung_up(self, channel: str) -> None:
        call = self.calls.by_channel(channel)
        if call is None or call.phase is CallPhase.ENDED:
            return
        await self._end_call(call)

    async def _end_call(self, call: LiveCall) -> None:
        previous = call.phase
        call.phase = CallPhase.ENDED
        call.ended_at = self._clock()
        try:
            if previous is CallPhase.TALKING and call.item_id:
                call.outcome = "answered"
                await self.router.complete(call.item_id)
            elif call.item_id:
                call.outcome = "abandoned"
                await self.router.abandon(call.item_id)
            else:
                call.outcome = "ended_in_ivr"
        except AcdError as exc:
            log.warning(
                "router refused the end of a call", extra={"uniqueid": call.uniqueid, "error": str(exc)}
            )
        self.calls.remove(call)
        log.info("call ended", extra={"uniqueid": call.uniqueid, "outcome": call.outcome})
        await self._write(call)

    async def _write(self, call: LiveCall) -> None:
        ended = EndedCall(
            uniqueid=call.uniqueid,
            caller_number=call.caller_number,
            dialed=call.dialed,
            queue=call.queue,
            agent_id=call.agent_id if call.outcome == "answered" else None,
            started_at=call.started_at,
            answered_at=call.answered_at,
            ended_at=call.ended_at or self._clock(),
            outcome=call.outcome or "unknown",
            ivr_digits=tuple(call.ivr_digits),
        )
        self.recent.appendleft(ended)
        try:
            await self._record_interaction(ended)
        except Exception:
            log.exception("could not store the interaction", extra={"uniqueid": call.uniqueid})

    async def resynced(self, live_channels: set[str]) -> None:
        """After an AMI reconnect: calls whose channel vanished meanwhile have ended."""
        for call in self.calls.live():
            if call.channel not in live_channels:
                log.info("call ended while AMI was down", extra={"uniqueid": call.uniqueid})
                await self._end_call(call)
        await self.tick()

    async def tick(self) -> None:
        """Apply the router's timers (offer timeouts, wrap-up end, overflow) and deliver offers."""
        try:
            await self.router.tick()
            if self.control.ready:
                await self.router.dispatch()
        except AcdError as exc:
            log.warning("router tick failed", extra={"error": str(exc)})


async def hold_until_moved(session_exec: Callable[[], Awaitable[int]], call: LiveCall) -> None:
    """Keep the caller on music on hold inside AGI until the engine redirects them or they hang up.

    A Redirect ends the running ``EXEC MusicOnHold`` with ``200 result=-1`` (raised as
    :class:`AgiChannelGone`); the FastAGI server then closes the socket and Asterisk moves on.
    """
    while call.phase in (CallPhase.QUEUED, CallPhase.IVR) and not call.redirecting:
        try:
            await session_exec()
        except AgiChannelGone:
            return
        except AgiError:
            log.exception("hold command failed; retrying", extra={"uniqueid": call.uniqueid})
