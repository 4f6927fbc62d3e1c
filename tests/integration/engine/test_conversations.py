"""Chats through the engine's real router and database (simulator mode, SQLite)."""

from __future__ import annotations

from sqlalchemy import select

from acd.model import AgentState
from callcenter.app import Engine
from callcenter.conversations.api import ChatRequest, ConversationStatus, Sender
from callcenter.conversations.events import (
    ConversationMessageAdded,
    ConversationStatusChanged,
    ConversationTyping,
)
from crm_core.models import Interaction, Ticket
from tests.integration.engine.chat_desk import Offers, engine
from tests.integration.engine.chat_desk import visitor as chat_visitor
from tests.integration.engine.conftest import sign_in_agents
from tests.waiting import wait_until

__all__ = ["engine"]


def visitor(name: str = "Ann Lee", topic: str = "support", address: str = "203.0.113.7") -> ChatRequest:
    return chat_visitor(name, topic, address, email="ann@example.com")


async def test_given_a_signed_in_agent_when_a_visitor_chats_then_offered_accepted_talked_ended_and_in_the_crm(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002")
    events = engine.bus.subscribe()
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations

    opened = await chats.open_chat(visitor())
    offer = await offers.next_for(opened.conversation.conversation_id)
    assert (offer.agent_id, offer.conversation_id, offer.channel.value) == (
        "1002",
        opened.conversation.conversation_id,
        "chat",
    )
    assert offer.customer_name == "Ann Lee"
    assert offer.decision_rules

    cid = opened.conversation.conversation_id
    view = await chats.accept("1002", offer.offer_id)
    assert (view.status, view.agent_id) == (ConversationStatus.ACTIVE, "1002")
    first = await chats.post_customer(cid, "Hello, my order is late", "v-1")
    again = await chats.post_customer(cid, "Hello, my order is late", "v-1")  # a retry after a drop
    assert again == first
    reply = await chats.post_agent(cid, "1002", "Let me check <b>that</b>", "a-1")
    history = await chats.messages(cid)
    assert [m.seq for m in history] == list(range(1, len(history) + 1))
    assert [(m.sender, m.text) for m in history if m.sender is not Sender.SYSTEM] == [
        (Sender.CUSTOMER, "Hello, my order is late"),
        (Sender.AGENT, "Let me check <b>that</b>"),
    ]
    assert [m.seq for m in await chats.messages(cid, after_seq=first.seq)][-1] == reply.seq
    await chats.typing(cid, Sender.CUSTOMER, "Ann Lee")
    [typing] = [e for e in events.drain() if isinstance(e, ConversationTyping)]
    assert (typing.conversation_id, typing.sender, typing.agent_id) == (cid, Sender.CUSTOMER, "1002")
    assert [v.conversation_id for v in await chats.live("1002")] == [cid]
    assert cid in [v.conversation_id for v in await chats.live()]

    ended = await chats.end(cid, Sender.AGENT, "1002")
    assert ended.status is ConversationStatus.WRAP_UP
    await chats.wrap_up(cid, "1002", "resolved", "sent a new parcel")
    assert (await chats.view(cid)).status is ConversationStatus.ENDED
    with engine.contact_center.sessions() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == f"chat:{cid}")).one()
    assert (row.channel, row.agent_id, row.queue, row.disposition) == ("chat", "1002", "support", "resolved")
    assert row.transcript is not None
    assert "Hello, my order is late" in row.transcript
    assert "agent 1002: Let me check <b>that</b>" in row.transcript
    added = [e for e in events.drain() if isinstance(e, ConversationMessageAdded)]
    assert all(e.agent_id in (None, "1002") for e in added)


async def test_given_nobody_signed_in_when_a_visitor_chats_then_a_left_message_with_a_ticket(
    engine: Engine,
) -> None:
    chats = engine.conversations
    opened = await chats.open_chat(visitor())
    cid = opened.conversation.conversation_id
    assert opened.conversation.status is ConversationStatus.LEFT_MESSAGE
    assert opened.conversation.ticket_id is not None
    texts = [m.text for m in await chats.messages(cid)]
    assert texts == ["conversation.system.left_message"]
    await chats.post_customer(cid, "Please call me back tomorrow", "v-1")
    with engine.contact_center.sessions() as session:
        assert session.get(Ticket, opened.conversation.ticket_id) is not None

    # An agent signs in later: the message reaches them as an e-mail work item.
    offers = Offers(engine.bus.subscribe())
    await sign_in_agents(engine, "1002")
    offer = await offers.next_for(cid)
    assert (offer.conversation_id, offer.channel.value) == (cid, "email")


async def test_given_an_agent_when_three_chats_arrive_then_all_three_at_once_and_a_fourth_waits(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    opened = [await chats.open_chat(visitor(f"V{i}", address=f"198.51.100.{i}")) for i in range(4)]
    accepted: set[str] = set()

    async def accept_offers() -> bool:
        for offer in offers.take():
            await chats.accept(offer.agent_id, offer.offer_id)
            accepted.add(offer.conversation_id)
        return len(accepted) >= 3

    await wait_until(accept_offers, what="three chats accepted")
    fourth = opened[3].conversation.conversation_id
    assert accepted == {o.conversation.conversation_id for o in opened[:3]}
    info = await chats.wait_info(fourth)
    assert (info.status, info.position) == (ConversationStatus.WAITING, 1)

    await chats.end(opened[0].conversation.conversation_id, Sender.CUSTOMER, "V0")
    await wait_until(
        lambda: engine.conversations.tracked[fourth].status is ConversationStatus.OFFERED,
        what="the fourth offered",
    )


async def test_given_a_waiting_visitor_then_place_updates_are_published(engine: Engine) -> None:
    await sign_in_agents(engine, "1002")
    await engine.router.pause("1002", "break")
    events = engine.bus.subscribe()
    opened = await engine.conversations.open_chat(visitor())
    assert opened.conversation.status is ConversationStatus.WAITING  # signed in, though paused
    await engine.conversations.publish_waiting_places()
    places = [
        e for e in events.drain() if isinstance(e, ConversationStatusChanged) and e.position is not None
    ]
    assert [(p.conversation_id, p.position) for p in places] == [(opened.conversation.conversation_id, 1)]
    snapshot = await engine.router.snapshot()
    assert "1002" in snapshot.agents_by_state[AgentState.PAUSED]
