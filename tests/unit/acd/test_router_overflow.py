"""Overflow steps, maximum wait → fallback, queue callback keeping the place."""

from __future__ import annotations

import pytest

from acd.errors import IllegalItemState, InvalidConfig
from acd.events import FallbackRequired, ItemConvertedToCallback, OfferMade, OverflowApplied
from acd.memory_store import MemoryStore
from acd.model import Agent, Channel, Fallback, FallbackAction, OverflowStep, QueueConfig, SkillRequirement
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, agent, item
from tests.fakes.acd_stores import ContendedStore

BILLING = (SkillRequirement("billing", 4),)


async def overflow_router(store: MemoryStore, clock: FakeClock, recorder: EventRecorder) -> Router:
    r = Router(store, clock, listener=recorder)
    await r.add_queue(QueueConfig("general", skills=(SkillRequirement("general", 1),)))
    await r.add_queue(
        QueueConfig(
            "billing",
            skills=BILLING,
            overflow=(
                OverflowStep(30, lower_levels_by=2),
                OverflowStep(60, also_accept=((SkillRequirement("sales", 3),),)),
                OverflowStep(90, to_queue="general"),
            ),
            max_wait_seconds=120,
            fallback=Fallback(FallbackAction.VOICEMAIL, "vm-billing"),
        )
    )
    return r


async def test_requirements_relax_step_by_step(
    store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    r = await overflow_router(store, clock, recorder)
    await r.login(Agent("junior", {"billing": 2}))
    await r.login(Agent("seller", {"sales": 3}))
    await r.login(Agent("generalist", {"general": 1}))
    for n in range(3):
        assert await r.enqueue(item(f"i{n}", clock.now(), queue="billing")) is None
    clock.advance(30)
    offers = [e.offer for e in await r.tick() if isinstance(e, OfferMade)]
    assert [(o.item.item_id, o.agent_id) for o in offers] == [("i0", "junior")]
    assert offers[0].decision.overflow_step == 1
    assert "overflow step 1" in offers[0].decision.rules
    await r.accept(offers[0].offer_id)
    clock.advance(30)
    offers = [e.offer for e in await r.tick() if isinstance(e, OfferMade)]
    assert [(o.item.item_id, o.agent_id) for o in offers] == [("i1", "seller")]
    await r.accept(offers[0].offer_id)
    clock.advance(30)
    offers = [e.offer for e in await r.tick() if isinstance(e, OfferMade)]
    assert [(o.item.item_id, o.agent_id) for o in offers] == [("i2", "generalist")]
    assert "overflow to queue general" in offers[0].decision.rules
    assert [e.step for e in recorder.of_type(OverflowApplied) if e.item_id == "i2"] == [1, 2, 3]


async def test_after_max_wait_the_core_asks_for_the_fallback(
    store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    r = await overflow_router(store, clock, recorder)
    await r.enqueue(item("i1", clock.now(), queue="billing"))
    clock.advance(119)
    await r.tick()
    assert recorder.of_type(FallbackRequired) == []
    clock.advance(1)
    events = await r.tick()
    fb = [e for e in events if isinstance(e, FallbackRequired)]
    assert len(fb) == 1
    assert (fb[0].item.item_id, fb[0].fallback, fb[0].waited) == (
        "i1",
        Fallback(FallbackAction.VOICEMAIL, "vm-billing"),
        120,
    )
    assert (await r.snapshot()).queues[0].fallbacks == 1


async def test_offer_failing_after_max_wait_goes_to_fallback(
    store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    r = await overflow_router(store, clock, recorder)
    await r.enqueue(item("i1", clock.now(), queue="billing"))
    clock.advance(115)
    offers = await r.login(Agent("a1", {"billing": 5}))
    clock.advance(10)
    assert await r.decline(offers[0].offer_id) == []
    assert [e.item.item_id for e in recorder.of_type(FallbackRequired)] == ["i1"]


async def test_callback_keeps_the_place_and_is_offered_as_a_callback(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.enqueue(item("a", clock.now()))
    await router.enqueue(item("b", clock.now() + 1))
    await router.enqueue(item("c", clock.now() + 2))
    assert await router.convert_to_callback("b", "+4930123456") is None
    assert await router.position("b") == 2
    assert recorder.of_type(ItemConvertedToCallback)[0].number == "+4930123456"
    offers = await router.login(agent("a1"))
    got = [offers[0].item.item_id]
    while offers:
        await router.accept(offers[0].offer_id)
        offers = await router.complete(offers[0].item.item_id)
        got += [o.item.item_id for o in offers]
    assert got == ["a", "b", "c"]
    cb = next(e.offer.item for e in recorder.of_type(OfferMade) if e.offer.item.item_id == "b")
    assert (cb.channel, cb.callback_number) == (Channel.CALLBACK, "+4930123456")


async def test_only_waiting_items_can_become_callbacks(router: Router, clock: FakeClock) -> None:
    await router.login(agent("a1"))
    await router.enqueue(item("i1", clock.now()))
    with pytest.raises(IllegalItemState):
        await router.convert_to_callback("i1", "+1")


def test_queue_config_is_validated() -> None:
    with pytest.raises(InvalidConfig):
        QueueConfig("q", overflow=(OverflowStep(60), OverflowStep(30)))
    with pytest.raises(InvalidConfig):
        QueueConfig("q", max_wait_seconds=10)


async def test_overflow_to_an_unknown_queue_is_refused(router: Router) -> None:
    with pytest.raises(InvalidConfig):
        await router.add_queue(QueueConfig("x", overflow=(OverflowStep(10, to_queue="nope"),)))


async def test_a_callback_keeps_waiting_past_the_maximum_wait(
    store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    r = await overflow_router(store, clock, recorder)
    await r.enqueue(item("i1", clock.now(), queue="billing"))
    clock.advance(60)
    await r.convert_to_callback("i1", "+100")
    clock.advance(600)
    await r.tick()
    assert recorder.of_type(FallbackRequired) == []
    assert await r.position("i1") == 1


async def test_a_timer_lost_to_contention_is_applied_on_the_next_tick(clock: FakeClock) -> None:
    store = ContendedStore()
    recorder = EventRecorder()
    r = Router(store, clock, listener=recorder, retries=3)
    await r.add_queue(QueueConfig("q", max_wait_seconds=60, fallback=Fallback(FallbackAction.VOICEMAIL)))
    await r.enqueue(item("i1", clock.now(), queue="q"))
    clock.advance(60)
    store.refuse = 3
    assert await r.tick() == []
    assert len(store.refused) == 3
    fb = [e for e in await r.tick() if isinstance(e, FallbackRequired)]
    assert [e.item.item_id for e in fb] == ["i1"]


async def test_a_voicemail_or_a_fax_keeps_waiting_past_the_maximum_wait(
    store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    """Like a callback, nobody is on the line: a message left at night waits for the morning."""
    r = await overflow_router(store, clock, recorder)
    await r.enqueue(item("vm", clock.now(), queue="billing", channel=Channel.VOICEMAIL))
    await r.enqueue(item("fax", clock.now(), queue="billing", channel=Channel.FAX))
    clock.advance(8 * 3600)
    await r.tick()
    assert recorder.of_type(FallbackRequired) == []
    assert [await r.position("vm"), await r.position("fax")] == [1, 2]
