"""The demo's simulated agents and the people at the web desktop: an agent a person is signed in as
keeps their offers; once they sign out, the simulation takes that agent's new offers again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from callcenter.conversations.api import ChatRequest, ConversationStatus
from tests.integration.desktop.conftest import live_desktop
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

SCALE = 0.05


def chat(address: str) -> ChatRequest:
    return ChatRequest(name="Ann Lee", topic="support", language="en", address=address)


async def test_given_a_person_signed_in_on_the_desktop_then_their_chats_wait_for_them_until_they_sign_out(
    tmp_path: Path,
) -> None:
    simulator = {
        "time_scale": SCALE,
        "arrival_rate_per_min": 0,
        "agent_answer_delay_s": 1.0,
        "talk_time_s": 2.0,
        "chat_arrival_rate_per_min": 0,
        "email_arrival_rate_per_min": 0,
        "demo_customers": 20,
    }
    async with live_desktop(engine_settings(tmp_path, simulator=simulator)) as desktop:
        engine = desktop.engine
        await sign_in_agents(engine, "1002")
        engine.start_demo_conversations()
        chats = engine.conversations
        offers = Offers(engine.bus.subscribe())
        assert not engine.people_at_desks("1002")
        async with desktop.signed_in("agent1002") as person:
            assert engine.people_at_desks("1002")
            assert not engine.people_at_desks("1001")
            mine = (await chats.open_chat(chat("203.0.113.1"))).conversation.conversation_id
            offer = await offers.next_for(mine)
            await asyncio.sleep(20 * SCALE)  # ten times the simulated agents' answer delay
            assert (await chats.view(mine)).status is ConversationStatus.OFFERED
            await chats.accept("1002", offer.offer_id)  # the person takes it
            assert (await person.post("/api/auth/logout")).status_code in (200, 204)
        assert not engine.people_at_desks("1002")

        theirs = (await chats.open_chat(chat("203.0.113.2"))).conversation.conversation_id

        async def ended() -> bool:
            return (await chats.view(theirs)).status is ConversationStatus.ENDED

        await wait_until(ended, timeout=10, what="the simulated agent to take, end and wrap up the chat")
        assert (await chats.view(theirs)).agent_id == "1002"
        assert (await chats.view(mine)).status is ConversationStatus.ACTIVE  # the person's, still
