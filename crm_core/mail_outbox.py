"""The outgoing mail queue: a row per mail, written before the SMTP attempt (see models_mail)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.models_mail import HEADER, OutboxMail


@dataclasses.dataclass(frozen=True, slots=True)
class OutgoingMail:
    id: int
    message_id: str
    kind: str
    conversation_id: str | None
    to_address: str
    raw: bytes
    status: str
    attempts: int
    created_at: datetime


def enqueue(
    session: Session,
    *,
    message_id: str,
    kind: str,
    conversation_id: str | None,
    to_address: str,
    raw: bytes,
    now: datetime,
) -> int:
    row = OutboxMail(
        message_id=message_id[:HEADER],
        kind=kind,
        conversation_id=conversation_id,
        to_address=to_address[: limits.EMAIL],
        raw=raw,
        status="pending",
        attempts=0,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def pending(session: Session, limit: int = 100) -> list[OutgoingMail]:
    rows = session.scalars(
        select(OutboxMail).where(OutboxMail.status == "pending").order_by(OutboxMail.id).limit(limit)
    )
    return [_view(r) for r in rows]


def _view(r: OutboxMail) -> OutgoingMail:
    return OutgoingMail(
        r.id, r.message_id, r.kind, r.conversation_id, r.to_address, r.raw, r.status, r.attempts, r.created_at
    )


def all_for(session: Session, conversation_id: str) -> list[OutgoingMail]:
    rows = session.scalars(
        select(OutboxMail).where(OutboxMail.conversation_id == conversation_id).order_by(OutboxMail.id)
    )
    return [_view(r) for r in rows]


def mark_sent(session: Session, outbox_id: int, now: datetime) -> bool:
    """True when this call moved it to sent (False: another sender got there first)."""
    row = session.get(OutboxMail, outbox_id)
    if row is None or row.status == "sent":
        return False
    row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
    return True


def mark_rejected(session: Session, outbox_id: int, error: str) -> None:
    """The server refused this mail for good (a 5xx): it is kept, and no longer tried."""
    row = session.get(OutboxMail, outbox_id)
    if row is not None and row.status == "pending":
        row.status, row.attempts, row.last_error = "rejected", row.attempts + 1, error[: limits.REASON]


def mark_failed(session: Session, outbox_id: int, error: str) -> None:
    row = session.get(OutboxMail, outbox_id)
    if row is not None and row.status == "pending":
        row.attempts += 1
        row.last_error = error[: limits.REASON]


def queued(session: Session, message_id: str) -> bool:
    return (
        session.scalar(select(OutboxMail.id).where(OutboxMail.message_id == message_id[:HEADER])) is not None
    )
