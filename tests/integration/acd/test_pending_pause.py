"""A pause asked for while an agent works waits for the call and the wrap-up (memory and Redis)."""

from __future__ import annotations

from acd.events import AgentStateChanged
from acd.model import Agent, AgentState, Channel, QueueConfig, SkillRequirement
from acd.router import Router
from acd.store import AcdStore
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, item

S = AgentState


async def on_a_chat(any_store: AcdStore, wrap_up_seconds: float) -> tuple[Router, FakeClock, EventRecorder]:
    """Agent a1 (3 chats) connected to chat c1 of queue sales."""
    clock, recorder = FakeClock(), EventRecorder()
    router = Router(any_store, clock, listener=recorder)
    skills = (SkillRequirement("sales", 2),)
    await router.add_queue(QueueConfig("sales", skills=skills, wrap_up_seconds=wrap_up_seconds))
    await router.login(Agent("a1", {"sales": 3}, capacity={Channel.CHAT: 3}))
    offer = await router.enqueue(item("c1", clock.now(), channel=Channel.CHAT))
    assert offer is not None
    await router.accept(offer.offer_id)
    return router, clock, recorder


def changes(recorder: EventRecorder) -> list[tuple[AgentState, AgentState, str | None, str | None]]:
    return [(e.old, e.new, e.reason, e.pending_pause) for e in recorder.of_type(AgentStateChanged)][3:]


async def test_given_an_agent_on_a_chat_when_paused_then_paused_after_the_wrap_up(
    any_store: AcdStore,
) -> None:
    router, clock, recorder = await on_a_chat(any_store, wrap_up_seconds=30)
    await router.pause("a1", "break")
    snap = await router.snapshot()
    assert (snap.agents_by_state[S.BUSY], snap.pending_pauses, snap.pause_reasons) == (
        ("a1",),
        {"a1": "break"},
        {},
    )
    assert (
        await router.enqueue(item("c2", clock.now(), channel=Channel.CHAT)) is None
    )  # capacity left, but no
    await router.pause("a1", "lunch")  # asked again: the reason changes
    assert await router.complete("c1") == []
    clock.advance(30)
    await router.tick()
    snap = await router.snapshot()
    assert (snap.agents_by_state[S.PAUSED], snap.pause_reasons, snap.pending_pauses) == (
        ("a1",),
        {"a1": "lunch"},
        {},
    )
    assert changes(recorder) == [
        (S.BUSY, S.BUSY, None, "break"),
        (S.BUSY, S.BUSY, None, "lunch"),
        (S.BUSY, S.WRAP_UP, None, "lunch"),
        (S.WRAP_UP, S.PAUSED, "lunch", None),
    ]
    offers = await router.set_available("a1")
    assert [o.item.item_id for o in offers] == ["c2"]


async def test_given_wrap_up_when_paused_then_the_wrap_up_is_not_cut(any_store: AcdStore) -> None:
    router, clock, _recorder = await on_a_chat(any_store, wrap_up_seconds=30)
    await router.complete("c1")
    clock.advance(10)
    await router.pause("a1", "training")
    assert (await router.snapshot()).agents_by_state[S.WRAP_UP] == ("a1",)
    clock.advance(10)
    await router.tick()
    assert (await router.snapshot()).agents_by_state[S.WRAP_UP] == ("a1",)  # 10 s of wrap-up left
    clock.advance(10)
    await router.tick()
    assert (await router.snapshot()).pause_reasons == {"a1": "training"}


async def test_given_a_pending_pause_when_set_available_then_called_off(any_store: AcdStore) -> None:
    router, clock, recorder = await on_a_chat(any_store, wrap_up_seconds=0)
    await router.pause("a1", "break")
    await router.enqueue(item("c2", clock.now(), channel=Channel.CHAT))
    offers = await router.set_available("a1")  # the pause is called off: a1 takes the waiting chat
    assert [o.item.item_id for o in offers] == ["c2"]
    assert (await router.snapshot()).pending_pauses == {}
    await router.accept(offers[0].offer_id)
    await router.complete("c1")
    await router.complete("c2")
    assert (await router.snapshot()).agents_by_state[S.AVAILABLE] == ("a1",)
    assert changes(recorder)[:2] == [(S.BUSY, S.BUSY, None, "break"), (S.BUSY, S.BUSY, None, None)]
