"""What the ACD does to a waiting chat on its own: a person cancels it, or the queue's maximum wait
passes (it becomes a left message). The real router and service over SQLite, on a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from acd.events import AcdEvent
from acd.memory_store import MemoryStore
from acd.model import Agent, Fallback, FallbackAction, QueueConfig
from acd.router import Router
from callcenter.conversations.api import ChatRequest, ConversationStatus
from callcenter.conversations.events import ConversationOffered
from callcenter.conversations.service import ConversationService, build_conversations
from callcenter.settings_chat import ChatSettings
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.models import Interaction
from tests.fakes.acd_clock import FakeClock
from tests.waiting import wait_until


@dataclass
class Desk:
    router: Router
    service: ConversationService
    clock: FakeClock
    published: list[object]
    sessions: sessionmaker[Session]


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    url = f"sqlite:///{tmp_path}/crm.sqlite3"
    migrate(url)
    engine = make_engine(url)
    services: list[ConversationService] = []

    def on_acd_event(event: AcdEvent) -> None:
        for service in services:
            service.on_acd_event(event)

    clock = FakeClock()
    router = Router(MemoryStore(), clock, listener=on_acd_event)
    fallback = Fallback(FallbackAction.VOICEMAIL)
    await router.add_queue(QueueConfig("support", max_wait_seconds=60, fallback=fallback))
    published: list[object] = []
    sessions = make_session_factory(engine)
    service = build_conversations(
        ChatSettings(), sessions, router, clock, published.append, "US",
        queues=lambda: {"support"}, agent_skills=lambda: {"a1": {"support": 3}}, queue_skills=lambda _q: {},
    )  # fmt: skip
    services.append(service)
    await router.login(Agent("a1", {"support": 3}))
    await router.pause("a1", "break")  # signed in (the chat waits) but not taking any
    try:
        yield Desk(router, service, clock, published, sessions)
    finally:
        await service.drain()
        engine.dispose()


def _chat() -> ChatRequest:
    return ChatRequest("Ann", "support", "en", "203.0.113.7")


async def test_given_a_waiting_chat_when_cancelled_then_it_ends_and_is_in_the_timeline(desk: Desk) -> None:
    cid = (await desk.service.open_chat(_chat())).conversation.conversation_id
    await desk.router.cancel(cid)
    await desk.service.drain()
    assert (await desk.service.view(cid)).status is ConversationStatus.ENDED
    assert [m.text for m in await desk.service.messages(cid)][-1] == "conversation.system.ended"
    with desk.sessions() as session:
        outcome = session.scalars(
            select(Interaction.outcome).where(Interaction.external_ref == f"chat:{cid}")
        )
        assert list(outcome) == ["abandoned"]


async def test_given_a_waiting_chat_when_the_maximum_wait_passes_then_a_left_message_for_any_agent(
    desk: Desk,
) -> None:
    opened = await desk.service.open_chat(_chat())
    cid = opened.conversation.conversation_id
    assert opened.conversation.status is ConversationStatus.WAITING
    desk.clock.advance(61)
    await desk.router.tick()
    await desk.service.drain()
    view = await desk.service.view(cid)
    assert view.status is ConversationStatus.LEFT_MESSAGE
    assert view.ticket_id is not None
    assert [m.text for m in await desk.service.messages(cid)][-1] == "conversation.system.left_message"

    await desk.router.set_available("a1")
    await wait_until(
        lambda: any(
            isinstance(e, ConversationOffered) and e.channel.value == "email" for e in desk.published
        ),
        what="the left message offered as an e-mail item",
    )
