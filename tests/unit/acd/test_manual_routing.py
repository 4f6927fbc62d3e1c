"""A supervisor's hand on waiting items: give one to a named agent (who has it alone for a while,
skills waived, then anyone again), move one to another queue (where it ranks by its own arrival),
cancel one; an item being offered or worked on stays where it is."""

from __future__ import annotations

import pytest

from acd.errors import IllegalItemState, UnknownAgent, UnknownQueue
from acd.events import ItemMoved, ItemReserved, OfferMade
from acd.model import QueueConfig, SkillRequirement
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, agent, item


async def test_given_a_waiting_call_when_given_to_a_named_agent_then_only_they_get_it_until_the_reserve_ends(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("bob", support=3))  # no sales skill: a person chose him
    await router.pause("bob", "break")
    await router.enqueue(item("first", clock.now()))
    await router.enqueue(item("call", clock.now()))
    assert await router.reserve_for("call", "bob", 30) is None  # paused: it waits for him
    assert recorder.of_type(ItemReserved) == [ItemReserved("call", "sales", "bob", clock.now())]
    await router.login(agent("ann"))  # a sales agent: takes "first", not the reserved call
    assert [e.offer.item.item_id for e in recorder.of_type(OfferMade)] == ["first"]
    offers = await router.set_available("bob")
    assert [(o.item.item_id, o.agent_id) for o in offers] == [("call", "bob")]


async def test_given_a_reserve_that_ends_then_the_queue_takes_the_call_back(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("bob", support=3))
    await router.pause("bob", "break")
    await router.enqueue(item("call", clock.now()))
    await router.reserve_for("call", "bob", 30)
    await router.login(agent("ann"))
    assert recorder.of_type(OfferMade) == []
    clock.advance(31)
    await router.tick()
    assert [(e.offer.item.item_id, e.offer.agent_id) for e in recorder.of_type(OfferMade)] == [
        ("call", "ann")
    ]


async def test_given_a_waiting_call_when_moved_to_another_queue_then_it_ranks_there_by_its_arrival(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.add_queue(QueueConfig("support", skills=(SkillRequirement("support", 1),)))
    arrived = clock.now()
    await router.enqueue(item("old", arrived))
    clock.advance(60)
    await router.enqueue(item("newer", clock.now(), queue="support"))
    assert await router.move("old", "support") is None
    assert recorder.of_type(ItemMoved) == [ItemMoved("old", "sales", "support", arrived, clock.now())]
    assert await router.position("old") == 1  # it waited longer than the support caller
    assert await router.position("newer") == 2
    queues = {q.queue: q.waiting for q in (await router.snapshot()).queues}
    assert queues == {"sales": 0, "support": 2}
    offers = await router.login(agent("sue", support=2))
    assert [o.item.item_id for o in offers] == ["old"]


async def test_given_bad_targets_or_an_offered_item_then_nothing_moves(
    router: Router, clock: FakeClock
) -> None:
    await router.enqueue(item("call", clock.now()))
    with pytest.raises(UnknownAgent):
        await router.reserve_for("call", "nobody", 30)
    with pytest.raises(UnknownQueue):
        await router.move("call", "nowhere")
    assert await router.position("call") == 1
    await router.login(agent("ann"))  # offered now
    with pytest.raises(IllegalItemState):
        await router.move("call", "sales")
    with pytest.raises(IllegalItemState):
        await router.reserve_for("call", "ann", 30)
