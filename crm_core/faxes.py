"""The fax records (see :mod:`crm_core.models_fax`): plain functions on a session, no commit.

An outbound fax also writes its CRM interaction (channel ``fax``, direction ``outbound``, the PDF
as the document) when it ends, so the customer's history shows it; an inbound fax's interaction is
written by its conversation when the agent is done with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.errors import NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.models_fax import Fax


@dataclass(frozen=True, slots=True)
class FaxView:
    id: int
    direction: str
    number: str
    local_number: str | None
    remote_station_id: str | None
    pages: int
    resolution: str | None
    transfer_rate: int | None
    status: str
    error: str | None
    attempts: int
    next_attempt_at: datetime | None
    tiff_path: str | None
    pdf_path: str | None
    customer_id: int | None
    agent_id: str | None
    conversation_id: str | None
    uniqueid: str | None
    created_at: datetime
    finished_at: datetime | None


def _view(row: Fax) -> FaxView:
    return FaxView(**{name: getattr(row, name) for name in FaxView.__slots__})


def _row(session: Session, fax_id: int) -> Fax:
    row = session.get(Fax, fax_id)
    if row is None:
        raise NotFound(kind="fax", key=fax_id)
    return row


def add(session: Session, **fields: object) -> FaxView:
    row = Fax(**fields)
    session.add(row)
    session.flush()
    return _view(row)


def get(session: Session, fax_id: int) -> FaxView:
    return _view(_row(session, fax_id))


def update(session: Session, fax_id: int, **fields: object) -> FaxView:
    row = _row(session, fax_id)
    for name, value in fields.items():
        setattr(row, name, value)
    session.flush()
    return _view(row)


def by_conversation(session: Session, conversation_id: str) -> FaxView | None:
    row = session.scalars(select(Fax).where(Fax.conversation_id == conversation_id)).first()
    return _view(row) if row is not None else None


def by_uniqueid(session: Session, uniqueid: str) -> FaxView | None:
    row = session.scalars(select(Fax).where(Fax.uniqueid == uniqueid)).first()
    return _view(row) if row is not None else None


def recent(session: Session, agent_id: str | None = None, limit: int = 50) -> list[FaxView]:
    """Newest first; an agent's own outbound faxes when ``agent_id`` is given."""
    query = select(Fax).order_by(Fax.id.desc()).limit(limit)
    if agent_id is not None:
        query = query.where(Fax.agent_id == agent_id)
    return [_view(r) for r in session.scalars(query)]


def unfinished(session: Session) -> list[FaxView]:
    """Outbound faxes still to send or on the line (an engine restart picks them up again)."""
    query = select(Fax).where(Fax.direction == "out", Fax.status.in_(("pending", "sending")))
    return [_view(r) for r in session.scalars(query.order_by(Fax.id))]


def record_interaction(session: Session, log: InteractionLog, fax: FaxView) -> int:
    """The fax in the customer's timeline (``fax:<id>``). An inbound fax's conversation later
    completes the same row (agent, wrap-up); the document stays."""
    outcomes = {("in", "done"): "received", ("out", "done"): "sent"}
    return log.record(
        session,
        InteractionRecord(
            external_ref=f"fax:{fax.id}",
            channel="fax",
            direction="inbound" if fax.direction == "in" else "outbound",
            started_at=fax.created_at,
            customer_id=fax.customer_id,
            agent_id=fax.agent_id,
            caller_number=fax.number if fax.number != "unknown" else None,
            ended_at=fax.finished_at,
            outcome=outcomes.get((fax.direction, fax.status), "failed"),
            notes=fax.error,
            document_path=fax.pdf_path,
        ),
    )
