"""What an agent does with a call besides answering it: transfer, click-to-dial, hold and mute.

Transfers go through the ACD, never around it. A transfer to an agent or a queue is a new work
item (``<uniqueid>-t<n>``): to a named agent it is reserved for them for
``dialplan.transfer_reserve_s``, then any agent of the queue may take it, so a caller is never
stuck behind a busy colleague. The transferring agent's item completes (they go to wrap-up with
their own interaction record). The caller waits on hold in the ``transfer`` FastAGI route unless
an agent was free at once, in which case the offer moves them straight to that agent's phone.

A transfer to a number sends the caller through the same route, which dials the number over the
outbound trunk; if nobody answers, the caller goes back to the queue instead of being dropped.

Click-to-dial Originates the agent's own phone with a Uniqueid we choose (``ChannelId``), so its
events are recognised from the first one; it is an ACD item of the outbound queue when the agent
was available (no inbound call can be offered to them meanwhile).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import phonenumbers

from acd.errors import AcdError
from acd.model import AgentState, Channel, Customer, WorkItem
from callcenter.calls.endings import EndedCall
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.contacts import lifecycle
from callcenter.contacts.lifecycle import Action
from callcenter.contacts.model import ContactState
from callcenter.errors import CallCenterError
from callcenter.events import CallDialing, CallEnded, CallHeld, CallTransferred
from callcenter.pbx import PbxError
from callcenter.settings import DialplanSettings

log = logging.getLogger(__name__)

TransferKind = Literal["agent", "queue", "number"]


class BadPhoneNumber(CallCenterError):
    code = "callcenter.bad_phone_number"

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"{number!r} is not a phone number that can be dialed")


class CallNotTransferable(CallCenterError):
    code = "callcenter.call_not_transferable"

    def __init__(self, uniqueid: str, why: str) -> None:
        self.uniqueid, self.why = uniqueid, why
        super().__init__(f"call {uniqueid} cannot be transferred: {why}")


class AgentOnCall(CallCenterError):
    code = "callcenter.agent_on_call"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"agent {agent_id} is on a call or being offered one")


class PbxUnavailable(PbxError):
    """An agent's request the phone system did not carry out; the call is as it was before."""

    code = "callcenter.pbx_unavailable"

    def __init__(self, failure: PbxError) -> None:
        super().__init__(failure.action, failure.detail)


@dataclass(frozen=True, slots=True)
class AgentPart:
    """A call's routing fields while one agent had it: put back if a transfer is refused, and
    written as that agent's interaction when it ends."""

    contact: ContactState
    queue: str | None
    item_id: str | None
    offer_id: str | None
    agent_id: str | None
    agent_channel: str | None
    answered_at: float | None
    started_at: float
    queued_at: float | None

    @property
    def transfers(self) -> int:
        return self.contact.transfers

    @classmethod
    def of(cls, call: LiveCall) -> AgentPart:
        return cls(
            call.contact,
            call.queue,
            call.item_id,
            call.offer_id,
            call.agent_id,
            call.agent_channel,
            call.answered_at,
            call.started_at,
            call.queued_at,
        )

    def restore(self, service: CallService, call: LiveCall) -> None:
        for name in self.__slots__:
            if name != "item_id":
                setattr(call, name, getattr(self, name))
        if self.item_id:
            service.calls.link_item(call, self.item_id)


class AgentCalls:
    def __init__(self, service: CallService, dialplan: DialplanSettings, default_region: str) -> None:
        self._service = service
        self._dialplan = dialplan
        self._region = default_region

    def dialable(self, number: str) -> str:
        """E.164 (``+8613812345678``) of what the agent typed, in the default region; or BadPhoneNumber."""
        try:
            parsed = phonenumbers.parse(number, self._region)
        except phonenumbers.NumberParseException as exc:
            raise BadPhoneNumber(number) from exc
        if not phonenumbers.is_possible_number(parsed):
            raise BadPhoneNumber(number)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    # -- transfers ------------------------------------------------------------------------------
    async def transfer(self, call: LiveCall, kind: TransferKind, target: str) -> None:
        s = self._service
        if not lifecycle.allows(call.contact, Action.TRANSFER) or call.agent_id is None:
            raise CallNotTransferable(call.uniqueid, "not connected to an agent")
        if call.direction != "inbound":
            raise CallNotTransferable(call.uniqueid, "outbound calls are not transferred")
        before = AgentPart.of(call)
        from_agent, now = call.agent_id, s.clock()
        number = self.dialable(target) if kind == "number" else None
        call.contact = (lifecycle.transfer if number is None else lifecycle.transfer_out)(call.contact, now)
        call.agent_id, call.offer_id, call.agent_channel = None, None, None
        call.answered_at, call.started_at, call.queued_at = None, now, now
        try:
            if number is None:
                await self.requeue(call, kind, target, now)
            else:
                call.item_id = None
                call.transfer_number = number
            if call.phase is not CallPhase.OFFERING:
                await s.control.move_to_transfer(call.channel)
        except (AcdError, PbxError) as exc:
            await self._undo(call, before)
            if isinstance(exc, PbxError):
                raise PbxUnavailable(exc) from exc
            raise
        log.info(
            "call transferred",
            extra={"uniqueid": call.uniqueid, "from": from_agent, "kind": kind, "to": number or target},
        )
        s.publish(CallTransferred(from_agent, call.uniqueid, kind, number or target, now))
        await self.end_agent_part(call, before, from_agent, now)

    async def requeue(self, call: LiveCall, kind: TransferKind, target: str, now: float) -> None:
        s = self._service
        queue = target if kind == "queue" else (call.queue or "")
        call.queue = queue
        item = WorkItem(
            item_id=call.interaction_ref,
            channel=Channel.VOICE,
            queue=queue,
            customer=s.customer_of(call),
            arrived_at=now,
        )
        s.calls.link_item(call, item.item_id)
        if kind == "agent":
            await s.router.enqueue_for_agent(item, target, self._dialplan.transfer_reserve_s)
        else:
            await s.router.enqueue(item)

    async def _undo(self, call: LiveCall, before: AgentPart) -> None:
        s = self._service
        if call.item_id and call.item_id != before.item_id:
            try:
                await s.router.abandon(call.item_id)
            except AcdError:
                log.warning("could not take back a refused transfer", extra={"uniqueid": call.uniqueid})
        call.transfer_number = None
        before.restore(s, call)

    async def end_agent_part(self, call: LiveCall, before: AgentPart, agent: str, now: float) -> None:
        """The transferring agent's part: their item completes (wrap-up) and is written on its own."""
        s = self._service
        if before.item_id:
            try:
                await s.router.complete(before.item_id)
            except AcdError as exc:
                log.warning("router refused the end of a transferred part", extra={"error": str(exc)})
        ref = call.uniqueid if before.transfers == 0 else f"{call.uniqueid}-t{before.transfers}"
        s.publish(CallEnded(agent, call.uniqueid, before.queue, "transferred", now))
        await s.write_ended(
            EndedCall(
                uniqueid=ref,
                caller_number=call.caller_number,
                dialed=call.dialed,
                queue=before.queue,
                agent_id=agent,
                started_at=before.started_at,
                answered_at=before.answered_at,
                ended_at=now,
                outcome="transferred",
                ivr_digits=tuple(call.ivr_digits),
                recording_path=call.recording_path,
            ),
            call.uniqueid,
        )

    @property
    def reserve_s(self) -> float:
        """How long a caller given to a named agent waits for that agent alone."""
        return self._dialplan.transfer_reserve_s

    # -- click-to-dial ----------------------------------------------------------------------------
    async def dial(self, agent_id: str, number: str, customer_id: int | None, state: AgentState) -> str:
        s = self._service
        e164 = self.dialable(number)
        # Busy without a call of theirs: working a conversation (a voicemail to call back, a chat).
        if state is AgentState.RESERVED or any(c.agent_id == agent_id for c in s.calls.live()):
            raise AgentOnCall(agent_id)
        now = s.clock()
        call = s.calls.add(LiveCall.outbound("cc-out", e164, agent_id, now))
        if state is AgentState.AVAILABLE:
            # The agent is busy for routing for the length of the call (no inbound offer meanwhile).
            customer = Customer(str(customer_id) if customer_id else f"tel:{e164}")
            item = WorkItem(call.uniqueid, Channel.VOICE, self._dialplan.outbound_queue, customer, now)
            await s.router.start_direct(item, agent_id)
            s.calls.link_item(call, item.item_id)
        try:
            await s.control.dial_out(agent_id, e164, call.uniqueid, self._dialplan.outbound_caller_id)
        except PbxError as exc:
            await s.channel_hung_up(call.channel)
            raise PbxUnavailable(exc) from exc
        log.info("click-to-dial", extra={"uniqueid": call.uniqueid, "agent": agent_id, "number": e164})
        s.publish(CallDialing(agent_id, call.uniqueid, e164, customer_id, now))
        return call.uniqueid

    # -- what the phones tell us ---------------------------------------------------------------
    def phone_held(self, channel: str, held: bool) -> None:
        """``Hold``/``Unhold`` from Asterisk: the agent's phone put the call on hold or resumed."""
        s = self._service
        call = s.calls.by_agent_channel(channel) or s.calls.by_channel(channel)
        if call is None or call.agent_id is None or call.held == held:
            return
        if not lifecycle.allows(call.contact, Action.HOLD if held else Action.RESUME):
            # Ringing or consulting: the phone holds the colleague or the ringing leg, not the caller.
            log.info("hold ignored", extra={"uniqueid": call.uniqueid, "status": call.contact.status.value})
            return
        call.contact = (lifecycle.hold if held else lifecycle.resume)(call.contact, s.clock())
        s.publish(CallHeld(call.agent_id, call.uniqueid, held, s.clock()))
