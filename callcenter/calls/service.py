"""The voice-call use cases: a caller enters, is queued, offered, connected, and ends.

Entry points are the FastAGI routes (``ivr`` and ``connect-failed``), AMI facts from
:mod:`callcenter.calls.tracker`, and the periodic :meth:`CallService.tick`. Every change of
routing state goes through the ACD router; this module only moves callers (call control).
How a call ends (router, ``CallEnded``, the interaction) is in :mod:`callcenter.calls.endings`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from acd.decision import Offer
from acd.errors import AcdError
from acd.events import AcdEvent, OfferMade
from acd.model import Channel
from acd.router import Router
from callcenter.caller_media import MediaFailed
from callcenter.calls.endings import Clock, InteractionSink, Publish
from callcenter.calls.queueing import CallerLookup, CallQueueing, nobody
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.contacts import lifecycle
from callcenter.contacts.lifecycle import Action
from callcenter.errors import CallCenterError
from callcenter.events import CallConnected, CallOffered, RecordingPaused
from callcenter.pbx import PbxChannelGone, PbxError, PbxPort
from ivr_flows.errors import CallerGone, PromptMissing

DISPATCH_SLICE = 16  # agents matched between two turns of the event loop
log = logging.getLogger(__name__)


class AgentChannelUnknown(CallCenterError):
    code = "callcenter.agent_channel_unknown"

    def __init__(self, uniqueid: str) -> None:
        super().__init__(f"the agent's leg of call {uniqueid} is not known yet")


def _drop(_event: object) -> None:
    return None


class CallbackPort(Protocol):
    """Outbound callbacks (:mod:`callcenter.calls.callback_delivery`): callback offers, IVR requests."""

    def on_acd_event(self, event: AcdEvent) -> None: ...

    async def deliver(self, offer: Offer) -> None: ...

    async def from_ivr(self, call: LiveCall, queue: str, number: str) -> bool: ...


# The channels this service puts through to an agent's phone.
PHONE_CHANNELS = frozenset({Channel.VOICE, Channel.CALLBACK})


class CallService(CallQueueing):
    def __init__(
        self,
        router: Router,
        control: PbxPort,
        clock: Clock,
        record_interaction: InteractionSink,
        caller_lookup: CallerLookup = nobody,
        publish: Publish = _drop,
        record_calls: bool = False,
    ) -> None:
        super().__init__(router, control, clock, record_interaction, publish, caller_lookup)
        self._record_calls = record_calls
        self._offers: asyncio.Queue[Offer] = asyncio.Queue()
        self.callbacks: CallbackPort | None = None  # set by the composition root

    def clock(self) -> float:
        return self._clock()

    def publish(self, event: object) -> None:
        self._publish(event)

    def on_acd_event(self, event: AcdEvent) -> None:
        """Router listener (synchronous): every offer, wherever it was made, is delivered.

        The call is marked as offered and the screen pop published right here, in the same
        loop iteration as the routing decision; only the Redirect waits for its own task.
        """
        if self.callbacks is not None:
            self.callbacks.on_acd_event(event)  # a callback offer: its screen pop, its agent's phone
        # Chats and e-mails are delivered by the conversation service, never rung as calls.
        if isinstance(event, OfferMade) and event.offer.item.channel in PHONE_CHANNELS:
            if event.offer.item.channel is not Channel.CALLBACK:
                self._mark_offered(event.offer)
            self._offers.put_nowait(event.offer)

    def _mark_offered(self, offer: Offer) -> None:
        call = self.calls.by_item(offer.item.item_id)
        if call is None or not lifecycle.allows(call.contact, Action.RING):
            return
        call.contact = lifecycle.ring(call.contact, self._clock())
        call.offer_id = offer.offer_id
        call.agent_id = offer.agent_id
        call.redirecting = True
        now = self._clock()
        self._publish(
            CallOffered(
                agent_id=offer.agent_id,
                offer_id=offer.offer_id,
                uniqueid=call.uniqueid,
                caller_number=call.caller_number,
                caller_name=call.caller_name,
                queue=call.queue or offer.item.queue,
                waited_s=now - (call.queued_at or now),
                ivr_digits=tuple(call.ivr_digits),
                customer=call.caller_info.pop if call.caller_info else None,
                decision_rules=offer.decision.rules,
                at=now,
            )
        )

    async def deliver_offers(self) -> None:
        """Runs as a task: moves each offered caller to the agent's phone.

        Offers are delivered concurrently: each waits for Asterisk to answer its Redirect, and
        200 simultaneous offers must not queue behind each other's round trips.
        """
        async with asyncio.TaskGroup() as group:
            while True:
                offer = await self._offers.get()
                group.create_task(self._deliver_logged(offer))

    async def _deliver_logged(self, offer: Offer) -> None:
        try:
            await self._deliver(offer)
        except Exception:
            log.exception("offer delivery failed", extra={"offer": offer.offer_id})

    # -- offers: move the caller to the chosen agent ------------------------------------------
    async def _deliver(self, offer: Offer) -> None:
        if offer.item.channel is Channel.CALLBACK and self.callbacks is not None:
            await self.callbacks.deliver(offer)
            return
        call = self.calls.by_item(offer.item.item_id)
        if call is None or call.phase is CallPhase.ENDED or call.offer_id != offer.offer_id:
            await self._release_offer(offer.offer_id, penalize=False)
            return
        handback = self._handback(call, offer.item)
        try:
            await self.control.connect_to_agent(call.channel, offer.agent_id, handback)
            call.handback = call.handback_on_channel = handback
        except PbxChannelGone as exc:
            # Gone without a Hangup we saw (or never known to Asterisk): offering again would
            # spin forever. The caller left: abandoned, once.
            log.warning(
                "caller's channel is gone; the call leaves the queue as abandoned",
                extra={"uniqueid": call.uniqueid, "channel": call.channel, "error": str(exc)},
            )
            await self._end_call(call)
            return
        except PbxError as exc:
            # Asterisk is unreachable or refused: keep the caller queued at the same place.
            log.warning(
                "redirect to agent failed; caller stays queued",
                extra={"uniqueid": call.uniqueid, "agent": offer.agent_id, "error": str(exc)},
            )
            call.redirecting = False
            call.contact = lifecycle.requeue(call.contact, self._clock())
            call.agent_id = None
            await self._release_offer(offer.offer_id, penalize=False)
            return
        log.info(
            "caller sent to agent",
            extra={
                "uniqueid": call.uniqueid,
                "agent": offer.agent_id,
                "why": ", ".join(offer.decision.rules),
            },
        )

    async def _release_offer(self, offer_id: str, penalize: bool) -> None:
        try:
            if penalize:
                await self.router.decline(offer_id)
            else:
                await self.router.withdraw(offer_id)
        except AcdError as exc:
            log.warning("could not release offer", extra={"offer": offer_id, "error": str(exc)})

    # -- AMI facts ---------------------------------------------------------------------------
    def agent_ringing(self, caller_channel: str, agent_channel: str) -> None:
        call = self.calls.by_channel(caller_channel)
        if call is not None and call.phase is CallPhase.OFFERING and call.direction == "inbound":
            call.agent_channel = agent_channel

    def outbound_channel(self, uniqueid: str, channel: str) -> None:
        """The agent's leg of a click-to-dial call exists (its Uniqueid was chosen by us)."""
        call = self.calls.get(uniqueid)
        if call is not None and call.direction == "outbound" and not call.channel:
            self.calls.set_channel(call, channel)
            call.agent_channel = channel

    async def agent_answered(self, caller_channel: str, agent_channel: str | None) -> None:
        call = self.calls.by_channel(caller_channel)
        if call is not None and call.direction == "outbound" and call.phase is CallPhase.OFFERING:
            await self._outbound_answered(call)
            return
        if call is None or call.phase is not CallPhase.OFFERING or call.offer_id is None:
            return
        call.contact = lifecycle.connect(call.contact, self._clock())
        call.redirecting = False
        call.answered_at = self._clock()
        call.agent_channel = agent_channel or call.agent_channel
        try:
            await self.router.accept(call.offer_id)
        except AcdError as exc:
            log.warning("accept refused by the router", extra={"uniqueid": call.uniqueid, "error": str(exc)})
        log.info("caller connected", extra={"uniqueid": call.uniqueid, "agent": call.agent_id})
        # After a transfer the caller's channel still carries its MixMonitor (option b records
        # whichever bridge it is in): a second one would write the same file over the first.
        if self._record_calls and call.recording_path is None:
            try:
                call.recording_path = await self.control.start_recording(call.channel, call.uniqueid)
            except PbxError as exc:
                # The call goes on unrecorded rather than being dropped; the gap is logged.
                log.error("recording did not start", extra={"uniqueid": call.uniqueid, "error": str(exc)})
        if call.agent_id:
            self._publish(CallConnected(call.agent_id, call.uniqueid, agent_channel, call.answered_at))

    async def _outbound_answered(self, call: LiveCall) -> None:
        """The customer answered the agent's click-to-dial call (the two legs are bridged)."""
        call.contact = lifecycle.connect(call.contact, self._clock())
        call.answered_at = self._clock()
        log.info("outbound call answered", extra={"uniqueid": call.uniqueid, "agent": call.agent_id})
        if self._record_calls:
            try:
                call.recording_path = await self.control.start_recording(call.channel, call.uniqueid)
            except PbxError as exc:
                log.error("recording did not start", extra={"uniqueid": call.uniqueid, "error": str(exc)})
        if call.agent_id:
            self._publish(CallConnected(call.agent_id, call.uniqueid, call.channel, call.answered_at))

    async def set_recording_paused(self, call: LiveCall, paused: bool) -> None:
        await self.control.mute_recording(call.channel, paused)
        call.recording_paused = paused
        if call.agent_id:
            self._publish(RecordingPaused(call.agent_id, call.uniqueid, paused, self._clock()))

    async def agent_dial_failed(self, call: LiveCall, dial_status: str) -> None:
        """The connect context handed the caller back: re-queue at the original place."""
        if call.offer_id is None:
            return
        offer_id, agent_id = call.offer_id, call.agent_id
        call.offer_id = None
        call.agent_id = None
        call.redirecting = False
        call.contact = lifecycle.requeue(call.contact, self._clock())
        log.info("agent did not answer; caller re-queued", extra={"agent": agent_id, "status": dial_status})
        await self._release_offer(offer_id, penalize=True)

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
                await self._dispatch()
        except AcdError as exc:
            log.warning("router tick failed", extra={"error": str(exc)})

    async def _dispatch(self) -> None:
        """The router's dispatch pass, letting the loop run every few agents: with the in-memory
        store nothing in the pass awaits, and 300 agents able to take chats held the event loop for
        about 30 ms every half second (it set the chat relay's p99)."""
        for n, agent_id in enumerate(await self.router.dispatch_order()):
            if n % DISPATCH_SLICE == DISPATCH_SLICE - 1:
                await asyncio.sleep(0)
            await self.router.dispatch_agent(agent_id)


async def hold_until_moved(segment: Callable[[], Awaitable[None]], call: LiveCall) -> None:
    """Keep the caller on music on hold, one ``segment`` after the other, until the PBX takes them away.

    In Asterisk a Redirect ends the running ``EXEC MusicOnHold`` with ``200 result=-1`` (raised as
    :class:`CallerGone`); the FastAGI server then closes the socket and Asterisk moves on.
    The loop must not end on its own when the call is offered: leaving the AGI before the
    Redirect lands would let the dialplan continue to ``Hangup()`` and lose the caller. Only a
    call the engine has ended (its channel gone, or removed by a supervisor) is let go, after the
    running segment.
    """
    failures = 0
    while call.phase is not CallPhase.ENDED:  # ended by the engine (caller gone, removed): let go
        try:
            await segment()
            failures = 0
        except CallerGone:
            return
        except (MediaFailed, PromptMissing):
            failures += 1
            log.exception("hold command failed; retrying", extra={"uniqueid": call.uniqueid})
            await asyncio.sleep(min(5.0, 0.2 * failures))  # back off; never end the hold ourselves
