"""The service interface the web app uses (agent desktop, supervisor console, admin).

The web layer never touches an adapter (AMI, FastAGI, the simulator) directly: it calls
these use cases and listens to the bus (:mod:`callcenter.events` and the ACD's events).
CRM services (``crm_core``) are used directly with :attr:`ContactCenter.sessions`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from acd.decision import RouteDecision
from acd.model import Agent, AgentState, Channel
from acd.queries import Snapshot
from acd.router import Router
from callcenter.bus import EventBus
from callcenter.calls.agent_calls import AgentCalls, CallNotTransferable, TransferKind
from callcenter.calls.consult import Consults
from callcenter.calls.consultation import ConsultKind
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.calls.supervision import SpyMode, Supervision
from callcenter.calls.waiting import WaitingCalls
from callcenter.errors import CallCenterError
from callcenter.events import CallMuted, SupervisionChanged
from crm_core.interactions import InteractionLog

log = logging.getLogger(__name__)


class DemoPhones(Protocol):
    """The simulated agent phones of demo mode, driven from the desktop (False: no such call)."""

    async def answer(self, agent_id: str) -> bool: ...

    async def hold(self, agent_id: str, on: bool) -> bool: ...

    async def dtmf(self, agent_id: str, digits: str) -> bool: ...


class PhoneDoesThis(CallCenterError):
    """Hold, mute and DTMF are the softphone's own (SIP) business when a real Asterisk is used."""

    code = "callcenter.phone_does_this"

    def __init__(self, action: str) -> None:
        self.action = action
        super().__init__(f"{action} is done by the softphone itself, not through the engine")


class NoActiveCall(CallCenterError):
    code = "callcenter.no_active_call"

    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        super().__init__(f"agent {agent_id} has no call in progress")


@dataclass(frozen=True, slots=True)
class LiveCallView:
    uniqueid: str
    caller_number: str
    caller_name: str
    phase: str
    queue: str | None
    agent_id: str | None
    started_at: float
    queued_at: float | None
    answered_at: float | None
    ivr_digits: tuple[str, ...]
    recording_paused: bool
    direction: str
    held: bool
    muted: bool


def _view(call: LiveCall) -> LiveCallView:
    return LiveCallView(
        uniqueid=call.uniqueid,
        caller_number=call.caller_number,
        caller_name=call.caller_name,
        phase=call.phase.value,
        queue=call.queue,
        agent_id=call.agent_id,
        started_at=call.started_at,
        queued_at=call.queued_at,
        answered_at=call.answered_at,
        ivr_digits=tuple(call.ivr_digits),
        recording_paused=call.recording_paused,
        direction=call.direction,
        held=call.held,
        muted=call.muted,
    )


class ContactCenter:
    def __init__(
        self,
        router: Router,
        calls: CallService,
        agent_calls: AgentCalls,
        consults: Consults,
        supervision: Supervision,
        bus: EventBus,
        sessions: sessionmaker[Session],
        default_region: str,
        demo_phones: DemoPhones | None = None,
    ) -> None:
        self._demo_phones = demo_phones
        self.router = router
        self.bus = bus
        self.sessions = sessions
        self.default_region = default_region
        self._calls = calls
        self._agent_calls = agent_calls
        self._consults = consults
        self._supervision = supervision
        self._interactions = InteractionLog(default_region)
        self.waiting = WaitingCalls(calls, agent_calls.reserve_s)

    # -- agents ---------------------------------------------------------------------------
    async def agent_login(
        self,
        agent_id: str,
        skills: dict[str, int],
        paused_reason: str | None = None,
        capacity: Mapping[Channel, int] | None = None,
    ) -> None:
        """Log an agent in to routing (``capacity`` per channel; default voice 1, chat 3, email 5)."""
        agent = (
            Agent(agent_id, skills) if capacity is None else Agent(agent_id, skills, capacity=dict(capacity))
        )
        await self.router.login(agent, paused_reason=paused_reason)

    async def agent_available(self, agent_id: str) -> None:
        await self.router.set_available(agent_id)

    async def agent_pause(self, agent_id: str, reason: str) -> None:
        await self.router.pause(agent_id, reason)

    async def agent_logout(self, agent_id: str) -> None:
        await self.router.logout(agent_id)

    async def end_wrap_up(self, agent_id: str) -> None:
        await self.router.wrap_up_done(agent_id)

    # -- what is going on -------------------------------------------------------------------
    async def snapshot(self) -> Snapshot:
        return await self.router.snapshot()

    def live_calls(self) -> list[LiveCallView]:
        return [_view(c) for c in self._calls.calls.live()]

    def call_of_agent(self, agent_id: str) -> LiveCallView | None:
        call = self._agent_call(agent_id)
        return _view(call) if call else None

    async def explain(self, item_id: str) -> tuple[RouteDecision, ...]:
        return await self.router.explain(item_id)

    async def position(self, item_id: str) -> tuple[int, float]:
        return await self.router.position(item_id), await self.router.estimated_wait(item_id)

    # -- the agent's call ---------------------------------------------------------------------
    def _agent_call(self, agent_id: str) -> LiveCall | None:
        for call in self._calls.calls.live():
            if call.agent_id == agent_id and call.phase in (CallPhase.OFFERING, CallPhase.TALKING):
                return call
        return None

    def _talking(self, agent_id: str) -> LiveCall:
        call = self._agent_call(agent_id)
        if call is None or call.phase is not CallPhase.TALKING:
            raise NoActiveCall(agent_id)
        return call

    async def decline(self, agent_id: str) -> None:
        """The agent refuses the ringing call: their leg is hung up, the connect context hands
        the caller back to the engine, and the caller is offered to someone else."""
        call = self._agent_call(agent_id)
        if call is None or call.phase is not CallPhase.OFFERING or call.agent_channel is None:
            raise NoActiveCall(agent_id)
        await self._calls.control.hangup(call.agent_channel)

    async def answer(self, agent_id: str) -> bool:
        """Answer the ringing call from the desktop. Only the simulated phones of demo mode can be
        answered this way; a real softphone answers itself (returns False then)."""
        call = self._agent_call(agent_id)
        if call is None or call.phase is not CallPhase.OFFERING:
            raise NoActiveCall(agent_id)
        if self._demo_phones is None:
            return False
        return await self._demo_phones.answer(agent_id)

    async def hang_up(self, agent_id: str) -> None:
        """End the agent's call; an outbound call can be cancelled while it still rings."""
        call = self._agent_call(agent_id)
        if call is not None and call.direction == "outbound" and call.channel:
            await self._calls.control.hangup(call.channel)
            return
        call = self._talking(agent_id)
        await self._calls.control.hangup(call.agent_channel or call.channel)

    async def set_recording_paused(self, agent_id: str, paused: bool) -> None:
        """Pause the recording while the customer reads out a card number (PCI), then resume."""
        await self._calls.set_recording_paused(self._talking(agent_id), paused)

    async def transfer(self, agent_id: str, kind: TransferKind, target: str) -> None:
        """Blind transfer of the agent's caller to an agent, a queue or a number (see ``agent_calls``)."""
        if kind == "agent" and target == agent_id:
            raise CallNotTransferable(agent_id, "an agent cannot transfer a call to themselves")
        await self._agent_calls.transfer(self._talking(agent_id), kind, target)

    async def consult(self, agent_id: str, kind: ConsultKind, target: str) -> None:
        """Put the caller on hold and call a colleague or a number (see ``calls.consult``)."""
        await self._consults.start(self._talking(agent_id), kind, target)

    async def complete_consult(self, agent_id: str) -> None:
        await self._consults.complete(self._talking(agent_id))

    async def cancel_consult(self, agent_id: str) -> None:
        await self._consults.cancel(self._talking(agent_id))

    async def dial(self, agent_id: str, number: str, customer_id: int | None) -> str:
        """Click-to-dial: the agent's phone rings first, then the number is dialed."""
        snapshot = await self.router.snapshot()
        mine = next((a for a in snapshot.agents if a.agent_id == agent_id), None)
        state = mine.state if mine else AgentState.LOGGED_OUT
        return await self._agent_calls.dial(agent_id, number, customer_id, state)

    async def hold(self, agent_id: str, on: bool) -> None:
        self._talking(agent_id)
        if self._demo_phones is None:
            raise PhoneDoesThis("hold")
        if not await self._demo_phones.hold(agent_id, on):
            raise NoActiveCall(agent_id)
        # ``call.held`` changes when Asterisk's Hold/Unhold event arrives (and CallHeld is published).

    async def mute(self, agent_id: str, on: bool) -> None:
        """Mute is the phone's microphone: nothing reaches Asterisk, the desktop is told."""
        call = self._talking(agent_id)
        if self._demo_phones is None:
            raise PhoneDoesThis("mute")
        call.muted = on
        self.bus.publish(CallMuted(agent_id, call.uniqueid, on, time.time()))

    async def send_dtmf(self, agent_id: str, digits: str) -> None:
        self._talking(agent_id)
        if self._demo_phones is None:
            raise PhoneDoesThis("DTMF")
        if not await self._demo_phones.dtmf(agent_id, digits):
            raise NoActiveCall(agent_id)

    def interaction_ref(self, uniqueid: str, agent_id: str) -> str:
        """The interaction ``agent_id`` wraps up for call ``uniqueid`` (transfers make several)."""
        return self._calls.interaction_ref(uniqueid, agent_id)

    async def wrap_up(self, agent_id: str, uniqueid: str, disposition: str | None, notes: str | None) -> None:
        """Store the disposition on the agent's interaction; the agent leaves wrap-up at once."""
        if disposition is not None:
            ref = self._calls.interaction_ref(uniqueid, agent_id)
            await asyncio.to_thread(self._store_wrap_up, ref, disposition, notes)
        await self.router.wrap_up_done(agent_id)

    def _store_wrap_up(self, uniqueid: str, disposition: str, notes: str | None) -> None:
        with self.sessions.begin() as session:
            self._interactions.set_wrap_up(session, uniqueid, disposition, notes)

    # -- supervision ------------------------------------------------------------------------
    async def supervise(self, supervisor: str, agent_id: str, mode: SpyMode | None) -> None:
        """Start, switch (listen → whisper → barge) or stop (``mode=None``) a supervisor's leg.

        The caller of this method writes the audit entry (who, whom, what, when).
        """
        if mode is None:
            await self._supervision.stop(supervisor)
        else:
            call = self._talking(agent_id)
            if call.agent_channel is None:
                raise NoActiveCall(agent_id)
            await self._supervision.start(supervisor, call.agent_channel, mode)
        self.bus.publish(SupervisionChanged(supervisor, agent_id, mode, time.time()))
