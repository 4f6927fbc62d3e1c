"""Storage of the e-mail channel: raw mails first, then threads and headers (see models_mail).

Every function takes the caller's session; the caller owns the transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.models import Ticket
from crm_core.models_conversations import Conversation, ConversationMessage
from crm_core.models_mail import HEADER, MailHeader, MailThread, RawMail


@dataclasses.dataclass(frozen=True, slots=True)
class RawMailView:
    id: int
    source: str
    uid: int
    raw: bytes
    size: int
    sha256: str
    received_at: datetime
    status: str
    reason: str | None
    detail: str | None
    from_address: str | None
    subject: str | None
    conversation_id: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class ThreadView:
    conversation_id: str
    ticket_id: int | None
    address: str
    subject: str
    language: str
    queue: str


def _raw_view(row: RawMail) -> RawMailView:
    return RawMailView(
        row.id,
        row.source,
        row.uid,
        row.raw,
        row.size,
        row.sha256,
        row.received_at,
        row.status,
        row.reason,
        row.detail,
        row.from_address,
        row.subject,
        row.conversation_id,
    )


def store_raw(
    session: Session, source: str, uidvalidity: int, uid: int, raw: bytes, now: datetime
) -> int | None:
    """Keep a fetched mail byte for byte; None when this (source, uidvalidity, uid) is already stored."""
    exists = session.scalar(
        select(RawMail.id).where(
            RawMail.source == source, RawMail.uidvalidity == uidvalidity, RawMail.uid == uid
        )
    )
    if exists is not None:
        return None
    row = RawMail(
        source=source[: limits.PATH],
        uidvalidity=uidvalidity,
        uid=uid,
        raw=raw,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        received_at=now,
        status="new",
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row.id


def last_uid(session: Session, source: str, uidvalidity: int) -> int:
    found = session.scalar(
        select(func.max(RawMail.uid)).where(RawMail.source == source, RawMail.uidvalidity == uidvalidity)
    )
    return int(found or 0)


def unprocessed(session: Session, limit: int = 500) -> list[int]:
    return list(
        session.scalars(select(RawMail.id).where(RawMail.status == "new").order_by(RawMail.id).limit(limit))
    )


def unprocessed_mails(session: Session, limit: int = 500) -> list[RawMailView]:
    rows = session.scalars(select(RawMail).where(RawMail.status == "new").order_by(RawMail.id).limit(limit))
    return [_raw_view(row) for row in rows]


def raw_mail(session: Session, raw_id: int) -> RawMailView | None:
    row = session.get(RawMail, raw_id)
    return None if row is None else _raw_view(row)


def begin_attempt(session: Session, raw_id: int) -> int:
    """Count a hand-over about to start; the attempts before this one."""
    row = session.get(RawMail, raw_id)
    if row is None:
        return 0
    row.attempts += 1
    return row.attempts - 1


def conversation_of_mail(session: Session, address: str, client_id: str) -> str | None:
    """The conversation the service stored this mail in (its ``client_id`` from the Message-ID), if
    an earlier attempt got through before the channel could record it."""
    return session.scalar(
        select(Conversation.id)
        .join(ConversationMessage, ConversationMessage.conversation_id == Conversation.id)
        .where(Conversation.customer_address == address, ConversationMessage.client_id == client_id)
        .limit(1)
    )


def quarantine(session: Session, raw_id: int, reason: str, detail: str, now: datetime) -> None:
    row = session.get(RawMail, raw_id)
    if row is None or row.status != "new":
        return
    row.status, row.reason, row.detail = "quarantined", reason[: limits.CODE], detail[: limits.REASON]
    row.processed_at = now


def mark_processed(
    session: Session,
    raw_id: int,
    conversation_id: str | None,
    from_address: str,
    subject: str,
    now: datetime,
) -> None:
    row = session.get(RawMail, raw_id)
    if row is None:
        return
    row.status, row.conversation_id, row.processed_at = "processed", conversation_id, now
    row.from_address, row.subject = from_address[: limits.EMAIL], subject[: limits.TITLE]


def quarantined(session: Session, limit: int = 100, offset: int = 0) -> list[RawMailView]:
    rows = session.scalars(
        select(RawMail)
        .where(RawMail.status == "quarantined")
        .order_by(RawMail.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_raw_view(row) for row in rows]


def conversation_mails(session: Session, conversation_id: str) -> list[RawMailView]:
    rows = session.scalars(
        select(RawMail).where(RawMail.conversation_id == conversation_id).order_by(RawMail.id)
    )
    return [_raw_view(row) for row in rows]


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(RawMail.status, func.count()).group_by(RawMail.status)).all()
    return {status: int(n) for status, n in rows}


# -- the ticket's first-response timer --------------------------------------------------------------


def start_first_response_timer(session: Session, ticket_id: int, due: datetime) -> bool:
    """The e-mail channel's SLA: the first answer is due at ``due`` (False: no such ticket)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return False
    ticket.first_response_due_at = due
    return True


def first_response_given(session: Session, ticket_id: int, at: datetime) -> None:
    """Stop the first-response timer once (the first reply that went out)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is not None and ticket.first_responded_at is None:
        ticket.first_responded_at = at
        ticket.updated_at = at


def ticket_customer(session: Session, ticket_id: int, customer_id: int) -> None:
    """An unknown sender's ticket goes to the customer they were linked to (only when it had none)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is not None and ticket.customer_id is None:
        ticket.customer_id = customer_id


# -- threads and headers ------------------------------------------------------------------------


def save_thread(session: Session, thread: ThreadView, now: datetime) -> None:
    session.add(
        MailThread(
            conversation_id=thread.conversation_id,
            ticket_id=thread.ticket_id,
            address=thread.address[: limits.EMAIL],
            subject=thread.subject[: limits.TITLE],
            language=thread.language,
            queue=thread.queue[: limits.SHORT],
            created_at=now,
        )
    )
    session.flush()


def thread(session: Session, conversation_id: str) -> ThreadView | None:
    row = session.get(MailThread, conversation_id)
    if row is None:
        return None
    return ThreadView(row.conversation_id, row.ticket_id, row.address, row.subject, row.language, row.queue)


def thread_by_reference(session: Session, message_ids: tuple[str, ...]) -> str | None:
    """The conversation of the newest stored mail (either way) whose Message-ID is one of these."""
    if not message_ids:
        return None
    cut = [m[:HEADER] for m in message_ids]
    return session.scalar(
        select(MailHeader.conversation_id)
        .where(MailHeader.message_id.in_(cut))
        .order_by(MailHeader.id.desc())
        .limit(1)
    )


def thread_by_ticket(session: Session, ticket_id: int, address: str) -> str | None:
    """The conversation of a subject tag, trusted only when the ticket's sender is this address."""
    return session.scalar(
        select(MailThread.conversation_id)
        .where(MailThread.ticket_id == ticket_id, MailThread.address == address)
        .order_by(MailThread.created_at.desc())
        .limit(1)
    )


def known_incoming(session: Session, message_id: str) -> str | None:
    return session.scalar(
        select(MailHeader.conversation_id)
        .where(MailHeader.message_id == message_id[:HEADER], MailHeader.direction == "in")
        .limit(1)
    )


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderRecord:
    conversation_id: str
    direction: str  # "in" | "out"
    message_id: str
    in_reply_to: str | None
    references: str | None
    seq: int | None = None
    raw_id: int | None = None


def add_header(session: Session, record: HeaderRecord, now: datetime) -> None:
    session.add(
        MailHeader(
            conversation_id=record.conversation_id,
            direction=record.direction,
            seq=record.seq,
            message_id=record.message_id[:HEADER],
            in_reply_to=record.in_reply_to[:HEADER] if record.in_reply_to else None,
            references=record.references,
            raw_id=record.raw_id,
            at=now,
        )
    )
    session.flush()


def thread_chain(session: Session, conversation_id: str) -> tuple[str | None, tuple[str, ...]]:
    """(the customer's last Message-ID, every Message-ID of the conversation in order) for a reply."""
    rows = session.execute(
        select(MailHeader.message_id, MailHeader.direction)
        .where(MailHeader.conversation_id == conversation_id)
        .order_by(MailHeader.id)
    ).all()
    last_in = next((m for m, d in reversed(rows) if d == "in"), None)
    return last_in, tuple(m for m, _d in rows)
