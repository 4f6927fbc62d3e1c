"""Delivering a callback the ACD offered: the agent's phone rings first, then the customer is dialed.

It is click-to-dial started by the engine (``PbxPort.dial_out``: an Originate of the agent's
own phone into the outbound context with a Uniqueid we choose, whose dialplan then Dials the number
over the trunk), and the call is a ``direction="outbound"`` :class:`LiveCall`, so
:class:`CallService` follows it as it follows click-to-dial (``outbound_channel``,
``_outbound_answered``: CallConnected and recording, ``_end_call``: CallEnded and the interaction).
This module owns the routing side, in the order Asterisk reports it:

- the offer: the call is registered and the screen pop (``CallOffered``, with the CRM customer)
  published at once, in the routing decision's loop iteration; then the agent's phone is rung;
- the agent's leg answers (``DialEnd ANSWER`` of the Originate) → ``Router.accept``;
- the agent's leg does not answer (or is hung up while ringing) → ``Router.decline``: the item waits
  again at its place; the Originate could not be sent → ``Router.withdraw`` (not the agent's fault);
- the agent's leg hangs up after answering → the item completes (the agent goes to wrap-up) and
  the attempt is reported to the scheduler: ``done`` if the customer answered, else tried again.

AMI facts are taken synchronously on the AMI read path (state changes only, in event order); the
ACD and database work runs in tasks of its own, each attempt's in order (accept before complete).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from acd.decision import Offer
from acd.errors import AcdError
from acd.events import AcdEvent, OfferMade, OfferReleased
from acd.model import Channel
from callcenter.asterisk import ami_events as ev
from callcenter.calls.callbacks import CallbackScheduler, QueuedCallback
from callcenter.calls.registry import LiveCall
from callcenter.calls.service import CallService
from callcenter.events import CallOffered
from callcenter.pbx import PbxError
from callcenter.settings import DialplanSettings

log = logging.getLogger(__name__)

_STALE_LIMIT = 1000


@dataclass(slots=True, eq=False)
class _Attempt:
    offer: Offer
    ticket: QueuedCallback
    call: LiveCall
    leg_channel: str = ""
    agent_answered: bool = False
    customer_answered: bool = False
    accepting: asyncio.Task[bool] | None = None


class CallbackDelivery:
    def __init__(
        self, service: CallService, scheduler: CallbackScheduler, dialplan: DialplanSettings
    ) -> None:
        self._service = service
        self._scheduler = scheduler
        self._dialplan = dialplan
        self._attempts: dict[str, _Attempt] = {}  # by the agent leg's Uniqueid (our ChannelId)
        self._by_offer: dict[str, str] = {}  # offer id -> that Uniqueid
        # Legs given up before Asterisk reported them (the offer ended first): hung up on sight.
        self._stale: OrderedDict[str, None] = OrderedDict()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- CallService's port -------------------------------------------------------------------
    async def from_ivr(self, call: LiveCall, queue: str, number: str) -> bool:
        """The IVR caller asked to be called back (see :meth:`CallbackScheduler.from_ivr`)."""
        try:
            return await self._scheduler.from_ivr(self._service, call, queue, number)
        except Exception:
            log.exception(
                "callback request failed; the caller waits on the line", extra={"uniqueid": call.uniqueid}
            )
            return False

    def on_acd_event(self, event: AcdEvent) -> None:
        """Router listener (synchronous): a callback offer, or an offer that ended while ringing."""
        if isinstance(event, OfferMade) and event.offer.item.channel is Channel.CALLBACK:
            self._offered(event.offer)
        elif isinstance(event, OfferReleased) and event.offer_id in self._by_offer:
            attempt = self._attempts.get(self._by_offer[event.offer_id])
            if attempt is not None and not attempt.agent_answered and self._drop(attempt):
                # The offer timed out while the agent's phone rings: stop ringing, nobody is dialed.
                log.info("callback offer ended while ringing", extra={"offer": event.offer_id})
                self._hang_up_leg(attempt)

    def _offered(self, offer: Offer) -> None:
        s = self._service
        ticket = self._scheduler.ticket(offer.item)
        now = s.clock()
        call = s.calls.add(
            LiveCall.outbound(
                "cc-cb",
                ticket.number,
                offer.agent_id,
                now,
                name=ticket.caller_name,
                queue=offer.item.queue,
                offer_id=offer.offer_id,
                caller_info=ticket.info,
            )
        )
        self._attempts[call.uniqueid] = _Attempt(offer, ticket, call)
        self._by_offer[offer.offer_id] = call.uniqueid
        s.publish(
            CallOffered(
                agent_id=offer.agent_id,
                offer_id=offer.offer_id,
                uniqueid=call.uniqueid,
                caller_number=ticket.number,
                caller_name=call.caller_name,
                queue=offer.item.queue,
                waited_s=max(0.0, now - offer.item.arrived_at),
                ivr_digits=(),
                customer=ticket.info.pop,
                decision_rules=offer.decision.rules,
                at=now,
                kind="callback",
            )
        )

    async def deliver(self, offer: Offer) -> None:
        """Ring the agent's own phone; when it answers, its dialplan dials the customer."""
        uniqueid = self._by_offer.get(offer.offer_id)
        attempt = self._attempts.get(uniqueid) if uniqueid else None
        if attempt is None:
            return  # the offer ended meanwhile
        number = attempt.ticket.number
        if not number:
            log.error("callback item without a number; dropped", extra={"item": offer.item.item_id})
            if self._drop(attempt):
                await self._acd("abandon", self._service.router.abandon(offer.item.item_id))
            return
        try:
            await self._service.control.dial_out(
                offer.agent_id, number, attempt.call.uniqueid, self._dialplan.outbound_caller_id
            )
        except PbxError as exc:
            log.warning(
                "could not ring the agent for a callback; it waits at its place",
                extra={"agent": offer.agent_id, "item": offer.item.item_id, "error": str(exc)},
            )
            if self._drop(attempt):
                self._hang_up_leg(attempt)  # in case the Originate went out after all (action lost)
                await self._acd("withdraw", self._service.router.withdraw(offer.offer_id))
            return
        log.info(
            "callback: the agent's phone rings first",
            extra={"uniqueid": attempt.call.uniqueid, "agent": offer.agent_id, "item": offer.item.item_id},
        )

    # -- AMI facts (synchronous, in event order) ---------------------------------------------
    def on_ami_event(self, event: ev.AmiEvent) -> None:
        if isinstance(event, ev.DialBegin) and event.caller is None:
            if event.dest.uniqueid in self._stale:
                del self._stale[event.dest.uniqueid]
                self._spawn(self._hangup(event.dest.channel))
            attempt = self._attempts.get(event.dest.uniqueid)
            if attempt is not None:
                attempt.leg_channel = event.dest.channel
        elif isinstance(event, ev.DialEnd):
            if event.caller is None:
                attempt = self._attempts.get(event.dest.uniqueid)
                if attempt is not None and not attempt.agent_answered:
                    if event.dial_status == "ANSWER":
                        attempt.agent_answered = True
                        attempt.accepting = self._spawn(self._accept(attempt))
                    else:
                        self._agent_missed(attempt, penalize=True)
            else:
                attempt = self._attempts.get(event.caller.uniqueid)
                if attempt is not None and event.dial_status == "ANSWER":
                    attempt.customer_answered = True
        elif isinstance(event, ev.BridgeEnter):
            attempt = self._attempts.get(event.channel.uniqueid)
            if attempt is not None and attempt.agent_answered:
                attempt.customer_answered = True
        elif isinstance(event, ev.Hangup):
            attempt = self._attempts.get(event.channel.uniqueid)
            if attempt is not None:
                self._leg_gone(attempt, penalize=True)
        elif isinstance(event, ev.AmiResynced):
            live = {c.channel.uniqueid for c in event.channels}
            for attempt in list(self._attempts.values()):
                if attempt.leg_channel and attempt.call.uniqueid not in live:
                    self._leg_gone(attempt, penalize=False)  # ended while AMI was down

    def _leg_gone(self, attempt: _Attempt, penalize: bool) -> None:
        if not attempt.agent_answered:
            self._agent_missed(attempt, penalize)
            return
        # The conversation (or the attempt to reach the customer) is over. CallService ends the
        # LiveCall from the same Hangup (CallEnded, the outbound interaction); the ACD side is ours.
        self._forget(attempt)
        self._spawn(self._finish(attempt))

    def _agent_missed(self, attempt: _Attempt, penalize: bool) -> None:
        """The agent's phone did not answer: the callback goes back to its place in the queue."""
        if not self._drop(attempt):
            return
        log.info(
            "agent did not answer a callback; it waits again",
            extra={"agent": attempt.offer.agent_id, "item": attempt.offer.item.item_id},
        )
        router = self._service.router
        release = (
            router.decline(attempt.offer.offer_id) if penalize else router.withdraw(attempt.offer.offer_id)
        )
        self._spawn(self._acd("release", release))

    # -- the ACD and the scheduler, in tasks -------------------------------------------------
    async def _accept(self, attempt: _Attempt) -> bool:
        try:
            await self._service.router.accept(attempt.offer.offer_id)
        except AcdError as exc:
            # The offer had ended (timed out): the item may be with someone else now. This leg must
            # not reach the customer a second time.
            log.warning(
                "callback answered after its offer ended; hanging up",
                extra={"uniqueid": attempt.call.uniqueid, "error": str(exc)},
            )
            self._forget(attempt)
            self._service.calls.remove(attempt.call)
            self._hang_up_leg(attempt)
            return False
        log.info("agent answered a callback", extra={"uniqueid": attempt.call.uniqueid})
        await self._scheduler.attempt_started(attempt.ticket)
        return True

    async def _finish(self, attempt: _Attempt) -> None:
        if attempt.accepting is None or not await attempt.accepting:
            return
        item_id = attempt.offer.item.item_id
        await self._acd("complete", self._service.router.complete(item_id))
        await self._scheduler.attempt_over(attempt.ticket, attempt.customer_answered)

    async def _acd(self, what: str, action: Coroutine[Any, Any, object]) -> None:
        try:
            await action
        except AcdError as exc:
            log.warning("router refused a callback step", extra={"step": what, "error": str(exc)})

    async def _hangup(self, channel: str) -> None:
        try:
            await self._service.control.hangup(channel)
        except PbxError as exc:
            log.warning("could not hang up a callback leg", extra={"channel": channel, "error": str(exc)})

    # -- bookkeeping -------------------------------------------------------------------------
    def _forget(self, attempt: _Attempt) -> bool:
        uniqueid = attempt.call.uniqueid
        if self._attempts.get(uniqueid) is not attempt:
            return False
        del self._attempts[uniqueid]
        self._by_offer.pop(attempt.offer.offer_id, None)
        return True

    def _drop(self, attempt: _Attempt) -> bool:
        """Forget an attempt that never connected, and take its call off the registry (no
        interaction is written for a phone that did not answer)."""
        if not self._forget(attempt):
            return False
        self._service.calls.remove(attempt.call)
        return True

    def _hang_up_leg(self, attempt: _Attempt) -> None:
        if attempt.leg_channel:
            self._spawn(self._hangup(attempt.leg_channel))
            return
        self._stale[attempt.call.uniqueid] = None
        while len(self._stale) > _STALE_LIMIT:
            self._stale.popitem(last=False)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("callback task failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
