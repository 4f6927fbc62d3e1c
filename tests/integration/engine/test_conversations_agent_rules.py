"""What the queue asks of an agent's chat or e-mail, as of a call: the wrap-up's disposition rules,
and an e-mail answered (for the service level) by the first reply sent, not by taking it. The real
router and conversation service over SQLite, on a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from acd.channel_stats import ChannelStats
from acd.events import AcdEvent
from acd.memory_store import MemoryStore
from acd.model import Agent, Channel, QueueConfig
from acd.router import Router
from callcenter.conversations.api import (
    ChatRequest,
    ConversationStatus,
    ConversationView,
    IncomingEmail,
    Sender,
    StoredMessage,
)
from callcenter.conversations.dispositions import BadDisposition, DispositionRequired, DispositionRules
from callcenter.conversations.events import ConversationOffered
from callcenter.conversations.service import ConversationService, build_conversations
from callcenter.settings_chat import ChatSettings
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.models import Interaction
from tests.fakes.acd_clock import FakeClock

HOUR = 3600.0
RULES = DispositionRules(
    {"resolved": ("problem_fixed", "information_given"), "follow_up": ("escalated",)},
    {"support": True, "sales": False},
)


@dataclass
class RecordingReplies:
    sent: list[str] = field(default_factory=list)

    async def send_reply(self, conversation: ConversationView, message: StoredMessage) -> None:
        self.sent.append(message.text)


@dataclass
class Desk:
    router: Router
    service: ConversationService
    clock: FakeClock
    published: list[object]
    sessions: sessionmaker[Session]

    def offer_of(self, conversation_id: str) -> ConversationOffered:
        return next(
            e
            for e in reversed(self.published)
            if isinstance(e, ConversationOffered) and e.conversation_id == conversation_id
        )

    async def email_row(self) -> ChannelStats:
        rows = (await self.router.snapshot()).channels
        return next(r for r in rows if r.queue == "support" and r.channel is Channel.EMAIL)


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
    await router.add_queue(QueueConfig("support", service_level_email_seconds=4 * HOUR))
    await router.add_queue(QueueConfig("sales"))
    published: list[object] = []
    sessions = make_session_factory(engine)
    service = build_conversations(
        ChatSettings(), sessions, router, clock, published.append, "US",
        queues=lambda: {"support", "sales"}, agent_skills=lambda: {"a1": {"support": 3, "sales": 3}},
        queue_skills=lambda _q: {},
    )  # fmt: skip
    services.append(service)
    service.set_reply_sender(RecordingReplies())
    await router.login(Agent("a1", {"support": 3, "sales": 3}))
    try:
        yield Desk(router, service, clock, published, sessions)
    finally:
        await service.drain()
        engine.dispose()


def _mail(message_id: str, queue: str = "support") -> IncomingEmail:
    return IncomingEmail(
        mailbox="support@example.com", from_address="wei@example.org", from_name="Wei Zhang",
        subject="Broken kettle", text="My kettle leaks.", message_id=message_id, language="en", queue=queue,
    )  # fmt: skip


async def _ended_by_agent(desk: Desk, conversation_id: str) -> None:
    await desk.service.accept("a1", desk.offer_of(conversation_id).offer_id)
    await desk.service.end(conversation_id, Sender.AGENT, "a1")
    await desk.service.drain()


def _disposition(desk: Desk, ref: str) -> str | None:
    with desk.sessions() as session:
        return session.scalars(select(Interaction.disposition).where(Interaction.external_ref == ref)).one()


async def test_given_a_queue_that_requires_a_disposition_then_a_chat_wraps_up_only_with_one_of_the_list(
    desk: Desk,
) -> None:
    desk.service.set_disposition_rules(RULES)
    opened = await desk.service.open_chat(ChatRequest("Ann", "support", "en", "203.0.113.7"))
    cid = opened.conversation.conversation_id
    await _ended_by_agent(desk, cid)

    with pytest.raises(DispositionRequired) as required:
        await desk.service.wrap_up(cid, "a1", None, "no code")
    assert required.value.code == "desktop.disposition_required"  # the call wrap-up's own code
    for bad in ("made_up", "resolved/escalated", "resolved/problem_fixed/more"):
        with pytest.raises(BadDisposition) as refused:
            await desk.service.wrap_up(cid, "a1", bad, None)
        assert refused.value.code == "desktop.bad_disposition"
    assert (await desk.service.view(cid)).status is ConversationStatus.WRAP_UP  # nothing lost

    await desk.service.wrap_up(cid, "a1", "resolved/problem_fixed", "new parcel")
    assert (await desk.service.view(cid)).status is ConversationStatus.ENDED
    assert _disposition(desk, f"chat:{cid}") == "resolved/problem_fixed"


async def test_given_an_email_then_its_queue_decides_whether_a_disposition_is_required(desk: Desk) -> None:
    desk.service.set_disposition_rules(RULES)
    required = await desk.service.open_email(_mail("<m1@example.org>"))
    await _ended_by_agent(desk, required.conversation_id)
    with pytest.raises(DispositionRequired):
        await desk.service.wrap_up(required.conversation_id, "a1", "", None)
    await desk.service.wrap_up(required.conversation_id, "a1", "follow_up", None)

    optional = await desk.service.open_email(_mail("<m2@example.org>", queue="sales"))
    await _ended_by_agent(desk, optional.conversation_id)
    with pytest.raises(BadDisposition):  # not required here, but still one of the list
        await desk.service.wrap_up(optional.conversation_id, "a1", "sold", None)
    await desk.service.wrap_up(optional.conversation_id, "a1", None, None)
    assert (await desk.service.view(optional.conversation_id)).status is ConversationStatus.ENDED
    assert _disposition(desk, f"email:{required.conversation_id}") == "follow_up"


async def test_given_an_email_taken_in_time_but_answered_late_then_its_service_level_is_missed(
    desk: Desk,
) -> None:
    view = await desk.service.open_email(_mail("<m1@example.org>"))
    cid = view.conversation_id
    desk.clock.advance(HOUR)
    await desk.service.accept("a1", desk.offer_of(cid).offer_id)  # taken after 1 h: within 4 h
    taken = await desk.email_row()
    assert (taken.offered, taken.answered, taken.service_level) == (1, 0, None)  # not answered yet

    desk.clock.advance(4 * HOUR)
    await desk.service.post_agent(cid, "a1", "Sorry! A new one is on its way.", "r-1")  # after 5 h
    answered = await desk.email_row()
    assert (answered.answered, answered.answered_in_sl, answered.service_level) == (1, 0, 0.0)
    assert answered.asa == 5 * HOUR  # the time to the first response

    desk.clock.advance(HOUR)
    await desk.service.post_agent(cid, "a1", "It left today.", "r-2")
    assert await desk.email_row() == answered  # only the first reply counts


async def test_given_an_email_answered_within_its_hours_then_it_is_in_the_service_level(desk: Desk) -> None:
    view = await desk.service.open_email(_mail("<m1@example.org>"))
    await desk.service.accept("a1", desk.offer_of(view.conversation_id).offer_id)
    desk.clock.advance(2 * HOUR)
    await desk.service.post_agent(view.conversation_id, "a1", "Here is the fix.", "r-1")
    row = await desk.email_row()
    assert (row.answered, row.answered_in_sl, row.service_level, row.asa) == (1, 1, 1.0, 2 * HOUR)
    whole = (await desk.router.snapshot()).queues
    assert [(q.answered, q.service_level) for q in whole if q.queue == "support"] == [(1, 1.0)]
