"""Conversations (web chat, e-mail), their messages and attachments (migration 0008; same metadata
as :mod:`crm_core.models`).

A conversation's messages are numbered 1, 2, 3… by ``seq`` with no gap: ``conversations.last_seq``
is the counter, raised in the same transaction as the message is inserted (see
:mod:`crm_core.conversations`). Times are epoch seconds, as the engine's clock gives them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
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
from crm_core.db_types import IdType
from crm_core.models import Base

ID_LENGTH = 40  # conversation and attachment ids: "c-" + 32 hex digits
QUEUE_LENGTH = 40  # as crm_core.routing_profiles.NAME_LENGTH
STATUSES = ("waiting", "offered", "active", "wrap_up", "ended", "left_message")
OPEN_STATUSES = ("waiting", "offered", "active", "left_message")
SENDERS = ("customer", "agent", "supervisor", "system")
MESSAGE_TEXT = 20_000  # an e-mail's text; chat messages are limited far lower by the service


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'offered', 'active', 'wrap_up', 'ended', 'left_message')",
            name="ck_conversations_status",
        ),
        CheckConstraint("channel IN ('chat', 'email', 'voicemail', 'fax')", name="ck_conversations_channel"),
        Index("ix_conversations_status", "status"),
        Index("ix_conversations_address_status", "address", "status"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(QUEUE_LENGTH))
    skills: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[skill, level], ...]
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE))
    customer_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    customer_name: Mapped[str] = mapped_column(String(limits.NAME))
    customer_address: Mapped[str | None] = mapped_column(String(limits.EMAIL), index=True)
    tier: Mapped[str] = mapped_column(String(16), default="normal")
    subject: Mapped[str] = mapped_column(String(limits.TITLE), default="")
    agent_id: Mapped[str | None] = mapped_column(String(limits.SHORT), index=True)
    supervisors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of supervisor ids
    ticket_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("tickets.id", ondelete="SET NULL"))
    visitor_key_hash: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))  # the visitor's IP address
    opened_at: Mapped[float] = mapped_column(Float)
    queued_at: Mapped[float] = mapped_column(Float)  # when it last (re)entered a queue
    answered_at: Mapped[float | None] = mapped_column(Float)
    ended_at: Mapped[float | None] = mapped_column(Float)
    interaction_ref: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_REF))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_conversation_messages_seq"),
        UniqueConstraint("message_id", name="uq_conversation_messages_message_id"),
        UniqueConstraint("conversation_id", "sender", "client_id", name="uq_conversation_messages_client_id"),
        CheckConstraint(
            "sender IN ('customer', 'agent', 'supervisor', 'system')", name="ck_conversation_messages_sender"
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    client_id: Mapped[str | None] = mapped_column(String(limits.SHORT))
    sender: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(limits.NAME))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[float] = mapped_column(Float)


class ConversationAttachment(Base):
    """A file sent in a conversation; ``message_seq`` is the message that carried it (None until sent)."""

    __tablename__ = "conversation_attachments"
    __table_args__ = (Index("ix_conversation_attachments_conversation", "conversation_id", "message_seq"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    message_seq: Mapped[int | None] = mapped_column(Integer)
    uploader: Mapped[str] = mapped_column(String(limits.NAME))
    filename: Mapped[str] = mapped_column(String(limits.TITLE))
    content_type: Mapped[str] = mapped_column(String(limits.SHORT))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[float] = mapped_column(Float)
