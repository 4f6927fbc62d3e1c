"""After a restart on a store that outlived the engine: work whose customer is gone leaves the store
as if the engine had seen it go (counted once), and agents' records are made to match the work the
store still holds (one left holding nothing is paused with the reason given)."""

from __future__ import annotations

from dataclasses import replace

from acd.events import ItemAbandoned, ItemCompleted, OfferMade, OfferReleased
from acd.memory_store import MemoryStore
from acd.model import AgentState, Channel
from acd.records import ItemStatus
from acd.router import Router
from acd.store import Txn
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, agent, item


async def _vanish(store: MemoryStore, item_id: str) -> None:
    """The item is gone from the store without its agent's record knowing (another engine's end)."""
    rec = await store.get_item(item_id)
    assert rec is not None
    assert await store.commit(Txn(items=[(rec, None)]))


async def test_dropped_items_are_abandoned_or_completed_once(
    router: Router, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("a1"))
    await router.login(agent("a2"))
    await router.enqueue(item("on-call", clock.now()))
    await router.accept(_offer_of(recorder, "on-call"))
    await router.enqueue(item("ringing", clock.now()))
    await router.enqueue(item("waiting", clock.now()))
    clock.advance(30)

    holders = await router.drop_items(["on-call", "ringing", "waiting", "never-seen"])

    assert holders == {"a1", "a2"}
    assert [e.item_id for e in recorder.of_type(ItemAbandoned)] == ["ringing", "waiting"]
    assert [e.item_id for e in recorder.of_type(ItemCompleted)] == ["on-call"]
    assert await router.items() == []
    sales = router.stats.queue_stats("sales", clock.now())
    assert (sales.entered, sales.answered, sales.abandoned, sales.waiting) == (3, 1, 2, 0)
    assert await router.drop_items(["ringing"]) == set()  # gone already: nothing counted twice
    assert len(recorder.of_type(ItemAbandoned)) == 2


def _offer_of(recorder: EventRecorder, item_id: str) -> str:
    return next(e.offer.offer_id for e in recorder.of_type(OfferMade) if e.offer.item.item_id == item_id)


async def test_agents_holding_work_the_store_no_longer_has_are_settled(
    router: Router, store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("busy"))  # on a call that vanishes
    await router.enqueue(item("c1", clock.now()))
    await router.accept(_offer_of(recorder, "c1"))
    await router.login(agent("ringing"))  # ringing for a call that is still there
    await router.enqueue(item("c2", clock.now()))
    await router.login(agent("chats"))  # two chats, one vanishes
    for n in (1, 2):
        await router.enqueue(item(f"chat{n}", clock.now(), channel=Channel.CHAT))
        await router.accept(_offer_of(recorder, f"chat{n}"))
    await _vanish(store, "c1")
    await _vanish(store, "chat2")
    clock.advance(5)

    changed = await router.settle_agents("interrupted")

    assert sorted(changed) == ["busy", "chats"]
    busy, ringing, chats = [await router.agent(a) for a in ("busy", "ringing", "chats")]
    assert busy is not None and ringing is not None and chats is not None  # noqa: PT018
    assert (busy.state, busy.pause_reason, busy.total_load) == (AgentState.PAUSED, "interrupted", 0)
    assert ringing.state == AgentState.RESERVED
    assert (chats.state, dict(chats.load)) == (AgentState.BUSY, {Channel.CHAT: 1})
    assert await router.settle_agents("interrupted") == []  # coherent now
    await router.set_available("busy")  # the agent goes on when ready
    c2 = await router.item("c2")
    assert c2 is not None
    assert c2.status == ItemStatus.OFFERED


async def test_an_offer_no_agent_holds_goes_back_to_waiting(
    router: Router, store: MemoryStore, clock: FakeClock, recorder: EventRecorder
) -> None:
    await router.login(agent("a1"))
    await router.enqueue(item("c1", clock.now()))
    a1 = await store.get_agent("a1")
    assert a1 is not None
    # a1's record was reset by an engine that stopped before it released the item
    assert await store.commit(
        Txn(
            agents=[
                (a1, replace(a1, state=AgentState.PAUSED, load={}, offer_id=None, version=a1.version + 1))
            ]
        )
    )

    await router.settle_agents("interrupted")

    c1 = await router.item("c1")
    assert c1 is not None
    assert c1.status == ItemStatus.WAITING
    assert [e.reason for e in recorder.of_type(OfferReleased)] == ["withdrawn"]
    assert [w.item_id for w in router.stats.channels.waiting_items()] == ["c1"]
