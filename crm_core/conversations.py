"""Storage of conversations (web chat, e-mail): rows in, frozen records out.

Appending a message is one short transaction: ``UPDATE conversations SET last_seq = last_seq + 1
… RETURNING`` takes the conversation's row lock (PostgreSQL) or the database's write lock (SQLite,
``BEGIN IMMEDIATE``), so concurrent appends to one conversation take turns and ``seq`` has no gap
and no duplicate. A ``client_id`` the same sender already used returns the stored message (and
gives the number back: the counter is lowered again under the same lock). Appends to different
conversations do not wait for each other on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, Table, Update, func, or_, select, update
from sqlalchemy.orm import Session

from crm_core.errors import CrmError, NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.models import Interaction
from crm_core.models_conversations import (
    OPEN_STATUSES,
    Conversation,
    ConversationAttachment,
    ConversationMessage,
)

_TABLE: Table = Conversation.__table__  # type: ignore[assignment]
_COLUMNS = tuple(_TABLE.c)


class ConversationNotFound(NotFound):
    code = "conversation.not_found"
    template = "conversation {key} does not exist"


class ConversationClosed(CrmError):
    code = "conversation.closed"
    template = "conversation {conversation_id} is {status}: it takes no more messages"


class UnknownAttachment(CrmError):
    code = "conversation.unknown_attachment"
    template = "attachment {attachment_id} is not an unsent file of this conversation"


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str
    channel: str
    status: str
    queue: str
    skills: tuple[tuple[str, int], ...]
    language: str
    customer_id: int | None
    customer_name: str
    customer_address: str | None
    tier: str
    subject: str
    agent_id: str | None
    supervisors: tuple[str, ...]
    ticket_id: int | None
    visitor_key_hash: str | None
    address: str | None
    opened_at: float
    queued_at: float
    answered_at: float | None
    ended_at: float | None
    interaction_ref: str | None
    last_seq: int


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    id: str
    conversation_id: str
    message_seq: int | None
    uploader: str
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class MessageRecord:
    conversation_id: str
    seq: int
    message_id: str
    client_id: str | None
    sender: str
    author: str
    text: str
    at: float
    attachments: tuple[AttachmentRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class NewMessage:
    message_id: str
    sender: str
    author: str
    text: str
    at: float
    client_id: str | None = None
    attachment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Appended:
    message: MessageRecord
    conversation: ConversationRecord  # as it is after the append
    duplicate: bool  # the client id was already used: ``message`` is the one stored before


def _record(row: Row[Any] | Conversation) -> ConversationRecord:
    m = row._mapping if isinstance(row, Row) else {c.name: getattr(row, c.key) for c in _COLUMNS}
    return ConversationRecord(
        id=m["id"],
        channel=m["channel"],
        status=m["status"],
        queue=m["queue"],
        skills=tuple((str(s), int(n)) for s, n in json.loads(m["skills"] or "[]")),
        language=m["language"],
        customer_id=m["customer_id"],
        customer_name=m["customer_name"],
        customer_address=m["customer_address"],
        tier=m["tier"],
        subject=m["subject"],
        agent_id=m["agent_id"],
        supervisors=tuple(json.loads(m["supervisors"] or "[]")),
        ticket_id=m["ticket_id"],
        visitor_key_hash=m["visitor_key_hash"],
        address=m["address"],
        opened_at=m["opened_at"],
        queued_at=m["queued_at"],
        answered_at=m["answered_at"],
        ended_at=m["ended_at"],
        interaction_ref=m["interaction_ref"],
        last_seq=m["last_seq"],
    )


def _attachment(row: ConversationAttachment) -> AttachmentRecord:
    return AttachmentRecord(
        row.id, row.conversation_id, row.message_seq, row.uploader, row.filename, row.content_type,
        row.size, row.sha256,
    )  # fmt: skip


def _message(row: ConversationMessage, attachments: Iterable[AttachmentRecord] = ()) -> MessageRecord:
    return MessageRecord(
        row.conversation_id, row.seq, row.message_id, row.client_id, row.sender, row.author, row.text,
        row.at, tuple(attachments),
    )  # fmt: skip


def create(session: Session, **fields: Any) -> ConversationRecord:
    """A new conversation; ``skills`` a sequence of (skill, level), ``supervisors`` none yet."""
    skills = json.dumps([[s, n] for s, n in fields.pop("skills", ())])
    row = Conversation(skills=skills, supervisors="[]", last_seq=0, **fields)
    session.add(row)
    session.flush()
    return _record(row)


def get(session: Session, conversation_id: str, for_update: bool = False) -> ConversationRecord:
    query = select(*_COLUMNS).where(_TABLE.c.id == conversation_id)
    row = session.execute(query.with_for_update() if for_update else query).one_or_none()
    if row is None:
        raise ConversationNotFound(kind="conversation", key=conversation_id)
    return _record(row)


def in_statuses(
    session: Session, statuses: Sequence[str], agent_id: str | None = None
) -> list[ConversationRecord]:
    """Conversations in these statuses (of one agent), oldest first: one query."""
    query = select(*_COLUMNS).where(_TABLE.c.status.in_(list(statuses)))
    if agent_id is not None:
        query = query.where(_TABLE.c.agent_id == agent_id)
    return [_record(r) for r in session.execute(query.order_by(_TABLE.c.opened_at, _TABLE.c.id))]


def add_supervisor(
    session: Session, conversation_id: str, supervisor: str, statuses: Sequence[str]
) -> ConversationRecord | None:
    """``supervisor`` joins (once) while the status is one of ``statuses``; None otherwise."""
    record = get(session, conversation_id, for_update=True)
    if record.status not in statuses:
        return None
    if supervisor in record.supervisors:
        return record
    return change(session, conversation_id, None, supervisors=(*record.supervisors, supervisor))


def open_conversations(session: Session) -> list[ConversationRecord]:
    return in_statuses(session, OPEN_STATUSES)


def change(
    session: Session, conversation_id: str, only_from: Sequence[str] | None = None, **values: Any
) -> ConversationRecord | None:
    """Set ``values`` (``supervisors`` a sequence, ``skills`` pairs); with ``only_from``, only when the
    status is one of those. The record after the change, or None when the status did not match."""
    if "supervisors" in values:
        values["supervisors"] = json.dumps(list(values["supervisors"]))
    if "skills" in values:
        values["skills"] = json.dumps([[s, n] for s, n in values["skills"]])
    row = session.execute(
        _update_row(conversation_id, only_from).values(**values).returning(*_COLUMNS)
    ).one_or_none()
    if row is None:
        get(session, conversation_id)  # raises when it does not exist at all
        return None
    return _record(row)


def _update_row(conversation_id: str, statuses: Sequence[str] | None = None) -> Update:
    """An UPDATE of one conversation's row (it locks the row until commit); with ``statuses``, only
    while its status is one of those."""
    query = update(_TABLE).where(_TABLE.c.id == conversation_id)
    return query if statuses is None else query.where(_TABLE.c.status.in_(list(statuses)))


def append(session: Session, conversation_id: str, message: NewMessage, statuses: Sequence[str]) -> Appended:
    """Store ``message`` as the next ``seq`` while the conversation is in one of ``statuses``."""
    bumped = session.execute(
        _update_row(conversation_id, statuses).values(last_seq=_TABLE.c.last_seq + 1).returning(*_COLUMNS)
    ).one_or_none()
    if bumped is None:
        current = get(session, conversation_id)
        raise ConversationClosed(conversation_id=conversation_id, status=current.status)
    conversation = _record(bumped)
    if message.client_id is not None:
        earlier = session.scalars(
            select(ConversationMessage).where(
                ConversationMessage.conversation_id == conversation_id,
                ConversationMessage.sender == message.sender,
                ConversationMessage.client_id == message.client_id,
            )
        ).one_or_none()
        if earlier is not None:
            session.execute(_update_row(conversation_id).values(last_seq=_TABLE.c.last_seq - 1))
            attachments = _attachments_of(session, conversation_id, earlier.seq, earlier.seq)
            stored = _message(earlier, attachments.get(earlier.seq, ()))
            return Appended(stored, replace(conversation, last_seq=conversation.last_seq - 1), True)
    seq = conversation.last_seq
    row = ConversationMessage(
        conversation_id=conversation_id, seq=seq, message_id=message.message_id,
        client_id=message.client_id, sender=message.sender, author=message.author, text=message.text,
        at=message.at,
    )  # fmt: skip
    session.add(row)
    linked = _link_attachments(session, conversation_id, message, seq)
    session.flush()
    return Appended(_message(row, linked), conversation, False)


def _link_attachments(
    session: Session, conversation_id: str, message: NewMessage, seq: int
) -> list[AttachmentRecord]:
    if not message.attachment_ids:
        return []
    rows = {
        r.id: r
        for r in session.scalars(
            select(ConversationAttachment).where(
                ConversationAttachment.id.in_(list(message.attachment_ids)),
                ConversationAttachment.conversation_id == conversation_id,
                ConversationAttachment.message_seq.is_(None),
            )
        )
    }
    linked = []
    for attachment_id in message.attachment_ids:
        row = rows.get(attachment_id)
        if row is None:
            raise UnknownAttachment(attachment_id=attachment_id)
        row.message_seq = seq
        linked.append(_attachment(row))
    return linked


def messages(session: Session, conversation_id: str, after_seq: int, limit: int) -> list[MessageRecord]:
    """Messages after ``after_seq`` in order, with their attachments: two queries."""
    rows = list(
        session.scalars(
            select(ConversationMessage)
            .where(
                ConversationMessage.conversation_id == conversation_id, ConversationMessage.seq > after_seq
            )
            .order_by(ConversationMessage.seq)
            .limit(limit)
        )
    )
    if not rows:
        return []
    attachments = _attachments_of(session, conversation_id, rows[0].seq, rows[-1].seq)
    return [_message(r, attachments.get(r.seq, ())) for r in rows]


def _attachments_of(
    session: Session, conversation_id: str, first: int, last: int
) -> dict[int, list[AttachmentRecord]]:
    found: dict[int, list[AttachmentRecord]] = {}
    for row in session.scalars(
        select(ConversationAttachment)
        .where(
            ConversationAttachment.conversation_id == conversation_id,
            ConversationAttachment.message_seq.between(first, last),
        )
        .order_by(ConversationAttachment.at, ConversationAttachment.id)
    ):
        found.setdefault(row.message_seq or 0, []).append(_attachment(row))
    return found


def add_attachment(session: Session, data: bytes, **fields: Any) -> AttachmentRecord:
    row = ConversationAttachment(data=data, size=len(data), message_seq=None, **fields)
    session.add(row)
    session.flush()
    return _attachment(row)


def read_attachment(
    session: Session, conversation_id: str, attachment_id: str
) -> tuple[AttachmentRecord, bytes]:
    row = session.get(ConversationAttachment, attachment_id)
    if row is None or row.conversation_id != conversation_id:
        raise NotFound(kind="attachment", key=attachment_id)
    return _attachment(row), row.data


def count_open_by_address(session: Session, address: str) -> int:
    """Chats a visitor at ``address`` still has open (a left message counts until they leave it)."""
    c = _TABLE.c
    still_there = or_(c.status.in_(["waiting", "offered", "active"]), c.ended_at.is_(None))
    query = select(func.count()).where(c.address == address, c.status.in_(list(OPEN_STATUSES)), still_there)
    return int(session.execute(query).scalar_one())


def record_interaction(
    session: Session, log: InteractionLog, record: InteractionRecord, transcript: str
) -> int:
    """The conversation in the customer's timeline (again: updates the same row), with its transcript."""
    interaction_id = log.record(session, record)
    session.execute(update(Interaction).where(Interaction.id == interaction_id).values(transcript=transcript))
    return interaction_id


def transcript_of(session: Session, external_ref: str) -> str | None:
    return session.scalars(
        select(Interaction.transcript).where(Interaction.external_ref == external_ref)
    ).first()
