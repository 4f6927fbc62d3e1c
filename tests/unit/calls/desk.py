"""A call centre without sockets for unit tests of ``callcenter.calls``: the real router over the
in-memory ACD store, the real call service, and the recording PBX fake (``tests/fakes/pbx.py``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TypeVar

from acd.events import AcdEvent
from acd.memory_store import MemoryStore
from acd.model import Agent, QueueConfig
from acd.router import Router
from callcenter.calls.agent_calls import AgentCalls
from callcenter.calls.endings import EndedCall
from callcenter.calls.registry import LiveCall
from callcenter.calls.service import CallService
from callcenter.settings import DialplanSettings
from tests.fakes.acd_clock import FakeClock
from tests.fakes.pbx import ConnectToAgent, FakePbx
from tests.waiting import wait_until

CALLER = "PJSIP/pstn-00000001"
LEG_1001 = "PJSIP/agent-1001-00000002"

E = TypeVar("E")


@dataclass
class Desk:
    clock: FakeClock
    pbx: FakePbx
    router: Router
    service: CallService
    agent_calls: AgentCalls
    published: list[object]
    written: list[EndedCall]

    def events(self, kind: type[E]) -> list[E]:
        return [e for e in self.published if isinstance(e, kind)]

    async def caller_queues(self, uniqueid: str = "u1", channel: str = CALLER) -> LiveCall:
        call = self.service.calls.add(
            LiveCall(uniqueid, channel, "+14155550100", "Wei", "5551234", self.clock.now())
        )
        await self.service.enqueue(call, "sales")
        return call

    async def talking_to(self, agent_id: str, agent_leg: str, uniqueid: str = "u1") -> LiveCall:
        """A caller queues, is sent to ``agent_id``'s phone (the only one free) and answered."""
        call = await self.caller_queues(uniqueid)
        await wait_until(
            lambda: any(a.caller_channel == call.channel for a in self.pbx.of_type(ConnectToAgent)),
            what="the caller sent to the agent's phone",
        )
        self.service.agent_ringing(call.channel, agent_leg)
        await self.service.agent_answered(call.channel, agent_leg)
        return call


@contextlib.asynccontextmanager
async def open_desk(
    *agents: str, paused: tuple[str, ...] = (), record_calls: bool = False
) -> AsyncIterator[Desk]:
    """A desk whose ``agents`` (ids) are signed in and available for queue ``sales`` (``paused``
    ones signed in on a break); offers are delivered by the service's own task, as in the engine."""
    clock, pbx = FakeClock(), FakePbx()
    listeners: list[CallService] = []

    def on_acd_event(event: AcdEvent) -> None:
        for service in listeners:
            service.on_acd_event(event)

    router = Router(MemoryStore(), clock, listener=on_acd_event)
    for queue in ("sales", "support", "general", DialplanSettings().outbound_queue):
        await router.add_queue(QueueConfig(queue))
    published: list[object] = []
    written: list[EndedCall] = []

    async def write(ended: EndedCall) -> None:
        written.append(ended)

    service = CallService(router, pbx, clock.now, write, publish=published.append, record_calls=record_calls)
    listeners.append(service)
    agent_calls = AgentCalls(service, DialplanSettings(), "US")
    desk = Desk(clock, pbx, router, service, agent_calls, published, written)
    for agent_id in agents:
        await router.login(Agent(agent_id, {"sales": 3}))
    for agent_id in paused:
        await router.login(Agent(agent_id, {"sales": 3}), paused_reason="break")
    delivering = asyncio.create_task(service.deliver_offers())
    try:
        yield desk
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
