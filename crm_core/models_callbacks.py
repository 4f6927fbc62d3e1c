"""The table of scheduled callbacks (migration 0004; same metadata as :mod:`crm_core.models`).

A row is one promise to call a customer back: ``pending`` until due, ``queued`` while the engine
has it in the ACD as a callback work item, then ``done`` (the customer answered), ``failed`` (no
answer after the last attempt) or ``cancelled``. See :mod:`crm_core.callbacks`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base

STATUSES = ("pending", "queued", "done", "failed", "cancelled")
QUEUE_LENGTH = 40  # as crm_core.routing_profiles.NAME_LENGTH


class ScheduledCallback(Base):
    __tablename__ = "scheduled_callbacks"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'queued', 'done', 'failed', 'cancelled')",
            name="ck_scheduled_callbacks_status",
        ),
        CheckConstraint("attempts >= 0", name="ck_scheduled_callbacks_attempts"),
        Index("ix_scheduled_callbacks_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[str] = mapped_column(String(limits.E164))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    queue: Mapped[str] = mapped_column(String(QUEUE_LENGTH))
    requested_by: Mapped[str | None] = mapped_column(String(limits.SHORT))
    preferred_agent: Mapped[str | None] = mapped_column(String(limits.SHORT))
    interaction_ref: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_REF), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The ACD work item of the current attempt while queued (the engine re-queues it after a restart).
    item_id: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_REF))
    last_outcome: Mapped[str | None] = mapped_column(String(limits.CODE))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
