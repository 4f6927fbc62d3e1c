"""Live statistics from events, estimated wait, Erlang C."""

from __future__ import annotations

import math

import pytest

from acd.errors import DuplicateItem
from acd.estimate import erlang_c, erlang_c_asa, erlang_c_service_level, estimated_wait
from acd.events import AgentStateChanged, ItemAbandoned, ItemCompleted, ItemQueued, OfferAccepted
from acd.model import AgentState, Channel, QueueConfig
from acd.router import Router
from acd.stats import StatsBook
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import agent, item


def test_queue_statistics_from_events() -> None:
    book = StatsBook()
    book.configure_queue("q", 20)
    for n, at in enumerate((0.0, 0.0, 0.0, 0.0)):
        book.apply(ItemQueued(f"i{n}", "q", Channel.VOICE, at, at))
    book.apply(OfferAccepted("o0", "i0", "a", "q", 10.0, 10.0))
    book.apply(OfferAccepted("o1", "i1", "a", "q", 30.0, 30.0))
    book.apply(ItemAbandoned("i2", "q", 40.0, 40.0))
    book.apply(ItemCompleted("i0", "a", "q", 100.0, 110.0))
    s = book.queue_stats("q", now=50.0)
    assert (s.entered, s.answered, s.abandoned, s.waiting, s.longest_wait) == (4, 2, 1, 1, 50.0)
    assert s.service_level == pytest.approx(1 / 3)
    assert s.abandon_rate == pytest.approx(1 / 3)
    assert (s.asa, s.aht, s.recent_aht) == (20.0, 100.0, 100.0)


def test_agent_occupancy_counts_working_time_over_staffed_time() -> None:
    book = StatsBook()
    book.apply(AgentStateChanged("a", AgentState.LOGGED_OUT, AgentState.AVAILABLE, None, 0.0))
    book.apply(AgentStateChanged("a", AgentState.AVAILABLE, AgentState.BUSY, None, 30.0))
    book.apply(AgentStateChanged("a", AgentState.BUSY, AgentState.PAUSED, "lunch", 90.0))
    s = book.agent_stats("a", now=200.0)
    assert s is not None
    assert s.occupancy == pytest.approx(60 / 90)
    assert (s.state, s.in_state_seconds) == (AgentState.PAUSED, 110.0)


def test_estimated_wait_uses_position_free_slots_and_aht() -> None:
    assert estimated_wait(position=1, free_slots=1, staffed_slots=4, aht=120) == 0.0
    assert estimated_wait(position=3, free_slots=0, staffed_slots=4, aht=120) == 90.0
    assert estimated_wait(position=1, free_slots=0, staffed_slots=0, aht=120) == math.inf


def test_erlang_c_known_values() -> None:
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(10, 8.0) == pytest.approx(0.409, abs=1e-3)
    assert erlang_c_asa(1, 0.5, 60) == pytest.approx(60.0)
    assert erlang_c_service_level(1, 0.5, 60, 0) == pytest.approx(0.5)
    assert erlang_c(3, 3.0) == 1.0


async def test_router_estimated_wait_and_snapshot(clock: FakeClock, router: Router) -> None:
    await router.add_queue(QueueConfig("sales", default_aht_seconds=200))
    await router.login(agent("a1"))
    await router.login(agent("a2"))
    for n in range(4):
        await router.enqueue(item(f"i{n}", clock.now()))
    assert await router.position("i3") == 2
    assert await router.estimated_wait("i3") == 200.0  # 2 ahead-of-slot places × 200 s / 2 agents
    assert await router.estimated_wait("i0") == 0.0
    snap = await router.snapshot()
    assert snap.queues[0].waiting == 2
    assert snap.agents_by_state[AgentState.RESERVED] == ("a1", "a2")
    assert {a.agent_id for a in snap.agents} == {"a1", "a2"}


async def test_router_statistics_follow_its_own_events(clock: FakeClock, router: Router) -> None:
    await router.login(agent("a1"))
    fast = await router.enqueue(item("fast", clock.now()))
    assert fast is not None
    await router.enqueue(item("slow", clock.now()))
    clock.advance(5)
    await router.accept(fast.offer_id)
    clock.advance(115)
    nxt = await router.complete("fast")  # handled 115 s; "slow" waited 120 s
    await router.accept(nxt[0].offer_id)
    clock.advance(60)
    await router.complete("slow")
    await router.enqueue(item("waiting", clock.now()))
    s = (await router.snapshot()).queues[0]
    assert (s.answered, s.service_level, s.asa, s.aht, s.recent_aht) == (2, 0.5, 62.5, 87.5, 87.5)
    clock.advance(10)
    occupancy = (await router.snapshot()).agents[0].occupancy
    assert occupancy == pytest.approx(180 / 180)  # reserved/busy the whole time until now (offered again)


async def test_estimated_wait_uses_recent_handle_times(clock: FakeClock, router: Router) -> None:
    await router.login(agent("a1"))
    first = await router.enqueue(item("i0", clock.now()))
    assert first is not None
    await router.accept(first.offer_id)
    clock.advance(60)
    await router.enqueue(item("i1", clock.now()))
    await router.enqueue(item("i2", clock.now()))
    await router.complete("i0")  # AHT 60 s; a1 now rings for i1
    assert await router.position("i2") == 1
    assert await router.estimated_wait("i2") == 60.0


async def test_duplicate_item_ids_are_refused(clock: FakeClock, router: Router) -> None:
    await router.enqueue(item("i1", clock.now()))
    with pytest.raises(DuplicateItem) as err:
        await router.enqueue(item("i1", clock.now()))
    assert err.value.code == "acd.duplicate_item"
