"""Consultative transfer: the agent talks to a colleague (or a number) before handing the caller on.

Built from AMI actions Asterisk has had for years, not from feature codes:

- start: one ``Redirect`` moves both legs out of their bridge (a dual redirect hangs up neither):
  the caller to the engine's ``transfer`` FastAGI route, where they hear music, and the agent's
  own leg to the consult context, which ``Dial``s the target with option ``g`` and then hands the
  agent's leg back to the engine (``consult-end``). A consulted agent is busy in the ACD for the
  whole consultation (a direct item), so no call is offered to them meanwhile; they get the
  caller's screen pop at once.
- complete: ``Bridge`` joins the caller and the target's leg (moved out of the consultation);
  the consulting agent's leg comes back to ``consult-end`` and is hung up; their part of the call
  ends as a transfer.
- cancel, no answer, or the target hanging up: the agent's leg comes back to ``consult-end`` and
  is bridged to the caller again.

If the consulting agent hangs up mid-consultation, or Asterisk refuses a step, the caller goes
back to the queue: never left on hold with nobody coming.
"""

from __future__ import annotations

import logging

from acd.errors import AcdError, IllegalTransition
from acd.model import Channel, WorkItem
from callcenter.caller_media import CallerMedia
from callcenter.calls.agent_calls import AgentCalls, AgentPart, CallNotTransferable, PbxUnavailable
from callcenter.calls.consultation import Consultation, ConsultKind
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.contacts import lifecycle
from callcenter.contacts.model import ContactStatus
from callcenter.errors import CallCenterError
from callcenter.events import CallConnected, CallEnded, CallOffered, ConsultEnded, ConsultStarted
from callcenter.pbx import PbxError

log = logging.getLogger(__name__)


class ConsultTargetBusy(CallCenterError):
    code = "callcenter.consult_target_busy"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"agent {agent_id} is not free for a consultation")


class NoConsultation(CallCenterError):
    code = "callcenter.no_consultation"

    def __init__(self, agent_id: str, why: str) -> None:
        self.agent_id, self.why = agent_id, why
        super().__init__(f"agent {agent_id}: {why}")


def _stop_consulting(call: LiveCall, now: float) -> None:
    """The consultation is over without a transfer; a call that ended or moved on meanwhile stays so."""
    call.consult = None
    if call.contact.status is ContactStatus.CONSULTING:
        call.contact = lifecycle.end_consult(call.contact, now)


class Consults:
    def __init__(self, service: CallService, agent_calls: AgentCalls) -> None:
        self._service = service
        self._agent_calls = agent_calls
        self._count = 0
        # The consulting agent's leg -> (call, consultation), until that leg is back in consult-end.
        self._by_leg: dict[str, tuple[LiveCall, Consultation]] = {}

    # -- the agent's requests ---------------------------------------------------------------------
    async def start(self, call: LiveCall, kind: ConsultKind, target: str) -> None:
        s = self._service
        if call.phase is not CallPhase.TALKING or call.agent_id is None or call.agent_channel is None:
            raise CallNotTransferable(call.uniqueid, "not connected to an agent")
        if call.direction != "inbound" or call.consult is not None:
            raise CallNotTransferable(call.uniqueid, "a consultation is already under way")
        consult = Consultation(kind, target, call.agent_id, call.agent_channel)
        now = s.clock()
        if kind == "number":
            consult.target = self._agent_calls.dialable(target)
        else:
            if target == call.agent_id:
                raise CallNotTransferable(call.uniqueid, "an agent cannot consult themselves")
            self._count += 1
            item = WorkItem(
                f"{call.uniqueid}-c{self._count}", Channel.VOICE, call.queue or "", s.customer_of(call), now
            )
            try:
                await s.router.start_direct(item, target)
            except IllegalTransition as exc:
                raise ConsultTargetBusy(target) from exc
            consult.item_id = item.item_id
        call.consult, call.contact = consult, lifecycle.consult(call.contact, now)
        self._by_leg[consult.agent_leg] = (call, consult)
        try:
            if kind == "number":
                await s.control.consult_number(call.channel, consult.agent_leg, consult.target)
            else:
                await s.control.consult_agent(call.channel, consult.agent_leg, target)
        except PbxError as exc:
            _stop_consulting(call, s.clock())
            self._by_leg.pop(consult.agent_leg, None)
            await self._free_target(call, consult, "consult_failed")
            raise PbxUnavailable(exc) from exc
        log.info(
            "consultation started", extra={"uniqueid": call.uniqueid, "agent": call.agent_id, "to": target}
        )
        s.publish(ConsultStarted(call.agent_id, call.uniqueid, kind, consult.target, now))
        if kind == "agent" and consult.item_id:
            s.publish(
                CallOffered(
                    agent_id=target,
                    offer_id=consult.item_id,
                    uniqueid=call.uniqueid,
                    caller_number=call.caller_number,
                    caller_name=call.caller_name,
                    queue=call.queue or "",
                    waited_s=0.0,
                    ivr_digits=tuple(call.ivr_digits),
                    customer=call.caller_info.pop if call.caller_info else None,
                    decision_rules=(f"consultation from {call.agent_id}",),
                    at=now,
                    kind="consult",
                )
            )

    async def complete(self, call: LiveCall) -> None:
        consult = call.consult
        if consult is None or not consult.answered or consult.target_leg is None:
            raise NoConsultation(call.agent_id or "", "the consulted party has not answered")
        consult.completing = True
        try:
            await self._service.control.bridge(call.channel, consult.target_leg)
        except PbxError as exc:
            consult.completing = False
            raise PbxUnavailable(exc) from exc
        await self._hand_over(call, consult)

    async def cancel(self, call: LiveCall) -> None:
        consult = call.consult
        if consult is None or consult.target_leg is None:
            raise NoConsultation(call.agent_id or "", "no consultation is ringing or connected")
        consult.cancelled = True
        try:
            await self._service.control.hangup(consult.target_leg)
        except PbxError as exc:
            raise PbxUnavailable(exc) from exc
        # The agent's leg comes back through consult-end and is joined to the caller there.

    # -- what Asterisk tells us -----------------------------------------------------------------
    def target_dialed(self, agent_leg: str, target_leg: str) -> None:
        found = self._by_leg.get(agent_leg)
        if found is not None and found[1].target_leg is None:
            found[1].target_leg = target_leg

    def leg_bridged(self, channel: str) -> None:
        found = self._by_leg.get(channel)
        if found is None or found[1].answered or found[1].completing:
            return
        call, consult = found
        consult.answered = True
        if consult.kind == "agent" and consult.target_leg:
            self._service.publish(
                CallConnected(consult.target, call.uniqueid, consult.target_leg, self._service.clock())
            )

    async def leg_gone(self, channel: str) -> None:
        """The consulting agent hung up mid-consultation: the caller goes back to the queue."""
        found = self._by_leg.pop(channel, None)
        if found is None or found[1].completing:
            return
        call, consult = found
        log.warning(
            "agent left during a consultation; caller back to the queue", extra={"uniqueid": call.uniqueid}
        )
        await self._free_target(call, consult, "consult_cancelled")
        await self._back_to_queue(call, consult)

    async def on_consult_end(self, media: CallerMedia) -> None:
        """FastAGI ``consult-end``: the consulting agent's leg after its Dial."""
        leg = media.arrival.channel
        found = self._by_leg.pop(leg, None)
        if found is None or found[1].completing or found[0].phase is CallPhase.ENDED:
            if found is not None and found[0].phase is CallPhase.ENDED:
                await self._free_target(found[0], found[1], "consult_cancelled")
            await media.hangup()
            return
        call, consult = found
        outcome = "cancelled" if consult.cancelled or consult.answered else "failed"
        await self._free_target(call, consult, "consult_cancelled")
        _stop_consulting(call, self._service.clock())
        s = self._service
        s.publish(ConsultEnded(consult.by_agent, call.uniqueid, consult.target, outcome, s.clock()))
        try:
            await s.control.bridge(call.channel, leg)
        except PbxError:
            log.exception("could not join the agent and the caller again", extra={"uniqueid": call.uniqueid})
            await media.hangup()
            await self._back_to_queue(call, consult)

    # -- helpers ------------------------------------------------------------------------------------
    async def _hand_over(self, call: LiveCall, consult: Consultation) -> None:
        s = self._service
        now = s.clock()
        before = AgentPart.of(call)
        call.consult = None
        call.started_at, call.answered_at = now, now
        if consult.kind == "agent" and consult.item_id:
            call.contact = lifecycle.hand_over(call.contact, now)
            call.agent_id, call.agent_channel = consult.target, consult.target_leg
            s.calls.link_item(call, consult.item_id)
        else:
            call.contact = lifecycle.transfer_out(call.contact, now)
            call.agent_id, call.agent_channel, call.item_id = None, None, None
            call.outcome = "transferred_out"
        s.publish(ConsultEnded(consult.by_agent, call.uniqueid, consult.target, "completed", now))
        log.info("consultative transfer completed", extra={"uniqueid": call.uniqueid, "to": consult.target})
        await self._agent_calls.end_agent_part(call, before, consult.by_agent, now)

    async def _free_target(self, call: LiveCall, consult: Consultation, outcome: str) -> None:
        """The consulted agent is free again at once (a consultation needs no wrap-up)."""
        if consult.item_id is None:
            return
        item_id, consult.item_id = consult.item_id, None
        s = self._service
        try:
            await s.router.complete(item_id)
            await s.router.wrap_up_done(consult.target)
        except AcdError as exc:
            log.warning(
                "could not free the consulted agent", extra={"agent": consult.target, "error": str(exc)}
            )
        s.publish(CallEnded(consult.target, call.uniqueid, call.queue, outcome, s.clock()))

    async def _back_to_queue(self, call: LiveCall, consult: Consultation) -> None:
        s = self._service
        call.consult = None
        before = AgentPart.of(call)
        now = s.clock()
        call.contact = lifecycle.transfer(call.contact, now)
        call.agent_id, call.offer_id, call.agent_channel = None, None, None
        call.answered_at, call.started_at, call.queued_at = None, now, now
        try:
            # The caller is on hold in the transfer route already: the next offer moves them.
            await self._agent_calls.requeue(call, "queue", call.queue or "", now)
        except AcdError:
            log.exception("could not put the caller back in the queue", extra={"uniqueid": call.uniqueid})
        s.publish(ConsultEnded(consult.by_agent, call.uniqueid, consult.target, "failed", now))
        await self._agent_calls.end_agent_part(call, before, consult.by_agent, now)
