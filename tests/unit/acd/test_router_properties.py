"""Random sequences of arrivals, departures, agent state changes and failures keep the invariants:
no agent over capacity (or offered a blocked channel), no item lost or duplicated, no offer to an
agent that could not take it, FIFO within equal priority, and no idle agent beside waiting work."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from acd import agent_state
from acd.errors import AcdError
from acd.events import (
    AcdEvent,
    AgentStateChanged,
    FallbackRequired,
    ItemAbandoned,
    ItemCompleted,
    OfferAccepted,
    OfferMade,
    OfferReleased,
)
from acd.memory_store import MemoryStore
from acd.model import Agent, AgentState, Channel, Fallback, FallbackAction, QueueConfig, SkillRequirement
from acd.records import AgentRecord, ItemRecord, ItemStatus
from acd.router import Router
from acd.store import AcdStore
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, item

T = TypeVar("T")
AGENTS = ["a0", "a1", "a2", "a3"]
CHANNELS = [Channel.VOICE, Channel.CHAT, Channel.EMAIL]


class RouterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.store = self.make_store()
        self.rec = EventRecorder()
        self.fifo_violations: list[str] = []
        self.router = Router(self.store, self.clock, listener=self.on_event)
        queue = QueueConfig(
            "q",
            skills=(SkillRequirement("s", 1),),
            wrap_up_seconds=5,
            offer_timeout_seconds=20,
            max_missed_offers=2,
            max_wait_seconds=400,
            fallback=Fallback(FallbackAction.VOICEMAIL),
        )
        self.run(self.router.add_queue(queue))
        self.alive: set[str] = set()
        self.seen = 0
        self.n = 0

    def make_store(self) -> AcdStore:
        return MemoryStore()

    def on_event(self, event: AcdEvent) -> None:
        """At the moment of each offer, no older waiting item of the same channel and priority
        may exist (the memory store is read synchronously: its state is already committed)."""
        self.rec(event)
        if isinstance(event, OfferMade) and isinstance(self.store, MemoryStore):
            offered = self.store._items[event.offer.item.item_id]
            for other in self.store._items.values():
                same = (other.item.channel, other.item.priority) == (
                    offered.item.channel,
                    offered.item.priority,
                )
                if same and other.status == ItemStatus.WAITING and other.seq < offered.seq:
                    self.fifo_violations.append(f"{offered.item_id} offered before {other.item_id}")

    def teardown(self) -> None:
        self.loop.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def attempt(self, coro: Coroutine[Any, Any, object]) -> None:
        """Run a router call that may be refused; refusals must be typed ACD errors."""
        with contextlib.suppress(AcdError):
            self.run(coro)

    def items(self) -> list[ItemRecord]:
        return self.run(self.store.all_items())

    def agents(self) -> dict[str, AgentRecord]:
        return {a.agent_id: a for a in self.run(self.store.all_agents())}

    def with_status(self, status: ItemStatus) -> list[str]:
        return sorted(i.item_id for i in self.items() if i.status == status)

    # ---- rules -----------------------------------------------------------------------
    @rule(channel=st.sampled_from(CHANNELS), priority=st.sampled_from([0, 0, 0, 5]))
    def arrive(self, channel: Channel, priority: int) -> None:
        self.n += 1
        item_id = f"i{self.n}"
        self.run(
            self.router.enqueue(
                item(item_id, self.clock.now(), queue="q", channel=channel, priority=priority)
            )
        )
        self.alive.add(item_id)

    @rule(who=st.sampled_from(AGENTS), level=st.integers(1, 5), chats=st.integers(0, 3))
    def login(self, who: str, level: int, chats: int) -> None:
        capacity = {Channel.VOICE: 1, Channel.CHAT: chats, Channel.EMAIL: 2}
        self.attempt(self.router.login(Agent(who, {"s": level}, capacity)))

    @rule(who=st.sampled_from(AGENTS))
    def logout(self, who: str) -> None:
        self.attempt(self.router.logout(who))

    @rule(who=st.sampled_from(AGENTS), reason=st.sampled_from(["lunch", "training"]))
    def pause(self, who: str, reason: str) -> None:
        self.attempt(self.router.pause(who, reason))

    @rule(who=st.sampled_from(AGENTS))
    def set_available(self, who: str) -> None:
        self.attempt(self.router.set_available(who))

    @rule(who=st.sampled_from(AGENTS))
    def wrap_up_done(self, who: str) -> None:
        self.attempt(self.router.wrap_up_done(who))

    @precondition(lambda self: self.with_status(ItemStatus.OFFERED))
    @rule(
        data=st.data(), how=st.sampled_from(["accept", "accept", "decline", "timeout", "withdraw", "abandon"])
    )
    def answer_offer(self, data: st.DataObject, how: str) -> None:
        item_id = data.draw(st.sampled_from(self.with_status(ItemStatus.OFFERED)))
        rec = self.run(self.store.get_item(item_id))
        assert rec is not None
        assert rec.offer_id is not None
        if how == "accept":
            self.run(self.router.accept(rec.offer_id))
        elif how == "decline":
            self.run(self.router.decline(rec.offer_id))
        elif how == "timeout":
            self.run(self.router.offer_timed_out(rec.offer_id))
        elif how == "withdraw":  # the engine could not deliver; it dispatches again once it can
            self.run(self.router.withdraw(rec.offer_id))
            self.run(self.router.dispatch())
        else:
            self.run(self.router.abandon(item_id))

    @precondition(lambda self: self.with_status(ItemStatus.ACTIVE))
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        self.run(self.router.complete(data.draw(st.sampled_from(self.with_status(ItemStatus.ACTIVE)))))

    @precondition(lambda self: self.with_status(ItemStatus.WAITING))
    @rule(data=st.data(), callback=st.booleans())
    def leave_queue(self, data: st.DataObject, callback: bool) -> None:
        item_id = data.draw(st.sampled_from(self.with_status(ItemStatus.WAITING)))
        if callback:
            self.run(self.router.convert_to_callback(item_id, "+100"))
        else:
            self.run(self.router.abandon(item_id))

    @rule(seconds=st.sampled_from([1, 4, 6, 21, 120]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.run(self.router.tick())

    @rule()
    def dispatch(self) -> None:
        self.run(self.router.dispatch())

    # ---- invariants ------------------------------------------------------------------
    @invariant()
    def no_item_lost_or_duplicated(self) -> None:
        for e in self.rec.events:
            if isinstance(e, ItemCompleted | ItemAbandoned):
                self.alive.discard(e.item_id)
            elif isinstance(e, FallbackRequired):
                self.alive.discard(e.item.item_id)
            elif isinstance(e, OfferReleased) and not e.requeued:
                self.alive.discard(e.item_id)
        items = self.items()
        assert sorted(i.item_id for i in items) == sorted(self.alive)
        waiting = sorted((i for i in items if i.status == ItemStatus.WAITING), key=lambda i: (i.key, i.seq))
        positions = [self.run(self.router.position(i.item_id)) for i in waiting]
        assert positions == list(range(1, len(waiting) + 1))  # each waiting item exactly once, in order

    @invariant()
    def loads_match_assigned_items_and_capacity(self) -> None:
        agents = self.agents()
        expected: Counter[tuple[str, Channel]] = Counter()
        for i in self.items():
            if i.status in (ItemStatus.OFFERED, ItemStatus.ACTIVE):
                assert i.agent_id is not None
                expected[(i.agent_id, i.item.channel)] += 1
                if i.status == ItemStatus.OFFERED:
                    assert agents[i.agent_id].offer_id == i.offer_id
                    assert agents[i.agent_id].state == AgentState.RESERVED
        for a in agents.values():
            for ch in CHANNELS:
                assert a.load.get(ch, 0) == expected[(a.agent_id, ch)]
                assert a.load.get(ch, 0) <= a.agent.capacity.get(ch, 0)
            assert (a.state == AgentState.RESERVED) == (a.offer_id is not None)

    @invariant()
    def offers_only_to_agents_that_could_take_them(self) -> None:
        new = self.rec.events[self.seen :]
        self.seen = len(self.rec.events)
        agents = self.agents()
        for e in new:
            if isinstance(e, AgentStateChanged) and e.new == AgentState.RESERVED:
                assert e.old in agent_state.OFFERABLE
            if isinstance(e, OfferMade):
                a = agents[e.offer.agent_id]
                if a.offer_id == e.offer.offer_id:  # still pending: rebuild the agent just before the offer
                    ch = e.offer.item.channel
                    load = dict(a.load)
                    load[ch] -= 1
                    before = replace(
                        a, state=AgentState.BUSY if sum(load.values()) else AgentState.AVAILABLE, load=load
                    )
                    assert agent_state.can_take(before, ch)

    @invariant()
    def fifo_within_equal_priority_and_no_idle_agent_beside_waiting_work(self) -> None:
        agents = self.agents().values()
        items = self.items()
        for i in items:
            if i.status == ItemStatus.WAITING:
                assert not any(agent_state.can_take(a, i.item.channel) for a in agents), i.item_id
        assert self.fifo_violations == []

    @invariant()
    def accepted_offers_were_pending(self) -> None:
        made = {e.offer.offer_id for e in self.rec.of_type(OfferMade)}
        assert {e.offer_id for e in self.rec.of_type(OfferAccepted)} <= made


RouterMachine.TestCase.settings = settings(
    max_examples=300, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestRouterInvariants = RouterMachine.TestCase
