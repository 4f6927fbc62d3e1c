"""Chats in the engine: transfer, a voice call blocking new chats, supervisors joining, a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from acd.model import AgentState
from callcenter.app import Engine
from callcenter.conversations.api import ConversationStatus, Sender
from callcenter.pbxsim import SimulatedCaller
from crm_core.models_auth import AuditEntry
from tests.integration.engine.chat_desk import Offers, engine, visitor
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

__all__ = ["engine"]


async def test_given_an_active_chat_when_transferred_to_a_queue_then_an_agent_there_gets_it(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002", "1001")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    offer = await offers.next_for(cid)
    assert offer.agent_id == "1002"  # the only one with support
    await chats.accept("1002", offer.offer_id)
    await chats.post_customer(cid, "I want to buy more", "v-1")

    moved = await chats.transfer(cid, "1002", to_queue="sales")
    assert (moved.status, moved.queue, moved.agent_id) == (ConversationStatus.WAITING, "sales", None)
    second = await offers.next_for(cid)
    assert second.agent_id == "1001"
    view = await chats.accept("1001", second.offer_id)
    assert (view.status, view.agent_id) == (ConversationStatus.ACTIVE, "1001")
    texts = [m.text for m in await chats.messages(cid)]
    assert "conversation.system.transferred" in texts
    assert "I want to buy more" in texts  # the history goes with the chat
    assert [v.conversation_id for v in await chats.live("1002")] == []


async def test_given_an_active_chat_when_transferred_to_an_agent_then_only_they_are_offered_it(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002", "1003")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    offer = await offers.next_for(cid)
    await chats.accept(offer.agent_id, offer.offer_id)
    colleague = "1003" if offer.agent_id == "1002" else "1002"

    await chats.transfer(cid, offer.agent_id, to_agent=colleague)
    second = await offers.next_for(cid)
    assert second.agent_id == colleague
    await chats.accept(colleague, second.offer_id)
    assert (await chats.view(cid)).agent_id == colleague


async def test_given_an_agent_on_a_voice_call_then_no_new_chat_until_the_call_ends(engine: Engine) -> None:
    assert engine.simulator is not None
    await sign_in_agents(engine, "1002")
    await engine.ami.wait_connected(5)
    await engine.simulator.place_call(
        SimulatedCaller(digits=[(0.2, "2")], waits_to_be_heard=True, talk_s=60.0)
    )
    cc = engine.contact_center

    def talking() -> bool:
        call = cc.call_of_agent("1002")
        return call is not None and call.phase == "talking"

    await wait_until(talking, what="the agent talking")
    offers = Offers(engine.bus.subscribe())
    cid = (await engine.conversations.open_chat(visitor())).conversation.conversation_id
    info = await engine.conversations.wait_info(cid)
    assert (info.status, info.position) == (ConversationStatus.WAITING, 1)
    assert offers.of(cid) == []

    await cc.hang_up("1002")
    offer = await offers.next_for(cid, timeout=10)  # after the call (and its short wrap-up)
    assert offer.agent_id == "1002"


async def test_given_a_live_chat_when_a_supervisor_joins_then_audited_announced_and_they_can_write(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    offer = await offers.next_for(cid)
    await chats.accept("1002", offer.offer_id)

    joined = await chats.join(cid, "sup-1")
    assert joined.supervisors == ("sup-1",)
    assert (await chats.join(cid, "sup-1")).supervisors == ("sup-1",)  # once
    said = await chats.post_supervisor(cid, "sup-1", "I am here to help", "s-1")
    assert said.sender is Sender.SUPERVISOR
    messages = await chats.messages(cid)
    assert [m.text for m in messages if m.sender is Sender.SYSTEM][
        -1
    ] == "conversation.system.supervisor_joined"
    with engine.contact_center.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "conversation.join")).all()
    assert [(r.actor, r.target) for r in rows] == [("sup-1", cid), ("sup-1", cid)]


async def test_given_waiting_and_active_chats_when_the_engine_restarts_then_they_are_queued_again(
    tmp_path: Path,
) -> None:
    settings = engine_settings(tmp_path)
    first = Engine(settings, simulator_mode=True)
    await first.start()
    try:
        await sign_in_agents(first, "1002")
        offers = Offers(first.bus.subscribe())
        active = (await first.conversations.open_chat(visitor("A"))).conversation.conversation_id
        await first.conversations.accept("1002", (await offers.next_for(active)).offer_id)
        await first.router.pause("1002", "lunch")  # after the chat in hand: nothing new meanwhile
        waiting = (await first.conversations.open_chat(visitor("W"))).conversation.conversation_id
        await first.conversations.post_customer(waiting, "anyone there?", "w-1")
    finally:
        await first.stop()

    second = Engine(settings, simulator_mode=True)
    await second.start()
    try:
        # The agent was working: back paused (interrupted); both chats wait, none is lost.
        places = {c: (await second.conversations.wait_info(c)).position for c in (active, waiting)}
        assert places == {active: 1, waiting: 2}
        offers = Offers(second.bus.subscribe())
        await second.router.set_available("1002")
        for conversation_id in (active, waiting):
            offer = await offers.next_for(conversation_id)
            assert offer.agent_id == "1002"
            await second.conversations.accept("1002", offer.offer_id)
        history = [m.text for m in await second.conversations.messages(waiting)]
        assert "anyone there?" in history
    finally:
        await second.stop()


async def test_given_both_sides_ending_at_once_then_it_ends_once_and_the_agent_is_free(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    await chats.accept("1002", (await offers.next_for(cid)).offer_id)

    views = await asyncio.gather(chats.end(cid, Sender.CUSTOMER, "Ann"), chats.end(cid, Sender.AGENT, "1002"))
    assert {v.status for v in views} == {ConversationStatus.WRAP_UP}
    endings = [
        m
        for m in await chats.messages(cid)
        if m.text.startswith(("conversation.system.customer_left", "conversation.system.ended"))
    ]
    assert len(endings) == 1
    await chats.wrap_up(cid, "1002", None, None)

    async def free() -> bool:
        return "1002" in (await engine.router.snapshot()).agents_by_state[AgentState.AVAILABLE]

    await wait_until(free, what="the agent free again")
