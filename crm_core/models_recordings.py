"""Call recordings: the tables (migration 0010; same metadata as :mod:`crm_core.models`).

- ``recordings``: one row per MixMonitor file, keyed by the call's Asterisk ``uniqueid``. ``state``
  is ``recording`` from MixMonitor's start until the call ends, then ``complete`` (file checked: size
  and SHA-256 kept) or ``missing`` (``missing_reason`` says why), and ``deleted`` once retention
  removed the file. ``legal_hold`` keeps a row and its file from retention (and from compression).
- ``recording_agents``: every agent who was on the call (a transfer adds one); the agent filter and
  the "agents hear their own calls" rule read it.
- ``recording_pauses``: the paused segments (PCI: MixMonitorMute on, then off), seconds from start.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base

RECORDING_STATES = ("recording", "complete", "missing", "deleted")
SHA256_HEX = 64
UNIQUEID = 64


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        CheckConstraint(
            "state IN ('recording', 'complete', 'missing', 'deleted')", name="ck_recordings_state"
        ),
        Index("ix_recordings_started_at", "started_at"),
        Index("ix_recordings_queue_started_at", "queue", "started_at"),
        Index("ix_recordings_state_started_at", "state", "started_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    uniqueid: Mapped[str] = mapped_column(String(UNIQUEID), unique=True)
    channel: Mapped[str] = mapped_column(String(limits.NAME))
    queue: Mapped[str | None] = mapped_column(String(limits.SHORT))
    customer_id: Mapped[int | None] = mapped_column(IdType, index=True)
    caller_number: Mapped[str | None] = mapped_column(String(limits.PHONE_RAW))
    # Where Asterisk wrote it (its host) and where the engine reads it (a shared mount, or the same).
    asterisk_path: Mapped[str] = mapped_column(String(limits.PATH))
    path: Mapped[str] = mapped_column(String(limits.PATH))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_s: Mapped[float | None] = mapped_column(Float)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX))
    state: Mapped[str] = mapped_column(String(16))
    missing_reason: Mapped[str | None] = mapped_column(String(limits.REASON))
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Compressed to μ-law once verified: the original's size and checksum (size/sha256: the file now).
    compressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_size: Mapped[int | None] = mapped_column(BigInteger)
    original_sha256: Mapped[str | None] = mapped_column(String(SHA256_HEX))


class RecordingAgent(Base):
    __tablename__ = "recording_agents"

    recording_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[str] = mapped_column(String(limits.SHORT), primary_key=True, index=True)


class RecordingPause(Base):
    __tablename__ = "recording_pauses"

    recording_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
