"""Voicemail messages recorded by the engine (migration 0011; same metadata as :mod:`crm_core.models`).

``voicemails``: one row per message a caller left over FastAGI (``RECORD FILE``). ``file_path`` is the
file as the engine reads it (the engine-side directory); ``state`` is ``new`` once recorded and
handed to the ACD as a ``voicemail`` conversation (``conversation_id``), ``missing`` when the engine
could not read the file Asterisk wrote (the caller was queued instead, nothing is lost), ``done``
once an agent wrapped it up. ``transcript`` is filled in later when a speech model is configured.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base

VOICEMAIL_STATES = ("new", "missing", "done")
CONVERSATION_ID = 64


class VoicemailRecord(Base):
    __tablename__ = "voicemails"
    __table_args__ = (
        CheckConstraint("state IN ('new', 'missing', 'done')", name="ck_voicemails_state"),
        CheckConstraint("duration_s >= 0 AND size_bytes >= 0", name="ck_voicemails_sizes"),
        Index("ix_voicemails_conversation_id", "conversation_id"),
        Index("ix_voicemails_customer_id", "customer_id"),
        Index("ix_voicemails_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    uniqueid: Mapped[str] = mapped_column(String(64))  # the Asterisk channel's call id
    caller_number: Mapped[str] = mapped_column(String(limits.PHONE_RAW))
    caller_name: Mapped[str] = mapped_column(String(limits.NAME))
    customer_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    mailbox: Mapped[str] = mapped_column(String(64))  # as the flow named it ("general@default")
    queue: Mapped[str] = mapped_column(String(64))
    file_path: Mapped[str] = mapped_column(String(limits.PATH))
    duration_s: Mapped[float] = mapped_column(Float)
    size_bytes: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    transcript: Mapped[str | None] = mapped_column(Text, nullable=True)
    conversation_id: Mapped[str | None] = mapped_column(String(CONVERSATION_ID), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
