"""Router matching in both directions, with explanations."""

from __future__ import annotations

import json

from acd.memory_store import MemoryStore
from acd.model import Agent, AgentState, Channel, QueueConfig, SkillRequirement, ValueTier
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import agent, item


async def test_item_arrives_best_skill_score_wins_and_is_explained(router: Router, clock: FakeClock) -> None:
    await router.login(agent("low", sales=2))
    await router.login(agent("high", sales=5))
    await router.login(agent("none", support=5))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    assert offer.agent_id == "high"
    d = offer.decision
    assert d.rules == ("skill score",)
    assert [c.agent_id for c in d.candidates] == ["high", "low"]
    assert [c.skill_score for c in d.candidates] == [5.0, 2.0]
    assert json.loads(d.to_json())["agent_id"] == "high"
    assert await router.explain("i1") == (d,)


async def test_item_arrives_equal_skill_longest_idle_wins(router: Router, clock: FakeClock) -> None:
    await router.login(agent("early"))
    clock.advance(30)
    await router.login(agent("late"))
    offer = await router.enqueue(item("i1", clock.now()))
    assert offer is not None
    assert offer.agent_id == "early"
    assert offer.decision.rules == ("skill score tie", "longest idle")
    assert offer.decision.candidates[0].idle_seconds == 30.0


async def test_item_below_minimum_level_waits(router: Router, clock: FakeClock) -> None:
    await router.login(agent("junior", sales=1))
    assert await router.enqueue(item("i1", clock.now())) is None
    assert await router.position("i1") == 1


async def test_agent_freed_takes_highest_priority_then_longest_wait(router: Router, clock: FakeClock) -> None:
    t = clock.now()
    await router.enqueue(item("old", t))
    await router.enqueue(item("new", t + 1))
    await router.enqueue(item("urgent", t + 2, priority=5))
    await router.enqueue(item("newer", t + 3))
    assert [await router.position(i) for i in ("urgent", "old", "new", "newer")] == [1, 2, 3, 4]
    got = []
    offers = await router.login(agent("a1"))
    while offers:
        got.append(offers[0].item.item_id)
        await router.accept(offers[0].offer_id)
        offers = await router.complete(offers[0].item.item_id)
    assert got == ["urgent", "old", "new", "newer"]


async def test_vip_boost_jumps_the_queue_and_is_named(router: Router, clock: FakeClock) -> None:
    t = clock.now()
    await router.enqueue(item("normal", t))
    await router.enqueue(item("small", t - 100, tier=ValueTier.SMALL))
    await router.enqueue(item("vip", t + 5, tier=ValueTier.VIP))
    offers = await router.login(agent("a1"))
    assert offers[0].item.item_id == "vip"
    assert "vip boost" in offers[0].decision.rules
    assert offers[0].decision.items_compared == 1  # same bucket: the head is the only one compared


async def test_tier_boost_is_configurable_per_queue(store: MemoryStore, clock: FakeClock) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("flat", tier_boost={}, aging_per_minute=0))
    await r.enqueue(item("normal", clock.now(), queue="flat"))
    await r.enqueue(item("vip", clock.now(), queue="flat", tier=ValueTier.VIP))
    offers = await r.login(agent("a1"))
    assert offers[0].item.item_id == "normal"


async def test_priority_ages_with_waiting_time(store: MemoryStore, clock: FakeClock) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", aging_per_minute=1.0))
    await r.enqueue(item("patient", clock.now()))
    clock.advance(600)  # ten minutes: +10
    await r.enqueue(item("priority5", clock.now(), priority=5))
    offers = await r.login(agent("a1"))
    assert offers[0].item.item_id == "patient"
    assert offers[0].decision.effective_priority == 10.0


async def test_agent_freed_compares_items_across_queues(store: MemoryStore, clock: FakeClock) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales"),)))
    await r.add_queue(QueueConfig("support", skills=(SkillRequirement("support"),)))
    await r.enqueue(item("s1", clock.now(), queue="sales"))
    await r.enqueue(item("p1", clock.now(), queue="support", priority=3))
    offers = await r.login(Agent("a1", {"sales": 2, "support": 2}))
    assert offers[0].item.item_id == "p1"
    assert offers[0].decision.items_compared == 2
    assert offers[0].decision.rules[0] == "highest effective priority"


async def test_previous_agent_gets_the_customer_within_the_wait_limit(
    store: MemoryStore, clock: FakeClock
) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", previous_agent_wait_seconds=30))
    await r.login(agent("idle-long"))
    clock.advance(10)
    await r.login(agent("prev"))
    first = await r.enqueue(item("i1", clock.now(), customer="c1"))
    assert first is not None
    assert first.agent_id == "idle-long"
    await r.accept(first.offer_id)
    await r.complete("i1")
    # next contact of c1: stored last agent is idle-long, preferred although "prev" idles longer now
    clock.advance(5)
    second = await r.enqueue(item("i2", clock.now(), customer="c1"))
    assert second is not None
    assert second.agent_id == "idle-long"
    assert second.decision.rules == ("previous agent",)


async def test_previous_agent_busy_item_waits_for_them_until_the_limit(
    store: MemoryStore, clock: FakeClock
) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", previous_agent_wait_seconds=30))
    await r.login(agent("prev"))
    busy = await r.enqueue(item("x", clock.now()))
    assert busy is not None
    await r.accept(busy.offer_id)
    await r.login(agent("other"))
    assert await r.enqueue(item("i1", clock.now(), previous_agent_id="prev")) is None
    clock.advance(29)
    assert await r.tick() == []
    clock.advance(1)
    events = await r.tick()
    offers = [e.offer for e in events if hasattr(e, "offer")]
    assert [(o.item.item_id, o.agent_id) for o in offers] == [("i1", "other")]


async def test_previous_agent_freed_within_limit_takes_the_reserved_item(
    store: MemoryStore, clock: FakeClock
) -> None:
    r = Router(store, clock)
    await r.add_queue(QueueConfig("sales", previous_agent_wait_seconds=30))
    await r.login(agent("prev"))
    busy = await r.enqueue(item("x", clock.now()))
    assert busy is not None
    await r.accept(busy.offer_id)
    await r.enqueue(item("i1", clock.now(), previous_agent_id="prev"))
    clock.advance(10)
    offers = await r.complete("x")
    assert offers[0].item.item_id == "i1"
    assert offers[0].decision.rules[0] == "previous agent"


async def test_chat_agent_takes_three_chats_but_voice_blocks_chat(router: Router, clock: FakeClock) -> None:
    await router.login(agent("a1"))
    for n in range(4):
        offer = await router.enqueue(item(f"c{n}", clock.now(), channel=Channel.CHAT))
        if n < 3:
            assert offer is not None
            await router.accept(offer.offer_id)
        else:
            assert offer is None
    assert (await router.login(agent("a2")))[0].item.item_id == "c3"
    voice = await router.enqueue(item("v1", clock.now()))
    assert voice is not None
    assert voice.agent_id == "a1"  # chats do not block a voice call by default; a2 has a pending offer
    snap = await router.snapshot()
    assert snap.agents_by_state[AgentState.RESERVED] == ("a1", "a2")


async def test_accept_offers_next_chat_to_a_multichat_agent(router: Router, clock: FakeClock) -> None:
    await router.enqueue(item("c1", clock.now(), channel=Channel.CHAT))
    await router.enqueue(item("c2", clock.now() + 1, channel=Channel.CHAT))
    first = (await router.login(agent("a1")))[0]
    nxt = await router.accept(first.offer_id)
    assert [o.item.item_id for o in nxt] == ["c2"]


async def test_voice_agent_gets_no_chat_while_on_a_call(router: Router, clock: FakeClock) -> None:
    await router.login(agent("a1"))
    call = await router.enqueue(item("v1", clock.now()))
    assert call is not None
    assert await router.accept(call.offer_id) == []
    assert await router.enqueue(item("c1", clock.now(), channel=Channel.CHAT)) is None
    offers = await router.complete("v1")
    assert offers[0].item.item_id == "c1"
