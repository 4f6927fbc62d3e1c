"""Demo mode's chats and e-mails: simulated visitors and senders, and simulated agents taking them.

Visitors (demo customers of the seeded CRM) open chats and send e-mails as Poisson streams through the
:class:`~callcenter.conversations.api.ConversationPort`, like the web chat and the e-mail channel do.
A simulated agent accepts each chat or e-mail offered to them after ``agent_answer_delay_s``, writes a
short answer in the conversation's language, ends it after a talk time and wraps up. An agent a person
signed in to on the web desktop (``is_person``, built by the composition root) is left alone: their
offers ring on their desktop, and a conversation they get while the simulation has it is theirs.
Every duration is multiplied by ``simulator.time_scale``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import uuid
from collections import deque
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from acd.model import Channel
from callcenter.bus import EventBus
from callcenter.conversations.api import (
    ChatRequest,
    ConversationPort,
    ConversationStatus,
    IncomingEmail,
    Sender,
)
from callcenter.conversations.events import ConversationOffered
from callcenter.errors import CallCenterError
from callcenter.i18n import translate
from callcenter.settings import Settings
from crm_core.models import Customer, CustomerEmail

log = logging.getLogger(__name__)

CHAT_QUESTIONS = ("demo.chat.question.order", "demo.chat.question.points", "demo.chat.question.address")
EMAILS = (
    ("demo.email.subject.invoice", "demo.email.body.invoice"),
    ("demo.email.subject.return", "demo.email.body.return"),
)
DISPOSITION = "resolved"
DEMO_MAILBOX = "demo"
# Simulated visitors' addresses (TEST-NET-2), taken in turn: the per-address chat limits stay quiet.
ADDRESSES = tuple(f"198.51.100.{n}" for n in range(1, 255))
WAITING = (ConversationStatus.WAITING, ConversationStatus.OFFERED)


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    name: str
    email: str
    language: str  # "en" | "zh_CN"


def load_demo_customers(sessions: sessionmaker[Session], limit: int = 50) -> list[DemoCustomer]:
    """The first ``limit`` people of the CRM with an e-mail address (blocking: run it in a thread)."""
    query = (
        select(Customer.display_name, CustomerEmail.email, Customer.preferred_language)
        .join(CustomerEmail, CustomerEmail.customer_id == Customer.id)
        .where(Customer.kind == "person")
        .order_by(Customer.id)
        .limit(limit)
    )
    with sessions() as session:
        rows = session.execute(query).all()
    return [
        DemoCustomer(name, email, "zh_CN" if (language or "").startswith("zh") else "en")
        for name, email, language in rows
    ]


class DemoConversations:
    """The demo's simulated chat visitors, e-mail senders and agents (``run`` until cancelled)."""

    def __init__(
        self,
        port: ConversationPort,
        bus: EventBus,
        settings: Settings,
        sessions: sessionmaker[Session],
        queues: Collection[str],
        is_person: Callable[[str], bool],
    ) -> None:
        self._port = port
        self._bus = bus
        self._settings = settings.simulator
        self._sessions = sessions
        self._customers: Sequence[DemoCustomer] = ()
        # (topic, its queue) of the topics whose queue exists
        self._topics = [(name, t.queue) for name, t in settings.chat.topics.items() if t.queue in queues]
        self._is_person = is_person
        self._rng = random.Random(settings.simulator.seed)
        self._addresses = itertools.cycle(ADDRESSES)
        self._tasks: set[asyncio.Task[None]] = set()
        # The latest conversations the simulated visitors and senders opened (their ids)
        self.opened: deque[str] = deque(maxlen=1000)

    async def run(self) -> None:
        events = self._bus.subscribe()
        self._customers = await asyncio.to_thread(load_demo_customers, self._sessions)
        self._spawn(self._arrivals(self._settings.chat_arrival_rate_per_min, self._new_chat))
        self._spawn(self._arrivals(self._settings.email_arrival_rate_per_min, self._new_email))
        try:
            async for event in events:
                if isinstance(event, ConversationOffered) and not self._is_person(event.agent_id):
                    self._spawn(self._take(event))
        finally:
            events.close()
            for task in tuple(self._tasks):
                task.cancel()
            for task in tuple(self._tasks):
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._guarded(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        except CallCenterError as exc:  # the conversation moved on (customer left, offer gone…)
            log.info("demo conversation step refused", extra={"code": exc.code})
        except Exception:  # a bug here must not stop the rest of the demo
            log.exception("demo conversation step failed")

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self._settings.time_scale)

    # -- simulated visitors and senders ------------------------------------------------------------
    async def _arrivals(
        self, rate_per_min: float, arrive: Callable[[DemoCustomer], Coroutine[Any, Any, None]]
    ) -> None:
        if rate_per_min <= 0 or not self._topics:
            return
        while True:
            await self._sleep(self._rng.expovariate(rate_per_min / 60.0))
            if self._customers:
                self._spawn(arrive(self._rng.choice(self._customers)))

    async def _new_chat(self, customer: DemoCustomer) -> None:
        topic, _queue = self._rng.choice(self._topics)
        request = ChatRequest(
            name=customer.name,
            topic=topic,
            language=customer.language,
            address=next(self._addresses),
            email=customer.email,
        )
        opened = await self._port.open_chat(request)
        conversation_id = opened.conversation.conversation_id
        self.opened.append(conversation_id)
        question = translate(self._rng.choice(CHAT_QUESTIONS), customer.language)
        await self._port.post_customer(conversation_id, question, f"demo-{uuid.uuid4().hex[:16]}")
        # A visitor nobody answers gives up, as a caller does.
        await self._sleep(self._settings.caller_patience_s)
        if (await self._port.view(conversation_id)).status in WAITING:
            await self._port.end(conversation_id, Sender.CUSTOMER, customer.name)

    async def _new_email(self, customer: DemoCustomer) -> None:
        _topic, queue = self._rng.choice(self._topics)
        subject, body = self._rng.choice(EMAILS)
        mail = IncomingEmail(
            mailbox=DEMO_MAILBOX,
            from_address=customer.email,
            from_name=customer.name,
            subject=translate(subject, customer.language),
            text=translate(body, customer.language),
            message_id=f"<demo-{uuid.uuid4().hex}@demo.invalid>",
            language=customer.language,
            queue=queue,
        )
        view = await self._port.open_email(mail)
        self.opened.append(view.conversation_id)

    # -- simulated agents ------------------------------------------------------------------------
    async def _take(self, offer: ConversationOffered) -> None:
        """Accept, answer, end and wrap up, unless a person signs in as this agent meanwhile."""
        agent, conversation_id = offer.agent_id, offer.conversation_id
        await self._sleep(self._settings.agent_answer_delay_s)
        if self._is_person(agent):
            return
        view = await self._port.accept(agent, offer.offer_id)
        await self._sleep(self._settings.agent_answer_delay_s)
        if self._is_person(agent):
            return
        await self._port.typing(conversation_id, Sender.AGENT, agent)
        code = "demo.agent.email_answer" if offer.channel is Channel.EMAIL else "demo.agent.chat_answer"
        answer = translate(code, view.language, name=view.customer_name)
        await self._port.post_agent(conversation_id, agent, answer, f"demo-{uuid.uuid4().hex[:16]}")
        await self._sleep(self._rng.expovariate(1.0 / self._settings.talk_time_s))
        if self._is_person(agent):
            return
        ended = await self._port.end(conversation_id, Sender.AGENT, agent)
        if ended.agent_id != agent:
            return
        await self._sleep(self._settings.agent_answer_delay_s)
        notes = translate("demo.agent.wrap_up_notes", view.language)
        await self._port.wrap_up(conversation_id, agent, DISPOSITION, notes)
