"""One engine process's call handling without sockets, on a real CRM database: the real router and
call service, the recording PBX fake, the CRM interaction writer, the live-call journal and recovery.
Two offices on one database are two engine processes, one after the other."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select

from acd.events import AcdEvent
from acd.memory_store import MemoryStore
from acd.model import Agent, QueueConfig
from acd.router import Router
from acd.store import AcdStore
from callcenter.calls.interactions import CrmInteractionWriter
from callcenter.calls.live_journal import LiveCallJournal
from callcenter.calls.live_recovery import LiveCallRecovery
from callcenter.calls.registry import LiveCall
from callcenter.calls.service import CallService
from crm_core.live_calls import SavedLiveCall, load_live_calls
from crm_core.models import Interaction
from tests.crm_conftest_helpers import Db
from tests.fakes.acd_clock import FakeClock
from tests.fakes.pbx import ConnectToAgent, FakePbx
from tests.waiting import wait_until


@dataclass
class Office:
    db: Db
    clock: FakeClock
    pbx: FakePbx
    router: Router
    service: CallService
    journal: LiveCallJournal
    recovery: LiveCallRecovery
    published: list[object]

    def arrives(self, uniqueid: str, channel: str, number: str = "+14155550100") -> LiveCall:
        return self.service.calls.add(LiveCall(uniqueid, channel, number, "Wei", "5551234", self.clock.now()))

    async def talking(self, uniqueid: str, channel: str, agent_leg: str) -> LiveCall:
        call = self.arrives(uniqueid, channel)
        await self.service.enqueue(call, "sales")
        await wait_until(
            lambda: any(a.caller_channel == channel for a in self.pbx.of_type(ConnectToAgent)),
            what="the caller sent to the agent's phone",
        )
        self.service.agent_ringing(channel, agent_leg)
        await self.service.agent_answered(channel, agent_leg)
        return call

    async def hang_up(self, *channels: str, settle_after_s: float = 5.0) -> None:
        """These callers hang up (told as the tracker tells them: the service, then the recovery);
        ``settle_after_s`` later, the recovery's pass over the waiting callers who hung up."""
        for channel in channels:
            await self.service.channel_hung_up(channel)
            self.recovery.hung_up(channel)
        self.clock.advance(settle_after_s)
        await self.recovery.tick()

    def outcomes(self) -> list[tuple[str, str | None, str | None]]:
        """(reference, outcome, agent) of each interaction written, by reference."""
        return [(i.external_ref, i.outcome, i.agent_id) for i in self.interactions()]

    def rows(self) -> dict[str, SavedLiveCall]:
        with self.db.sessions() as session:
            return {row.uniqueid: row for row in load_live_calls(session)}

    def interactions(self, prefix: str = "") -> list[Interaction]:
        with self.db.sessions() as session:
            query = select(Interaction).where(Interaction.external_ref.like(f"{prefix}%"))
            return list(session.scalars(query.order_by(Interaction.external_ref)))


@contextlib.asynccontextmanager
async def open_office(
    db: Db, engine: str, *agents: str, start: float = 1_795_382_000.0, store: AcdStore | None = None
) -> AsyncIterator[Office]:
    """``agents`` are signed in and available for ``sales``; the journal writes every 0.05 s.
    ``store``: an ACD store shared with an earlier office (as Redis outlives an engine), else its own."""
    clock, pbx = FakeClock(start), FakePbx()
    services: list[CallService] = []

    def on_acd_event(event: AcdEvent) -> None:
        for service in services:
            service.on_acd_event(event)

    router = Router(store or MemoryStore(), clock, listener=on_acd_event)
    await router.add_queue(QueueConfig("sales"))
    published: list[object] = []
    service = CallService(
        router, pbx, clock.now, CrmInteractionWriter(db.sessions, "US"), publish=published.append
    )
    services.append(service)
    journal = LiveCallJournal(db.sessions, service.calls.live, clock.now, engine, flush_s=0.05)
    recovery = LiveCallRecovery(service, journal, db.sessions, "US", settle_s=2.0)
    for agent_id in agents:
        await router.login(Agent(agent_id, {"sales": 3}))
    delivering = asyncio.create_task(service.deliver_offers())
    journal.start()
    try:
        yield Office(db, clock, pbx, router, service, journal, recovery, published)
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
