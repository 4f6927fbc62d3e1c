"""What every part of the conversation service shares: the store, the router, the clock, the bus,
and the conversations the engine has in the ACD right now (``Tracked``, in memory).

A conversation is routed as one ACD work item whose id is the conversation id. The router's
events about it arrive in :meth:`ConversationCore.on_acd_event` (see :mod:`.routing`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from acd.errors import AcdError
from acd.model import Channel, Customer, SkillRequirement, ValueTier, WorkItem
from acd.router import Router
from callcenter.conversations.api import (
    ConversationStatus,
    ReplySender,
    Sender,
    StoredMessage,
    TranscriptMailer,
)
from callcenter.conversations.customers import CrmCustomers
from callcenter.conversations.events import ConversationMessageAdded, ConversationStatusChanged
from callcenter.conversations.rules import RateWindow
from callcenter.conversations.store import ConversationStore, message_of
from callcenter.settings_chat import ChatSettings
from crm_core import conversations as db
from crm_core.lookup import LookupResult

log = logging.getLogger(__name__)

S = ConversationStatus
# Statuses in which the customer may still write (a left message takes the visitor's text too).
CUSTOMER_WRITES = (S.WAITING, S.OFFERED, S.ACTIVE, S.LEFT_MESSAGE)
ALL_STATUSES = tuple(ConversationStatus)
CONVERSATION_CHANNELS = frozenset({Channel.CHAT, Channel.EMAIL, Channel.VOICEMAIL, Channel.FAX})


class Staffing(Protocol):
    async def staffed(self, queue: str, skills: tuple[tuple[str, int], ...]) -> bool: ...


Publish = Callable[[object], None]


@dataclass(slots=True)
class Tracked:
    """A conversation the ACD has (waiting, offered or with an agent), as the engine knows it."""

    item: WorkItem
    status: ConversationStatus
    customer_name: str
    subject: str
    pop: LookupResult | None
    agent_id: str | None = None
    offer_id: str | None = None
    offer_agent: str | None = None
    last_wait: tuple[int | None, float | None] | None = None


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(16)}"


class ConversationCore:
    def __init__(
        self,
        settings: ChatSettings,
        store: ConversationStore,
        router: Router,
        customers: CrmCustomers,
        staffing: Staffing,
        clock: Callable[[], float],
        publish: Publish,
        queues: Callable[[], Collection[str]],
    ) -> None:
        self.settings = settings
        self.store = store
        self.router = router
        self.customers = customers
        self.staffing = staffing
        self.clock = clock
        self.publish = publish
        self.queues = queues  # the queues in force (a transfer's target must be one)
        self.tracked: dict[str, Tracked] = {}
        self.offers: dict[str, str] = {}  # offer id → conversation id
        self.reply_sender: ReplySender | None = None
        self.transcript_mailer: TranscriptMailer | None = None
        self.message_rate = RateWindow(settings.messages_per_10s, 10.0, "conversation.rate_limited")
        self.new_chat_rate = RateWindow(
            settings.new_chats_per_minute, 60.0, "conversation.too_many_new_chats"
        )
        self._tasks: set[asyncio.Task[None]] = set()

    # -- ports set by the composition root ---------------------------------------------------
    def set_reply_sender(self, port: ReplySender) -> None:
        self.reply_sender = port

    def set_transcript_mailer(self, port: TranscriptMailer) -> None:
        self.transcript_mailer = port

    # -- background work from synchronous listeners -------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        async def logged() -> None:
            try:
                await coro
            except Exception:
                log.exception("conversation task failed", extra={"task": what})

        task = asyncio.get_running_loop().create_task(logged(), name=what)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the background writes started so far (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- routing -------------------------------------------------------------------------------
    async def route(
        self,
        record: db.ConversationRecord,
        channel: Channel,
        pop: LookupResult | None,
        tier: ValueTier,
        previous_agent: str | None = None,
    ) -> None:
        """Queue the conversation as a work item (tracked first: an offer may come at once)."""
        customer = f"crm:{record.customer_id}" if record.customer_id is not None else f"conv:{record.id}"
        item = WorkItem(
            item_id=record.id,
            channel=channel,
            queue=record.queue,
            customer=Customer(customer, tier),
            arrived_at=record.queued_at,
            skills=tuple(SkillRequirement(s, n) for s, n in record.skills),
            previous_agent_id=previous_agent,
        )
        status = S.LEFT_MESSAGE if record.status == S.LEFT_MESSAGE else S.WAITING
        self.tracked[record.id] = Tracked(item, status, record.customer_name, record.subject, pop)
        try:
            await self.router.enqueue(item)
        except AcdError:
            self.tracked.pop(record.id, None)
            raise

    def untrack(self, conversation_id: str) -> Tracked | None:
        tracked = self.tracked.pop(conversation_id, None)
        if tracked is not None and tracked.offer_id is not None:
            self.offers.pop(tracked.offer_id, None)
        return tracked

    # -- messages ------------------------------------------------------------------------------
    async def append(
        self,
        conversation_id: str,
        sender: Sender,
        author: str,
        text: str,
        statuses: Sequence[ConversationStatus],
        client_id: str | None = None,
        attachments: tuple[str, ...] = (),
    ) -> StoredMessage:
        message = db.NewMessage(new_id("m"), sender.value, author, text, self.clock(), client_id, attachments)
        appended = await self.store.append(conversation_id, message, [s.value for s in statuses])
        stored = message_of(appended.message)
        if not appended.duplicate:
            c = appended.conversation
            self.publish(ConversationMessageAdded(stored, Channel(c.channel), c.agent_id, c.supervisors))
        return stored

    async def system(self, conversation_id: str, code: str, author: str = "system") -> StoredMessage:
        """A message of the system (``code`` is a ``conversation.system.*`` text the clients translate)."""
        return await self.append(conversation_id, Sender.SYSTEM, author, code, ALL_STATUSES)

    def status_changed(
        self,
        record: db.ConversationRecord,
        previous_agent: str | None = None,
        wait: tuple[int | None, float | None] = (None, None),
    ) -> None:
        self.publish(
            ConversationStatusChanged(
                conversation_id=record.id,
                channel=Channel(record.channel),
                status=ConversationStatus(record.status),
                queue=record.queue,
                agent_id=record.agent_id,
                previous_agent_id=previous_agent,
                position=wait[0],
                expected_wait_s=wait[1],
                at=self.clock(),
            )
        )
