"""One contract for every ``AcdStore``: the memory store and the Redis store (real server)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from acd import agent_state
from acd.decision import CandidateScore, RouteDecision
from acd.errors import IllegalTransition, OfferNotPending, UnknownAgent, UnknownItem
from acd.events import OfferMade
from acd.model import (
    Agent,
    AgentState,
    Channel,
    Fallback,
    FallbackAction,
    OverflowStep,
    QueueConfig,
    SkillRequirement,
)
from acd.records import Bucket, ItemRecord, ItemStatus
from acd.router import Router
from acd.store import AcdStore, Txn
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, agent, item

REQ = ((SkillRequirement("sales", 2),),)


def waiting(item_id: str, seq: int, key: float, bucket: Bucket, version: int = 1) -> ItemRecord:
    return ItemRecord(item(item_id, 0.0), ItemStatus.WAITING, version, seq, key, 0, bucket)


async def test_commit_is_compare_and_set_over_all_records(any_store: AcdStore) -> None:
    a = agent_state.login(Agent("a1", {"sales": 3}), 0.0, None)
    assert await any_store.commit(Txn(agents=[(None, a)]))
    assert not await any_store.commit(Txn(agents=[(None, a)]))  # exists already
    paused = agent_state.pause(a, "lunch", 1.0)
    bucket = Bucket.make("sales", Channel.VOICE, REQ, None)
    new_item = waiting("i1", 1, 0.0, bucket)
    stale = Txn(agents=[(a, paused), (a, paused)], items=[(None, new_item)])
    assert not await any_store.commit(Txn(agents=[(paused, paused)], items=[(None, new_item)]))
    assert await any_store.get_item("i1") is None  # nothing of a refused commit is applied
    assert await any_store.commit(Txn(agents=[(a, paused)]))
    assert not await any_store.commit(stale)
    got = await any_store.get_agent("a1")
    assert got == paused


async def test_offerable_index_follows_state_skills_and_capacity(any_store: AcdStore) -> None:
    a = agent_state.login(Agent("a1", {"sales": 3, "billing": 1}), 0.0, None)
    b = agent_state.login(Agent("b1", {"sales": 1}), 0.0, None)
    assert await any_store.commit(Txn(agents=[(None, a), (None, b)]))
    found = await any_store.offerable_agents(Channel.VOICE, [frozenset({"sales", "billing"})])
    assert [x.agent_id for x in found] == ["a1"]
    found = await any_store.offerable_agents(Channel.CHAT, [frozenset({"sales"}), frozenset()])
    assert sorted(x.agent_id for x in found) == ["a1", "b1"]
    on_call = agent_state.offer(a, Channel.VOICE, "o1", 1.0)
    assert await any_store.commit(Txn(agents=[(a, on_call)]))
    assert [x.agent_id for x in await any_store.offerable_agents(Channel.CHAT, [frozenset({"sales"})])] == [
        "b1"
    ]
    assert await any_store.offerable_agent_ids() == {"b1"}


async def test_buckets_heads_and_ranks_keep_key_then_sequence_order(any_store: AcdStore) -> None:
    bucket = Bucket.make("sales", Channel.VOICE, REQ, None)
    other = Bucket.make("sales", Channel.CHAT, REQ, None)
    recs = [
        waiting("late", 3, -5.0, bucket),
        waiting("first", 1, -5.0, bucket),
        waiting("low", 2, 1.5, other),
    ]
    assert await any_store.commit(Txn(items=[(None, r) for r in recs]))
    found = await any_store.heads_for([Channel.VOICE, Channel.CHAT], ["sales"], "a1")
    heads = {h.bucket: (h.record.item_id, h.key, h.seq) for h in found}
    assert heads == {bucket: ("first", -5.0, 1), other: ("low", 1.5, 2)}
    assert await any_store.heads_for([Channel.EMAIL], ["sales"], "a1") == []
    assert await any_store.heads_for([Channel.VOICE], ["billing"], "a1") == []
    assert [await any_store.queue_rank("sales", r.key, r.seq, r.item_id) for r in recs] == [1, 0, 2]
    first = recs[1]
    assert await any_store.commit(Txn(items=[(first, None)]))
    assert [h.record.item_id for h in await any_store.heads_for([Channel.VOICE], ["sales"], "x")] == ["late"]
    assert sorted(i.item_id for i in await any_store.all_items()) == ["late", "low"]


async def test_timers_pop_once_when_due(any_store: AcdStore) -> None:
    assert await any_store.commit(Txn(timers_put=[("a:1", 10.0), ("b:2", 5.0), ("c:3", 20.0), ("d:4", 1.0)]))
    assert await any_store.commit(Txn(timers_del=["d:4"]))
    assert await any_store.pop_due_timers(10.0, 100) == ["b:2", "a:1"]
    assert await any_store.pop_due_timers(10.0, 100) == []
    assert await any_store.pop_due_timers(30.0, 100) == ["c:3"]


async def test_sequence_decisions_and_last_agent(any_store: AcdStore) -> None:
    assert [await any_store.next_seq() for _ in range(3)] == [1, 2, 3]
    d = RouteDecision("i1", "a1", "i1~1", 1.0, "item_arrived", "sales", 0.0, 0.0, 0, ("skill score",),
                      (CandidateScore("a1", False, 3.0, 1.0),), 1)  # fmt: skip
    assert await any_store.commit(Txn(decisions=[d], last_agent=[("c1", "a1")]))
    assert await any_store.decisions("i1") == [d]
    assert await any_store.last_agent("c1") == "a1"
    assert await any_store.last_agent("c2") is None


async def test_router_full_flow_behaves_the_same_on_every_store(any_store: AcdStore) -> None:
    clock, rec = FakeClock(), EventRecorder()
    r = Router(any_store, clock, listener=rec)
    await r.add_queue(
        QueueConfig(
            "sales",
            skills=(SkillRequirement("sales", 3),),
            overflow=(OverflowStep(30, lower_levels_by=1),),
            max_wait_seconds=100,
            fallback=Fallback(FallbackAction.CALLBACK_OFFER),
            wrap_up_seconds=10,
        )
    )
    await r.login(agent("pro", sales=4))
    await r.login(agent("junior", sales=2))
    first = await r.enqueue(item("i1", clock.now()))
    assert first is not None
    assert first.agent_id == "pro"
    await r.enqueue(item("i2", clock.now() + 1))
    await r.enqueue(item("i3", clock.now() + 2))
    assert [await r.position(i) for i in ("i2", "i3")] == [1, 2]
    assert await r.decline(first.offer_id) != []  # pro gets i1 again at its original place
    again = [e.offer for e in rec.of_type(OfferMade)][-1]
    assert again.item.item_id == "i1"
    await r.accept(again.offer_id)
    clock.advance(31)
    events = await r.tick()
    assert [(e.offer.item.item_id, e.offer.agent_id) for e in events if isinstance(e, OfferMade)] == [
        ("i2", "junior")
    ]
    clock.advance(71)
    await r.tick()
    assert (await r.snapshot()).queues[0].fallbacks == 1  # i3 waited 100 s
    await r.complete("i1")
    assert (await r.snapshot()).agents_by_state[AgentState.WRAP_UP] == ("pro",)
    assert [d.agent_id for d in await r.explain("i1")] == ["pro", "pro"]
    try:
        await r.accept(first.offer_id)
        raise AssertionError("a released offer must not be accepted")
    except OfferNotPending:
        pass


async def test_two_routers_on_one_store_never_double_assign(any_store: AcdStore) -> None:
    clock = FakeClock()
    r1, r2 = Router(any_store, clock), Router(any_store, clock)
    await r1.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 1),)))
    await r2.reload_queues()
    await asyncio.gather(*(r.login(agent(f"a{n}")) for n, r in zip(range(6), [r1, r2] * 3, strict=True)))
    offers = await asyncio.gather(
        *(r.enqueue(item(f"i{n}", clock.now() + n)) for n, r in zip(range(20), [r1, r2] * 10, strict=True))
    )
    got = [o for o in offers if o is not None]
    assert len(got) == 6
    assert len({o.agent_id for o in got}) == 6
    done = await asyncio.gather(*(r.accept(o.offer_id) for o, r in zip(got, [r1, r2] * 3, strict=False)))
    assert done == [[]] * 6
    more = await asyncio.gather(
        *(r.complete(o.item.item_id) for o, r in zip(got, [r2, r1] * 3, strict=False))
    )
    nxt = [o for group in more for o in group]
    assert len(nxt) == 6
    assert len({o.item.item_id for o in nxt}) == 6
    items = await any_store.all_items()
    per_agent = Counter(i.agent_id for i in items if i.status != ItemStatus.WAITING)
    assert max(per_agent.values()) == 1


async def test_transfer_to_named_agent_waits_for_them_then_opens_to_the_queue(any_store: AcdStore) -> None:
    clock, rec = FakeClock(), EventRecorder()
    r = Router(any_store, clock, listener=rec)
    await r.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 1),)))
    await r.login(agent("busy", sales=2))
    await r.login(agent("idle", sales=5))
    first = await r.enqueue(item("i1", clock.now()))
    assert first is not None
    assert first.agent_id == "idle"  # the better-skilled agent is now busy
    await r.accept(first.offer_id)
    await r.login(agent("other", sales=5))
    # Reserved for "idle", who is on a call: "other" is free and better placed, yet waits.
    assert await r.enqueue_for_agent(item("t1", clock.now()), "idle", reserve_seconds=30) is None
    clock.advance(31)
    await r.tick()
    offers = [e.offer for e in rec.of_type(OfferMade) if e.offer.item.item_id == "t1"]
    assert [o.agent_id for o in offers] == ["other"]  # after the reserve: the best in the queue


async def test_transfer_to_a_named_agent_is_offered_to_them_when_free(any_store: AcdStore) -> None:
    clock = FakeClock()
    r = Router(any_store, clock)
    await r.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 1),)))
    await r.login(agent("a", sales=5))
    await r.login(agent("b", sales=1))
    offer = await r.enqueue_for_agent(item("t1", clock.now()), "b", reserve_seconds=30)
    assert offer is not None
    assert offer.agent_id == "b"
    assert "previous agent" in offer.decision.rules


async def test_transfer_to_a_logged_out_agent_is_refused_and_an_unskilled_one_is_honoured(
    any_store: AcdStore,
) -> None:
    clock = FakeClock()
    r = Router(any_store, clock)
    await r.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 3),)))
    await r.login(agent("novice", support=4))
    await r.login(agent("away", sales=5))
    await r.logout("away")
    for target in ("nobody", "away"):
        with pytest.raises(UnknownAgent):
            await r.enqueue_for_agent(item(f"t-{target}", clock.now()), target, reserve_seconds=30)
        with pytest.raises(UnknownItem):
            await r.position(f"t-{target}")  # nothing was queued
    offer = await r.enqueue_for_agent(item("t2", clock.now()), "novice", reserve_seconds=30)
    assert offer is not None
    assert offer.agent_id == "novice"  # chosen by a person: skills waived


async def test_direct_work_makes_the_agent_busy_and_completes_into_wrap_up(any_store: AcdStore) -> None:
    clock = FakeClock()
    r = Router(any_store, clock)
    await r.add_queue(QueueConfig("outbound", wrap_up_seconds=15))
    await r.add_queue(QueueConfig("sales"))
    await r.login(agent("a", sales=5))
    await r.start_direct(item("out1", clock.now(), queue="outbound"), "a")
    snapshot = await r.snapshot()
    assert [x.state for x in snapshot.agents if x.agent_id == "a"] == [AgentState.BUSY]
    assert await r.enqueue(item("in1", clock.now())) is None  # the agent is on the outbound call
    with pytest.raises(IllegalTransition):
        await r.start_direct(item("out2", clock.now(), queue="outbound"), "a")
    await r.complete("out1")
    snapshot = await r.snapshot()
    assert [x.state for x in snapshot.agents if x.agent_id == "a"] == [AgentState.WRAP_UP]
