"""The CRM lookup starts as the caller arrives and is reused when they queue, unless they stayed so
long in the IVR that the record may have changed; a failing lookup never keeps a caller out."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from acd.memory_store import MemoryStore
from acd.model import QueueConfig, ValueTier
from acd.router import Router
from callcenter.calls.customers import CallerInfo
from callcenter.calls.endings import EndedCall
from callcenter.calls.queueing import EARLY_LOOKUP_FRESH_S
from callcenter.calls.registry import LiveCall
from callcenter.calls.service import CallService
from tests.fakes.acd_clock import FakeClock

WEI = "+14155550100"


class RecordingCrm:
    """The CRM port at the edge: answers with a VIP and records when it was asked."""

    def __init__(self, clock: FakeClock, fails: bool = False) -> None:
        self.clock = clock
        self.fails = fails
        self.asked_at: list[float] = []

    async def __call__(self, number: str) -> CallerInfo:
        self.asked_at.append(self.clock.now())
        if self.fails:
            raise ConnectionError("CRM database unreachable")
        return CallerInfo("42", ValueTier.VIP, None)


async def _ignore(_call: EndedCall) -> None:
    return None


async def _service(clock: FakeClock, crm: RecordingCrm) -> CallService:
    router = Router(MemoryStore(), clock)
    await router.add_queue(QueueConfig("sales"))
    return CallService(router, cast(Any, None), clock.now, _ignore, caller_lookup=crm)


async def _arrives(service: CallService, clock: FakeClock) -> LiveCall:
    call = service.calls.add(LiveCall("u1", "PJSIP/trunk-1", WEI, "Wei", "5551234", clock.now()))
    service.look_up_caller_early(call)
    await asyncio.sleep(0)  # the IVR's first command: the lookup task runs meanwhile
    return call


async def test_given_a_caller_looked_up_on_arrival_when_queued_then_the_crm_is_not_asked_again() -> None:
    clock = FakeClock()
    crm = RecordingCrm(clock)
    service = await _service(clock, crm)
    call = await _arrives(service, clock)
    arrived = clock.now()
    clock.advance(12)  # the IVR
    await service.enqueue(call, "sales")
    assert crm.asked_at == [arrived]
    assert call.caller_info == CallerInfo("42", ValueTier.VIP, None)
    assert service.customer_of(call).tier is ValueTier.VIP
    assert call.queued_at == arrived + 12


async def test_given_a_caller_long_in_the_ivr_when_queued_then_the_record_is_read_again() -> None:
    clock = FakeClock()
    crm = RecordingCrm(clock)
    service = await _service(clock, crm)
    call = await _arrives(service, clock)
    arrived = clock.now()
    clock.advance(EARLY_LOOKUP_FRESH_S + 1)
    await service.enqueue(call, "sales")
    assert crm.asked_at == [arrived, arrived + EARLY_LOOKUP_FRESH_S + 1]


async def test_given_the_crm_down_when_the_caller_queues_then_they_queue_as_a_normal_customer() -> None:
    clock = FakeClock()
    crm = RecordingCrm(clock, fails=True)
    service = await _service(clock, crm)
    call = await _arrives(service, clock)
    await service.enqueue(call, "sales")
    assert call.caller_info == CallerInfo.unknown()
    assert await service.position("u1") == 1
