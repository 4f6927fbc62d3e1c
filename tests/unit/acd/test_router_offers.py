"""Offers: accept, decline, no answer, auto-pause, abandon, complete, wrap-up, errors."""

from __future__ import annotations

import pytest

from acd.errors import IllegalItemState, IllegalTransition, OfferNotPending, UnknownAgent, UnknownItem
from acd.events import (
    AgentAutoPaused,
    AgentStateChanged,
    ItemCancelled,
    OfferAccepted,
    OfferMade,
    OfferReleased,
)
from acd.memory_store import MemoryStore
from acd.model import AgentState, QueueConfig
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, agent, item


async def test_decline_requeues_at_original_place_ahead_of_later_items(
    router: Router, clock: FakeClock
) -> None:
    await router.login(agent("a1"))
    first = await router.enqueue(item("first", clock.now()))
    assert first is not None
    clock.advance(5)
    await router.enqueue(item("second", clock.now()))
    again = await router.decline(first.offer_id)
    assert await router.decline(again[0].offer_id) == []  # second miss (K=2): a1 is auto-paused
    assert await router.position("first") == 1
    assert await router.position("second") == 2
    with pytest.raises(OfferNotPending):
        await router.decline(first.offer_id)


async def test_decline_requeues_at_original_place_and_the_freed_agent_takes_the_best_item(
    router: Router, clock: FakeClock
) -> None:
    await router.login(agent("a1"))
    first = await router.enqueue(item("first", clock.now()))
    assert first is not None
    clock.advance(5)
    await router.enqueue(item("second", clock.now()))
    assert await router.position("second") == 1
    # nobody else can take "first": it keeps its place, so the freed a1 is offered it again
    again = await router.decline(first.offer_id)
    assert [(o.item.item_id, o.offer_id, o.decision.trigger) for o in again] == [
        ("first", "first~2", "agent_freed")
    ]
    assert await router.position("second") == 1


async def test_decline_offers_the_item_to_another_agent_at_once(router: Router, clock: FakeClock) -> None:
    await router.login(agent("a1"))
    clock.advance(1)
    await router.login(agent("a2"))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    assert offer.agent_id == "a1"
    again = await router.decline(offer.offer_id)
    assert [(o.agent_id, o.decision.trigger) for o in again] == [("a2", "requeued")]


async def test_no_answer_times_out_on_tick_and_k_misses_auto_pause(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("a1"))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    assert offer.expires_at == clock.now() + 20
    clock.advance(19)
    assert await router.tick() == []
    clock.advance(1)
    await router.tick()
    released = recorder.of_type(OfferReleased)
    assert [(e.reason, e.requeued) for e in released] == [("timed_out", True)]
    # the freed agent is offered the item again at once, misses again: auto-pause (K=2)
    again = [e.offer for e in recorder.of_type(OfferMade)][1:]
    assert len(again) == 1
    await router.offer_timed_out(again[0].offer_id)
    assert recorder.of_type(AgentAutoPaused) == [AgentAutoPaused("a1", 2, clock.now())]
    snap = await router.snapshot()
    assert snap.agents_by_state[AgentState.PAUSED] == ("a1",)
    assert await router.position("i1") == 1
    assert [o.item.item_id for o in await router.set_available("a1")] == ["i1"]


async def test_accepted_offer_cannot_be_declined_or_timed_out(router: Router, clock: FakeClock) -> None:
    await router.login(agent("a1"))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    await router.accept(offer.offer_id)
    with pytest.raises(OfferNotPending) as err:
        await router.decline(offer.offer_id)
    assert err.value.code == "acd.offer_not_pending"
    with pytest.raises(OfferNotPending):
        await router.accept(offer.offer_id)
    clock.advance(60)
    assert await router.tick() == []  # the timeout timer was removed


async def test_abandon_while_waiting_and_while_ringing(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.enqueue(item("waiting", clock.now()))
    clock.advance(12)
    await router.abandon("waiting")
    with pytest.raises(UnknownItem):
        await router.position("waiting")
    await router.login(agent("a1"))
    ringing = await router.enqueue(item("ringing", clock.now()))
    assert ringing is not None
    await router.abandon("ringing")
    snap = await router.snapshot()
    assert snap.agents_by_state[AgentState.AVAILABLE] == ("a1",)
    q = snap.queues[0]
    assert (q.abandoned, q.abandon_rate, q.waiting) == (2, 1.0, 0)


async def test_a_cancelled_waiting_item_leaves_the_queue_without_counting_as_abandoned(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.enqueue(item("callback", clock.now()))
    await router.enqueue(item("after", clock.now()))
    clock.advance(3)
    await router.cancel("callback")
    assert recorder.of_type(ItemCancelled) == [ItemCancelled("callback", "sales", clock.now())]
    assert await router.position("after") == 1
    q = (await router.snapshot()).queues[0]
    assert (q.waiting, q.abandoned) == (1, 0)
    await router.login(agent("a1"))  # "after" is offered: an item being worked on stays
    with pytest.raises(IllegalItemState):
        await router.cancel("after")
    with pytest.raises(UnknownItem):
        await router.cancel("callback")


async def test_complete_starts_timed_wrap_up_that_tick_ends(store: MemoryStore, clock: FakeClock) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", wrap_up_seconds=30))
    await r.login(agent("a1"))
    offer = await r.enqueue(item("i1", clock.now()))
    assert offer is not None
    await r.accept(offer.offer_id)
    await r.enqueue(item("i2", clock.now()))
    clock.advance(100)
    assert await r.complete("i1") == []
    assert (await r.snapshot()).agents_by_state[AgentState.WRAP_UP] == ("a1",)
    clock.advance(29)
    assert await r.tick() == []
    clock.advance(1)
    offers = [e.offer for e in await r.tick() if isinstance(e, OfferMade)]
    assert [o.item.item_id for o in offers] == ["i2"]


async def test_wrap_up_done_early_frees_the_agent(store: MemoryStore, clock: FakeClock) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", wrap_up_seconds=30))
    await r.login(agent("a1"))
    offer = await r.enqueue(item("i1", clock.now()))
    assert offer is not None
    await r.accept(offer.offer_id)
    await r.complete("i1")
    await r.enqueue(item("i2", clock.now()))
    nxt = await r.wrap_up_done("a1")
    assert [o.item.item_id for o in nxt] == ["i2"]
    await r.accept(nxt[0].offer_id)
    clock.advance(60)
    assert await r.tick() == []  # stale wrap-up timer ignored


async def test_item_and_agent_errors_are_typed(router: Router, clock: FakeClock) -> None:
    await router.enqueue(item("i1", clock.now()))
    with pytest.raises(IllegalItemState) as err:
        await router.complete("i1")
    assert err.value.params == {"item_id": "i1", "action": "complete", "status": "waiting"}
    with pytest.raises(UnknownItem):
        await router.complete("nope")
    with pytest.raises(UnknownAgent):
        await router.pause("ghost", "lunch")
    await router.login(agent("a1"))
    with pytest.raises(IllegalTransition):
        await router.pause("a1", "lunch")  # the offer for i1 is ringing


async def test_paused_agent_gets_nothing_until_available(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("a1"), paused_reason="briefing")
    assert await router.enqueue(item("i1", clock.now())) is None
    offers = await router.set_available("a1")
    assert [o.item.item_id for o in offers] == ["i1"]
    await router.accept(offers[0].offer_id)
    assert recorder.of_type(OfferAccepted)[0].waited == 0.0
    await router.complete("i1")
    await router.logout("a1")
    assert await router.enqueue(item("i2", clock.now())) is None


async def test_withdrawn_offer_keeps_the_place_counts_no_miss_and_waits_for_dispatch(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("a1"))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    await router.enqueue(item("i2", clock.now() + 1))
    for _ in range(3):  # more than max_missed_offers (2): withdrawals never pause the agent
        await router.withdraw(offer.offer_id)
        assert await router.position("i1") == 1
        offer = (await router.dispatch())[0]
        assert offer.item.item_id == "i1"
    assert recorder.of_type(AgentAutoPaused) == []
    assert [e.reason for e in recorder.of_type(OfferReleased)] == ["withdrawn"] * 3


async def test_given_a_paused_agent_when_paused_again_with_another_reason_then_the_change_is_published(
    router: Router, recorder: EventRecorder
) -> None:
    """The new reason is told (the desktop shows it, the engine stores it) though the state stays."""
    await router.login(agent("a1"), paused_reason="break")
    await router.pause("a1", "lunch")
    await router.pause("a1", "lunch")  # the same again: nothing new to tell
    changes = recorder.of_type(AgentStateChanged)
    assert [(c.old, c.new, c.reason) for c in changes] == [
        (AgentState.LOGGED_OUT, AgentState.PAUSED, "break"),
        (AgentState.PAUSED, AgentState.PAUSED, "lunch"),
    ]
    assert (await router.snapshot()).pause_reasons == {"a1": "lunch"}
