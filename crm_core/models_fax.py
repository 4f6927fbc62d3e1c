"""Faxes in and out (migration 0012; same metadata as :mod:`crm_core.models`).

One row per fax: ``direction`` ``in`` (ReceiveFAX on a fax number) or ``out`` (an agent's PDF sent
with SendFAX). ``status``: ``pending`` (an outbound fax waiting for its next attempt), ``sending``
(on the line), ``done`` (FAXSTATUS SUCCESS) or ``failed`` (with ``error``: FAXERROR and Asterisk's
FAXSTATUSSTRING). A failed inbound fax is kept as a row too. ``tiff_path``/``pdf_path`` are paths as
the engine sees them (see docs/FAX.md for the shared spool).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base

DIRECTIONS = ("in", "out")
STATUSES = ("pending", "sending", "done", "failed")
STATION_ID = 64  # T.30 allows 20 characters; room for what a machine sends anyway
RESOLUTION = 32


class Fax(Base):
    __tablename__ = "faxes"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="ck_faxes_direction"),
        CheckConstraint("status IN ('pending', 'sending', 'done', 'failed')", name="ck_faxes_status"),
        CheckConstraint("pages >= 0 AND attempts >= 0", name="ck_faxes_counts"),
        Index("ix_faxes_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))
    number: Mapped[str] = mapped_column(String(limits.PHONE_RAW), index=True)  # the far end's
    local_number: Mapped[str | None] = mapped_column(String(limits.PHONE_RAW))  # our fax number
    remote_station_id: Mapped[str | None] = mapped_column(String(STATION_ID))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    resolution: Mapped[str | None] = mapped_column(String(RESOLUTION))
    transfer_rate: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(limits.REASON))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tiff_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    pdf_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    customer_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(String(limits.SHORT))  # who sent it
    conversation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    uniqueid: Mapped[str | None] = mapped_column(String(64))  # the fax call's Asterisk channel
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
