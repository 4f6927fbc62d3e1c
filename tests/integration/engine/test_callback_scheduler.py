"""The callback scheduler with time driven by hand: the real router (in-memory store) and a real SQLite
CRM; due rows become callback items for the customer, at their time and not before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from acd.errors import UnknownItem
from acd.events import AcdEvent, OfferMade
from acd.memory_store import MemoryStore
from acd.model import Agent, Channel, QueueConfig, SkillRequirement, ValueTier
from acd.router import Router
from callcenter.calls.callbacks import CallbackScheduler
from callcenter.calls.customers import CallerInfo
from crm_core.callbacks import CallbackBook, CallbackRequest, CallbackSummary
from crm_core.db import make_engine, make_session_factory, migrate
from tests.crm_conftest_helpers import FakeClock


async def vip_lookup(number: str) -> CallerInfo:
    return CallerInfo("42" if number == "+14155550100" else None, ValueTier.VIP, None)


@dataclass
class Parts:
    clock: FakeClock
    router: Router
    events: list[AcdEvent]
    sessions: sessionmaker[Session]
    book: CallbackBook

    def scheduler(self, router: Router | None = None) -> CallbackScheduler:
        return CallbackScheduler(
            router or self.router, self.sessions, self.book, vip_lookup, self.clock, fallback_queue="general"
        )

    def schedule(self, minutes: float, queue: str = "sales") -> int:
        due = self.clock.datetime + timedelta(minutes=minutes)
        request = CallbackRequest("4155550100", due, queue, requested_by="1001", preferred_agent="1001")
        with self.sessions.begin() as session:
            return self.book.schedule(session, request).id

    def row(self, callback_id: int) -> CallbackSummary:
        with self.sessions() as session:
            return self.book.get(session, callback_id)

    def offers(self) -> list[OfferMade]:
        return [e for e in self.events if isinstance(e, OfferMade)]


async def new_router(clock: FakeClock, events: list[AcdEvent]) -> Router:
    router = Router(MemoryStore(), clock, listener=events.append)
    await router.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 2),)))
    await router.add_queue(QueueConfig("general"))
    return router


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[Parts]:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    clock = FakeClock()
    events: list[AcdEvent] = []
    try:
        router = await new_router(clock, events)
        yield Parts(clock, router, events, make_session_factory(engine), CallbackBook(clock, "US"))
    finally:
        engine.dispose()


async def test_given_a_callback_in_ten_minutes_when_time_reaches_it_then_a_callback_item_for_the_customer(
    parts: Parts,
) -> None:
    scheduler = parts.scheduler()
    callback_id = parts.schedule(minutes=10)
    await parts.router.login(Agent("1001", {"sales": 3}))
    parts.clock.advance(minutes=9, seconds=59)
    assert await scheduler.run_due() == 0
    assert parts.row(callback_id).status == "pending"
    assert parts.offers() == []

    parts.clock.advance(seconds=1)
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0  # claimed once
    row = parts.row(callback_id)
    assert (row.status, row.item_id) == ("queued", f"cb-{callback_id}-1")
    (offer,) = parts.offers()
    item = offer.offer.item
    assert (item.item_id, item.channel, item.queue) == (row.item_id, Channel.CALLBACK, "sales")
    assert (item.callback_number, item.previous_agent_id) == ("+14155550100", "1001")
    assert (item.customer.customer_id, item.customer.tier) == ("42", ValueTier.VIP)
    assert scheduler.ticket(item).callback_id == callback_id

    await scheduler.attempt_over(scheduler.ticket(item), answered=False)
    again = parts.row(callback_id)
    assert (again.status, again.attempts) == ("pending", 1)
    assert again.due_at == parts.clock.datetime + timedelta(minutes=10)
    parts.clock.advance(minutes=10)
    assert await scheduler.run_due() == 1
    assert parts.row(callback_id).item_id == f"cb-{callback_id}-2"  # a new item per attempt


async def test_given_queued_callbacks_when_a_new_engine_starts_then_they_are_back_in_the_acd(
    parts: Parts,
) -> None:
    callback_id = parts.schedule(minutes=1)
    parts.clock.advance(minutes=1)
    assert await parts.scheduler().run_due() == 1
    # A restart: the in-memory ACD is new and empty, the row says "queued".
    events: list[AcdEvent] = []
    router = await new_router(parts.clock, events)
    restarted = parts.scheduler(router)
    assert await restarted.requeue_open() == 1
    assert await restarted.requeue_open() == 1  # already there: nothing doubled
    assert await router.position(f"cb-{callback_id}-1") == 1
    await router.login(Agent("1003", {"sales": 2}))
    (offer,) = [e for e in events if isinstance(e, OfferMade)]
    assert offer.offer.item.callback_number == "+14155550100"


async def test_given_a_customer_being_dialed_when_the_engine_restarts_then_not_dialed_again_at_once(
    parts: Parts,
) -> None:
    callback_id = parts.schedule(minutes=1)
    parts.clock.advance(minutes=1)
    scheduler = parts.scheduler()
    assert await scheduler.run_due() == 1
    await parts.router.login(Agent("1001", {"sales": 3}))
    (offer,) = parts.offers()
    await scheduler.attempt_started(scheduler.ticket(offer.offer.item))  # the agent answered
    assert parts.row(callback_id).last_outcome == "in_progress"
    # The engine stops before the outcome is known; a new one starts.
    router = await new_router(parts.clock, [])
    assert await parts.scheduler(router).requeue_open() == 0
    row = parts.row(callback_id)
    assert (row.status, row.attempts, row.last_outcome) == ("pending", 1, "interrupted")
    assert row.due_at == parts.clock.datetime + timedelta(minutes=10)
    with pytest.raises(UnknownItem):
        await router.position(f"cb-{callback_id}-1")


async def test_given_a_callback_promised_by_a_logged_in_agent_then_it_waits_for_them_first(
    parts: Parts,
) -> None:
    await parts.router.login(Agent("1001", {"sales": 3}))
    await parts.router.pause("1001", "lunch")
    await parts.router.login(Agent("1003", {"sales": 3}))
    callback_id = parts.schedule(minutes=1)
    parts.clock.advance(minutes=1)
    scheduler = parts.scheduler()
    assert await scheduler.run_due() == 1
    assert parts.offers() == []  # not to 1003
    await parts.router.set_available("1001")
    (offer,) = parts.offers()
    assert (offer.offer.agent_id, offer.offer.item.item_id) == ("1001", f"cb-{callback_id}-1")


async def test_given_a_callback_for_a_queue_that_is_gone_then_the_fallback_queue_takes_it(
    parts: Parts,
) -> None:
    callback_id = parts.schedule(minutes=1, queue="retired")
    parts.clock.advance(minutes=2)
    scheduler = parts.scheduler()
    assert await scheduler.run_due() == 1
    assert parts.row(callback_id).status == "queued"
    assert await parts.router.position(f"cb-{callback_id}-1") == 1
    assert scheduler.queued[f"cb-{callback_id}-1"].queue == "general"
