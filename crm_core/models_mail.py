"""The e-mail channel's tables (migration 0009; same metadata as :mod:`crm_core.models`).

- ``mail_raw``: every fetched message, byte for byte, stored before anything else happens. ``status``
  is ``new`` until processed (a crash in between reprocesses it; the unique IMAP key makes a re-fetch
  a no-op), then ``processed`` or ``quarantined`` (with ``reason``, a code, and ``detail``).
- ``mail_threads``: one row per e-mail conversation: the ticket and the customer's address (a subject
  tag ``[#T-123]`` is trusted only from that address).
- ``mail_headers``: Message-ID / In-Reply-To / References of every mail in a conversation, both ways.
- ``mail_outbox``: what we send, written before the SMTP attempt; ``message_id`` is fixed when the
  row is written, so a retry after a failure sends the same mail, and a sent row is never sent again;
  ``rejected``: the server refused it for good (5xx), kept with the server's answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base

RAW_STATUSES = ("new", "processed", "quarantined")
OUTBOX_STATUSES = ("pending", "sent", "rejected")
OUTBOX_KINDS = ("ack", "reply", "transcript", "voicemail")
CONVERSATION_ID = 64
HEADER = 998  # RFC 5322's line limit: longer Message-IDs are cut, never rejected
SHA256_HEX = 64


class RawMail(Base):
    __tablename__ = "mail_raw"
    __table_args__ = (
        UniqueConstraint("source", "uidvalidity", "uid", name="uq_mail_raw_source_uid"),
        CheckConstraint("status IN ('new', 'processed', 'quarantined')", name="ck_mail_raw_status"),
        CheckConstraint("attempts >= 0", name="ck_mail_raw_attempts"),
        Index("ix_mail_raw_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    source: Mapped[str] = mapped_column(String(limits.PATH))  # "user@host:port/folder"
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    # Hand-overs to the conversation service begun: above 0, an earlier try may have got through.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(limits.CODE))
    detail: Mapped[str | None] = mapped_column(String(limits.REASON))
    from_address: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    subject: Mapped[str | None] = mapped_column(String(limits.TITLE))
    conversation_id: Mapped[str | None] = mapped_column(String(CONVERSATION_ID), index=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailThread(Base):
    __tablename__ = "mail_threads"

    conversation_id: Mapped[str] = mapped_column(String(CONVERSATION_ID), primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(IdType, index=True)
    address: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    subject: Mapped[str] = mapped_column(String(limits.TITLE))
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE))
    queue: Mapped[str] = mapped_column(String(limits.SHORT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MailHeader(Base):
    __tablename__ = "mail_headers"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="ck_mail_headers_direction"),
        Index("ix_mail_headers_message_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(CONVERSATION_ID), ForeignKey("mail_threads.conversation_id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))
    seq: Mapped[int | None] = mapped_column(Integer)  # the conversation message, when there is one
    message_id: Mapped[str] = mapped_column(String(HEADER))
    in_reply_to: Mapped[str | None] = mapped_column(String(HEADER))
    references: Mapped[str | None] = mapped_column(Text)
    raw_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("mail_raw.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMail(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'rejected')", name="ck_mail_outbox_status"),
        CheckConstraint("kind IN ('ack', 'reply', 'transcript', 'voicemail')", name="ck_mail_outbox_kind"),
        CheckConstraint("attempts >= 0", name="ck_mail_outbox_attempts"),
        Index("ix_mail_outbox_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(HEADER), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(CONVERSATION_ID), index=True)
    to_address: Mapped[str] = mapped_column(String(limits.EMAIL))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(limits.REASON))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
