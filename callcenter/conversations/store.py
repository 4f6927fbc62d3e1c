"""The conversations' database side for the engine: each call one short transaction in a worker
thread (the event loop stays free), through :mod:`crm_core.conversations`; records become the
port's values here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from acd.model import Channel
from callcenter.conversations.api import (
    AttachmentRef,
    ConversationStatus,
    ConversationView,
    Sender,
    StoredMessage,
)
from callcenter.conversations.appends import AppendBatches
from callcenter.conversations.errors import ConversationClosed, ConversationError, ConversationNotFound
from callcenter.db_retry import in_transaction
from crm_core import conversations as db
from crm_core.audit import AuditLog
from crm_core.clock import Clock
from crm_core.errors import CrmError, NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.tickets import TicketDraft, TicketService

T = TypeVar("T")


def view_of(record: db.ConversationRecord) -> ConversationView:
    return ConversationView(
        conversation_id=record.id,
        channel=Channel(record.channel),
        status=ConversationStatus(record.status),
        queue=record.queue,
        language=record.language,
        customer_id=record.customer_id,
        customer_name=record.customer_name,
        customer_address=record.customer_address,
        subject=record.subject,
        agent_id=record.agent_id,
        supervisors=record.supervisors,
        ticket_id=record.ticket_id,
        opened_at=record.opened_at,
        last_seq=record.last_seq,
    )


def _ref(a: db.AttachmentRecord) -> AttachmentRef:
    return AttachmentRef(a.id, a.filename, a.content_type, a.size)


def message_of(m: db.MessageRecord) -> StoredMessage:
    return StoredMessage(
        conversation_id=m.conversation_id,
        seq=m.seq,
        message_id=m.message_id,
        client_id=m.client_id,
        sender=Sender(m.sender),
        author=m.author,
        text=m.text,
        attachments=tuple(_ref(a) for a in m.attachments),
        at=m.at,
    )


def _translated(exc: CrmError) -> ConversationError:
    if isinstance(exc, db.ConversationClosed):
        return ConversationClosed(None, **exc.params)
    if isinstance(exc, NotFound):
        return ConversationNotFound(kind=str(exc.params.get("kind", "")), key=str(exc.params.get("key", "")))
    return ConversationError(exc.code, **exc.params)


def _at(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


class ConversationStore:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, default_region: str) -> None:
        self._sessions = sessions
        self._tickets = TicketService(clock)
        self._interactions = InteractionLog(default_region=default_region)
        self._audit = AuditLog()
        self._appends = AppendBatches(sessions)

    async def _write(self, work: Callable[[Session], T]) -> T:
        try:
            return await asyncio.to_thread(in_transaction, self._sessions, work)
        except CrmError as exc:
            raise _translated(exc) from exc

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions() as session:
                return work(session)

        try:
            return await asyncio.to_thread(run)
        except CrmError as exc:
            raise _translated(exc) from exc

    # -- conversations -------------------------------------------------------------------------
    async def create(self, first: db.NewMessage | None = None, **fields: Any) -> db.ConversationRecord:
        def work(session: Session) -> db.ConversationRecord:
            record = db.create(session, **fields)
            if first is not None:
                return db.append(session, record.id, first, [record.status]).conversation
            return record

        return await self._write(work)

    async def get(self, conversation_id: str) -> db.ConversationRecord:
        return await self._read(lambda s: db.get(s, conversation_id))

    async def change(
        self, conversation_id: str, only_from: Sequence[str] | None = None, **values: Any
    ) -> db.ConversationRecord | None:
        return await self._write(lambda s: db.change(s, conversation_id, only_from, **values))

    async def join(
        self, conversation_id: str, supervisor: str, statuses: Sequence[str]
    ) -> db.ConversationRecord | None:
        return await self._write(lambda s: db.add_supervisor(s, conversation_id, supervisor, statuses))

    async def in_statuses(
        self, statuses: Sequence[str], agent_id: str | None = None
    ) -> list[db.ConversationRecord]:
        return await self._read(lambda s: db.in_statuses(s, statuses, agent_id))

    async def append(
        self, conversation_id: str, message: db.NewMessage, statuses: Sequence[str]
    ) -> db.Appended:
        try:
            return await self._appends.append(conversation_id, message, statuses)
        except CrmError as exc:
            raise _translated(exc) from exc

    async def messages(self, conversation_id: str, after_seq: int, limit: int) -> list[StoredMessage]:
        def work(session: Session) -> list[db.MessageRecord]:
            db.get(session, conversation_id)  # an unknown id is refused, not an empty list
            return db.messages(session, conversation_id, after_seq, limit)

        return [message_of(m) for m in await self._read(work)]

    async def count_open_by_address(self, address: str) -> int:
        return await self._read(lambda s: db.count_open_by_address(s, address))

    # -- attachments ---------------------------------------------------------------------------
    async def add_attachment(self, data: bytes, **fields: Any) -> AttachmentRef:
        return _ref(await self._write(lambda s: db.add_attachment(s, data, **fields)))

    async def read_attachment(self, conversation_id: str, attachment_id: str) -> tuple[AttachmentRef, bytes]:
        record, data = await self._read(lambda s: db.read_attachment(s, conversation_id, attachment_id))
        return _ref(record), data

    # -- the CRM around them -------------------------------------------------------------------
    async def open_ticket(
        self, conversation_id: str, subject: str, customer_id: int | None, text: str
    ) -> int:
        def work(session: Session) -> int:
            draft = TicketDraft(
                type="enquiry",
                subject=subject[:200] or "-",
                customer_id=customer_id,
                description=text[:10_000],
            )
            ticket = self._tickets.open(session, draft)
            db.change(session, conversation_id, None, ticket_id=ticket.id)
            return ticket.id

        return await self._write(work)

    async def ticket_responded(self, ticket_id: int) -> None:
        await self._write(lambda s: self._tickets.respond(s, ticket_id))

    async def record_interaction(self, record: db.ConversationRecord, transcript: str) -> None:
        interaction = InteractionRecord(
            external_ref=record.interaction_ref or f"{record.channel}:{record.id}",
            channel=record.channel,
            direction="inbound",
            started_at=datetime.fromtimestamp(record.opened_at, tz=UTC),
            customer_id=record.customer_id,
            queue=record.queue,
            agent_id=record.agent_id,
            answered_at=_at(record.answered_at),
            ended_at=_at(record.ended_at),
            outcome="answered" if record.answered_at is not None else "abandoned",
        )

        def work(session: Session) -> None:
            interaction_id = db.record_interaction(session, self._interactions, interaction, transcript)
            if record.ticket_id is not None:
                self._tickets.link_interaction(session, record.ticket_id, interaction_id)

        await self._write(work)

    async def set_wrap_up(self, external_ref: str, disposition: str, notes: str | None) -> None:
        await self._write(lambda s: self._interactions.set_wrap_up(s, external_ref, disposition, notes))

    async def audit(self, at: float, actor: str, action: str, target: str, details: dict[str, str]) -> None:
        await self._write(lambda s: self._audit.record(s, at, actor, "supervisor", action, target, details))
