"""The demo's simulated chat visitors, e-mail senders and agents on a started engine (simulator mode)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import func, select

from callcenter.app import Engine
from callcenter.conversations.api import ChatRequest, ConversationStatus, Sender
from callcenter.conversations.events import ConversationTyping
from callcenter.demo_conversations import DemoConversations
from callcenter.i18n import translate
from crm_core.models import Interaction
from crm_core.models_conversations import Conversation
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

SCALE = 0.05  # every simulated duration x 0.05: the agents' 1 s answer delay is 50 ms


@asynccontextmanager
async def demo_engine(
    tmp_path: Path,
    *agents: str,
    chat_rate: float = 0.0,
    email_rate: float = 0.0,
    people: Callable[[str], bool] | None = None,
    patience_s: float = 600.0,
) -> AsyncIterator[tuple[Engine, DemoConversations]]:
    """The engine on the simulator, ``agents`` signed in, the demo's conversations running."""
    simulator = {
        "time_scale": SCALE,
        "arrival_rate_per_min": 0,
        "agent_answer_delay_s": 1.0,
        "talk_time_s": 2.0,
        "caller_patience_s": patience_s,
        "chat_arrival_rate_per_min": chat_rate,
        "email_arrival_rate_per_min": email_rate,
        "demo_customers": 20,
    }
    engine = Engine(engine_settings(tmp_path, simulator=simulator), simulator_mode=True)
    await engine.start()
    try:
        if people is not None:
            engine.people_at_desks = people
        await sign_in_agents(engine, *agents)
        yield engine, engine.start_demo_conversations()
    finally:
        await engine.stop()


def chat(language: str = "en") -> ChatRequest:
    return ChatRequest(
        name="Ann Lee", topic="support", language=language, address="203.0.113.7", email="ann@example.com"
    )


def interaction(engine: Engine, conversation_id: str) -> Interaction:
    with engine.contact_center.sessions() as session:
        row = session.scalars(
            select(Interaction).where(Interaction.external_ref == f"chat:{conversation_id}")
        ).one()
        session.expunge(row)
        return row


async def test_given_a_simulated_agent_when_a_chat_is_offered_then_accepted_answered_ended_in_the_crm(
    tmp_path: Path,
) -> None:
    async with demo_engine(tmp_path, "1002") as (engine, _demo):
        events = engine.bus.subscribe()
        chats = engine.conversations
        opened = await chats.open_chat(chat("zh_CN"))
        cid = opened.conversation.conversation_id
        await chats.post_customer(cid, "我的订单在哪里？", "v-1")

        async def ended() -> bool:
            return (await chats.view(cid)).status is ConversationStatus.ENDED

        await wait_until(ended, timeout=10, what="the simulated agent to end and wrap up the chat")
        answer = translate("demo.agent.chat_answer", "zh_CN", name="Ann Lee")
        history = await chats.messages(cid)
        assert [(m.sender, m.author, m.text) for m in history if m.sender is Sender.AGENT] == [
            (Sender.AGENT, "1002", answer)
        ]
        row = interaction(engine, cid)
        assert (row.channel, row.agent_id, row.queue, row.disposition) == (
            "chat",
            "1002",
            "support",
            "resolved",
        )
        assert row.notes == translate("demo.agent.wrap_up_notes", "zh_CN")
        assert row.transcript is not None
        assert "我的订单在哪里？" in row.transcript
        assert answer in row.transcript
        typing = [e for e in events.drain() if isinstance(e, ConversationTyping)]
        assert [(t.conversation_id, t.sender, t.who) for t in typing] == [(cid, Sender.AGENT, "1002")]


async def test_given_a_person_signed_in_as_the_agent_when_a_chat_is_offered_then_the_simulation_leaves_it(
    tmp_path: Path,
) -> None:
    async with demo_engine(tmp_path, "1002", people=lambda agent: agent == "1002") as (engine, _demo):
        offers = Offers(engine.bus.subscribe())
        chats = engine.conversations
        opened = await chats.open_chat(chat())
        cid = opened.conversation.conversation_id
        offer = await offers.next_for(cid)
        await asyncio.sleep(20 * SCALE)  # the simulated agents' answer delay, ten times over
        assert (await chats.view(cid)).status is ConversationStatus.OFFERED
        view = await chats.accept("1002", offer.offer_id)  # the person takes it
        assert (view.status, view.agent_id) == (ConversationStatus.ACTIVE, "1002")
        await asyncio.sleep(60 * SCALE)  # longer than a simulated answer and talk
        assert (await chats.view(cid)).status is ConversationStatus.ACTIVE
        assert [m for m in await chats.messages(cid) if m.sender is Sender.AGENT] == []


async def test_given_arrival_rates_of_zero_when_the_demo_runs_then_no_chat_and_no_mail(
    tmp_path: Path,
) -> None:
    async with demo_engine(tmp_path, "1001", "1002", "1003") as (engine, demo):
        await asyncio.sleep(0.5)  # at 1/min x 0.05, a visitor would arrive every 50 ms
        assert not demo.opened
        with engine.contact_center.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Conversation)) == 0


async def test_given_arrival_rates_when_the_demo_runs_then_visitors_and_mails_arrive_and_get_answered(
    tmp_path: Path,
) -> None:
    async with demo_engine(tmp_path, "1001", "1002", "1003", chat_rate=30.0, email_rate=30.0) as (
        engine,
        demo,
    ):
        chats = engine.conversations

        async def answered_both() -> bool:
            views = [await chats.view(cid) for cid in list(demo.opened)]
            done = {v.channel.value for v in views if v.status is ConversationStatus.ENDED}
            return done >= {"chat", "email"}

        await wait_until(answered_both, timeout=15, what="a chat and an e-mail answered by simulated agents")
        views = [await chats.view(cid) for cid in list(demo.opened)]
        ended = [v for v in views if v.status is ConversationStatus.ENDED]
        assert all(v.customer_id is not None for v in views)  # demo customers of the seeded CRM
        assert all(v.agent_id in ("1001", "1002", "1003") for v in ended)
        mail = next(v for v in ended if v.channel.value == "email")
        texts = [m.text for m in await chats.messages(mail.conversation_id) if m.sender is Sender.AGENT]
        assert texts == [translate("demo.agent.email_answer", mail.language, name=mail.customer_name)]


async def test_given_nobody_takes_a_simulated_visitors_chat_then_the_visitor_gives_up_after_patience(
    tmp_path: Path,
) -> None:
    # Every agent is a person who does not answer: the simulated visitors wait, then leave.
    async with demo_engine(tmp_path, "1002", chat_rate=60.0, people=lambda _agent: True, patience_s=10.0) as (
        engine,
        demo,
    ):
        chats = engine.conversations

        async def one_left() -> bool:
            views = [await chats.view(cid) for cid in list(demo.opened)]
            return any(v.status is ConversationStatus.ENDED for v in views)

        await wait_until(one_left, timeout=5, what="a simulated visitor giving up")
        left = [
            v
            for v in [await chats.view(c) for c in list(demo.opened)]
            if v.status is ConversationStatus.ENDED
        ]
        assert all(v.agent_id is None for v in left)
        texts = [m.text for m in await chats.messages(left[0].conversation_id)]
        assert texts[-1] == "conversation.system.customer_left"
