"""A call's phase comes from its contact lifecycle: the engine's moves go through it, and a call that
has ended stays ended (no late step of a queueing brings it back)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from acd.memory_store import MemoryStore
from acd.model import QueueConfig
from acd.router import Router
from callcenter.calls.agent_calls import AgentCalls
from callcenter.calls.customers import CallerInfo
from callcenter.calls.endings import EndedCall
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.contacts import lifecycle
from callcenter.contacts.errors import IllegalContactTransition
from callcenter.contacts.model import ContactStatus, Outcome
from callcenter.events import CallHeld
from callcenter.settings import DialplanSettings
from tests.fakes.acd_clock import FakeClock


class SlowCrm:
    """The CRM port, answering only when the test lets it."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()

    async def __call__(self, number: str) -> CallerInfo:
        await self.answer.wait()
        return CallerInfo.unknown()


async def _service(clock: FakeClock, crm: SlowCrm, written: list[EndedCall]) -> CallService:
    async def write(ended: EndedCall) -> None:
        written.append(ended)

    router = Router(MemoryStore(), clock)
    await router.add_queue(QueueConfig("sales"))
    return CallService(router, cast(Any, None), clock.now, write, caller_lookup=crm)


def _call(clock: FakeClock) -> LiveCall:
    return LiveCall("u1", "PJSIP/trunk-1", "+14155550100", "Wei", "5551234", clock.now())


async def test_given_a_caller_who_hangs_up_during_the_crm_lookup_when_queueing_ends_then_not_queued() -> None:
    clock, crm, written = FakeClock(), SlowCrm(), list[EndedCall]()
    service = await _service(clock, crm, written)
    call = service.calls.add(_call(clock))
    queueing = asyncio.create_task(service.enqueue(call, "sales"))
    await asyncio.sleep(0)  # enqueue waits for the CRM
    await service.channel_hung_up(call.channel)
    crm.answer.set()
    await queueing
    assert call.phase is CallPhase.ENDED
    assert await service.position("u1") is None  # nothing in the queue offers a caller who is gone
    assert service.calls.by_item("u1") is None
    assert [(e.uniqueid, e.outcome) for e in written] == [("u1", "ended_in_ivr")]


async def test_the_phase_and_the_flags_are_read_from_the_contact() -> None:
    clock, crm, written = FakeClock(), SlowCrm(), list[EndedCall]()
    crm.answer.set()
    service = await _service(clock, crm, written)
    call = service.calls.add(_call(clock))
    assert (call.phase, call.direction, call.held, call.transfers, call.outcome) == (
        CallPhase.IVR,
        "inbound",
        False,
        0,
        None,
    )
    await service.enqueue(call, "sales")
    assert (call.phase, call.contact.status) == (CallPhase.QUEUED, ContactStatus.QUEUED)
    call.contact = lifecycle.hold(lifecycle.connect(lifecycle.ring(call.contact, 1.0), 2.0), 3.0)
    assert (call.phase, call.held) == (CallPhase.TALKING, True)
    call.contact = lifecycle.transfer_out(call.contact, 4.0)
    assert (call.phase, call.transfers, call.interaction_ref) == (CallPhase.IVR, 1, "u1-t1")


async def test_an_outcome_noted_on_a_call_is_typed_and_a_late_note_on_an_ended_call_is_moot() -> None:
    clock = FakeClock()
    call = _call(clock)
    call.outcome = "voicemail"
    assert call.contact.outcome is Outcome.VOICEMAIL
    with pytest.raises(ValueError, match="not_an_outcome"):
        call.outcome = "not_an_outcome"
    call.contact = lifecycle.end(call.contact, Outcome.ENDED_IN_IVR, 1.0)
    call.outcome = "voicemail"
    assert call.outcome == "ended_in_ivr"
    with pytest.raises(IllegalContactTransition):
        lifecycle.queue(call.contact, 2.0)


def test_an_outbound_call_rings_its_agent_first() -> None:
    call = LiveCall.outbound("cc-out", "+14155550177", "1001", 5.0)
    assert (call.phase, call.direction, call.contact.status) == (
        CallPhase.OFFERING,
        "outbound",
        ContactStatus.RINGING,
    )


async def _agent_calls(clock: FakeClock, published: list[object]) -> tuple[CallService, AgentCalls]:
    async def write(_ended: EndedCall) -> None:
        return None

    router = Router(MemoryStore(), clock)
    service = CallService(router, cast(Any, None), clock.now, write, publish=published.append)
    return service, AgentCalls(service, DialplanSettings(), "US")


def _talking(service: CallService, clock: FakeClock) -> LiveCall:
    call = service.calls.add(_call(clock))
    call.agent_id, call.agent_channel = "1001", "PJSIP/agent-1001-01"
    call.contact = lifecycle.connect(lifecycle.ring(lifecycle.queue(call.contact, 1.0), 2.0), 3.0)
    return call


async def test_the_agents_phone_holds_and_resumes_a_connected_call() -> None:
    clock, published = FakeClock(), list[object]()
    service, agent_calls = await _agent_calls(clock, published)
    call = _talking(service, clock)
    agent_calls.phone_held("PJSIP/agent-1001-01", True)
    assert (call.held, call.contact.status) == (True, ContactStatus.HELD)
    agent_calls.phone_held("PJSIP/agent-1001-01", True)  # a repeated Hold changes nothing
    agent_calls.phone_held("PJSIP/agent-1001-01", False)
    assert (call.held, call.contact.status) == (False, ContactStatus.CONNECTED)
    assert [(e.held, e.uniqueid) for e in published if isinstance(e, CallHeld)] == [
        (True, "u1"),
        (False, "u1"),
    ]


async def test_a_hold_on_the_agents_leg_during_a_consultation_is_not_the_callers_hold() -> None:
    clock, published = FakeClock(), list[object]()
    service, agent_calls = await _agent_calls(clock, published)
    call = _talking(service, clock)
    call.contact = lifecycle.consult(call.contact, 4.0)
    agent_calls.phone_held("PJSIP/agent-1001-01", True)  # holds the consulted colleague
    assert (call.held, call.contact.status) == (False, ContactStatus.CONSULTING)
    assert not [e for e in published if isinstance(e, CallHeld)]
