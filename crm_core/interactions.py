"""The interaction timeline: one row per contact on any channel.

The engine calls :meth:`InteractionLog.record` when a call (or chat, e-mail...) ends, keyed by its
``external_ref`` (for calls the Asterisk ``uniqueid``); recording the same ref again updates it, so a
retried hangup handler or a late wrap-up never creates a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import limits, phones
from crm_core.clock import as_utc
from crm_core.errors import InvalidValue, NotFound
from crm_core.models import Customer, CustomerPhone, Interaction
from crm_core.validation import check_length, one_of, required


class Channel(StrEnum):
    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    FAX = "fax"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """What the engine knows about a finished (or wrapped-up) contact. Datetimes must be tz-aware."""

    external_ref: str
    channel: str
    direction: str
    started_at: datetime
    customer_id: int | None = None
    queue: str | None = None
    agent_id: str | None = None
    caller_number: str | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None
    disposition: str | None = None
    notes: str | None = None
    recording_path: str | None = None
    transcript_path: str | None = None
    document_path: str | None = None


@dataclass(frozen=True, slots=True)
class InteractionView:
    id: int
    customer_id: int | None
    external_ref: str
    channel: str
    direction: str
    queue: str | None
    agent_id: str | None
    caller_number: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    outcome: str | None
    disposition: str | None
    notes: str | None
    recording_path: str | None
    transcript_path: str | None
    document_path: str | None

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


def interaction_view(row: Interaction) -> InteractionView:
    return InteractionView(
        id=row.id,
        customer_id=row.customer_id,
        external_ref=row.external_ref,
        channel=row.channel,
        direction=row.direction,
        queue=row.queue,
        agent_id=row.agent_id,
        caller_number=row.caller_number,
        started_at=row.started_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        outcome=row.outcome,
        disposition=row.disposition,
        notes=row.notes,
        recording_path=row.recording_path,
        transcript_path=row.transcript_path,
        document_path=row.document_path,
    )


_OPTIONAL_TEXT = (
    ("queue", limits.SHORT),
    ("agent_id", limits.SHORT),
    ("outcome", limits.CODE),
    ("disposition", limits.CODE),
    ("notes", limits.NOTE),
    ("recording_path", limits.PATH),
    ("transcript_path", limits.PATH),
    ("document_path", limits.PATH),
)


class InteractionLog:
    """Writes and reads the timeline. ``default_region`` resolves national caller numbers."""

    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region

    def record(self, session: Session, record: InteractionRecord) -> int:
        """Insert (or update, same ``external_ref``) an interaction; return its id. Flushes, no commit.

        A caller number is stored in E.164 when it parses, else as given. When ``customer_id`` is
        missing and the number belongs to exactly one customer, the interaction is linked to them.
        """
        values = self._validated(record)
        customer_id = record.customer_id
        if customer_id is not None:
            if session.get(Customer, customer_id) is None:
                raise NotFound(kind="customer", key=customer_id)
        elif values["caller_number"] is not None:
            customer_id = self._sole_owner(session, values["caller_number"])
        row = session.scalars(
            select(Interaction).where(Interaction.external_ref == values["external_ref"])
        ).one_or_none()
        if row is None:
            row = Interaction(**values, customer_id=customer_id)
            session.add(row)
        else:
            for key, value in values.items():
                if value is not None:
                    setattr(row, key, value)
            if customer_id is not None:
                row.customer_id = customer_id
        session.flush()
        return row.id

    def set_wrap_up(self, session: Session, external_ref: str, disposition: str, notes: str | None) -> None:
        """Store the agent's wrap-up (disposition code and notes) on an already recorded interaction."""
        query = select(Interaction).where(Interaction.external_ref == external_ref)
        row = session.scalars(query).one_or_none()
        if row is None:
            raise NotFound(kind="interaction", key=external_ref)
        row.disposition = required("disposition", disposition, limits.CODE)
        row.notes = check_length("notes", notes, limits.NOTE)
        session.flush()

    def list_for_customer(
        self, session: Session, customer_id: int, *, limit: int = 50, offset: int = 0
    ) -> tuple[InteractionView, ...]:
        """The customer's timeline, newest first."""
        query = (
            select(Interaction)
            .where(Interaction.customer_id == customer_id)
            .order_by(Interaction.started_at.desc(), Interaction.id.desc())
            .limit(_page(limit))
            .offset(max(offset, 0))
        )
        return tuple(interaction_view(row) for row in session.scalars(query))

    def recent(
        self,
        session: Session,
        *,
        limit: int = 50,
        offset: int = 0,
        channel: str | None = None,
        agent_id: str | None = None,
        queue: str | None = None,
    ) -> tuple[InteractionView, ...]:
        """Newest interactions overall, optionally filtered by channel, agent or queue."""
        query = select(Interaction)
        if channel is not None:
            query = query.where(Interaction.channel == channel)
        if agent_id is not None:
            query = query.where(Interaction.agent_id == agent_id)
        if queue is not None:
            query = query.where(Interaction.queue == queue)
        query = (
            query.order_by(Interaction.started_at.desc(), Interaction.id.desc())
            .limit(_page(limit))
            .offset(max(offset, 0))
        )
        return tuple(interaction_view(row) for row in session.scalars(query))

    def _validated(self, record: InteractionRecord) -> dict[str, object]:
        values: dict[str, object] = {
            "external_ref": required("external_ref", record.external_ref, limits.EXTERNAL_REF),
            "channel": one_of("channel", str(record.channel), [c.value for c in Channel]),
            "direction": one_of("direction", str(record.direction), [d.value for d in Direction]),
        }
        for field, max_length in _OPTIONAL_TEXT:
            values[field] = check_length(field, getattr(record, field), max_length)
        caller = check_length("caller_number", record.caller_number, limits.PHONE_RAW)
        values["caller_number"] = phones.try_normalize(caller, self.default_region) or caller
        values["started_at"] = _aware("started_at", record.started_at)
        for field in ("answered_at", "ended_at"):
            moment = getattr(record, field)
            values[field] = None if moment is None else _aware(field, moment)
        ended = values["ended_at"]
        if isinstance(ended, datetime) and ended < record.started_at:
            raise InvalidValue(field="ended_at", value=ended.isoformat(), allowed="not before started_at")
        return values

    @staticmethod
    def _sole_owner(session: Session, number: object) -> int | None:
        owners = session.scalars(
            select(CustomerPhone.customer_id).where(CustomerPhone.e164 == number).distinct().limit(2)
        ).all()
        return owners[0] if len(owners) == 1 else None


def _aware(field: str, value: datetime) -> datetime:
    try:
        return as_utc(value)
    except ValueError:
        raise InvalidValue(field=field, value=value.isoformat(), allowed="timezone-aware datetimes") from None


def _page(limit: int) -> int:
    return max(1, min(limit, 500))
