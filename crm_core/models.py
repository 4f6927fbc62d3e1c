"""The CRM schema (SQLAlchemy 2 typed declarative). ORM rows never leave crm_core services."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime


class Base(DeclarativeBase):
    pass


class Customer(Base):
    """A person or an organisation; a person may be a contact of an organisation."""

    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("points_balance >= 0", name="ck_customers_points_nonnegative"),
        CheckConstraint("kind IN ('person', 'organisation')", name="ck_customers_kind"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    display_name: Mapped[str] = mapped_column(String(limits.NAME), index=True)
    native_name: Mapped[str | None] = mapped_column(String(limits.NAME))
    organisation_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    job_title: Mapped[str | None] = mapped_column(String(limits.SHORT))
    preferred_language: Mapped[str | None] = mapped_column(String(limits.LANGUAGE))
    chat_login: Mapped[str | None] = mapped_column(String(limits.SHORT), unique=True)
    owner: Mapped[str | None] = mapped_column(String(limits.SHORT), index=True)
    team: Mapped[str | None] = mapped_column(String(limits.SHORT))
    consent_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_email: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    tier: Mapped[str] = mapped_column(String(16), default="normal", index=True)
    value_score: Mapped[float] = mapped_column(Float, default=0.0)
    lifecycle_stage: Mapped[str] = mapped_column(String(16), default="new")
    points_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerPhone(Base):
    """A number in E.164; the same number may belong to several customers (a family line)."""

    __tablename__ = "customer_phones"
    __table_args__ = (UniqueConstraint("customer_id", "e164", name="uq_customer_phones_customer_e164"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(IdType, ForeignKey("customers.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(limits.E164), index=True)
    raw: Mapped[str] = mapped_column(String(limits.PHONE_RAW))
    label: Mapped[str] = mapped_column(String(16), default="mobile")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class CustomerEmail(Base):
    __tablename__ = "customer_emails"
    __table_args__ = (UniqueConstraint("customer_id", "email", name="uq_customer_emails_customer_email"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(IdType, ForeignKey("customers.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


# Byte (code point) order on PostgreSQL too, so that "starts with" is a plain index range.
SearchTermType = String(limits.SEARCH_TERM).with_variant(
    String(limits.SEARCH_TERM, collation="C"), "postgresql"
)


class CustomerSearchTerm(Base):
    """One suffix of a customer's name, number or e-mail (see ``crm_core.search_terms``)."""

    __tablename__ = "customer_search_terms"
    __table_args__ = (
        Index("ix_customer_search_terms_lookup", "cls", "term", "customer_id"),
        {"sqlite_with_rowid": False},
    )

    customer_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(SearchTermType, primary_key=True)
    cls: Mapped[int] = mapped_column(SmallInteger)


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(16), default="home")
    line1: Mapped[str] = mapped_column(String(limits.ADDRESS_LINE))
    line2: Mapped[str | None] = mapped_column(String(limits.ADDRESS_LINE))
    city: Mapped[str | None] = mapped_column(String(limits.SHORT))
    region: Mapped[str | None] = mapped_column(String(limits.SHORT))
    postal_code: Mapped[str | None] = mapped_column(String(limits.POSTAL_CODE))
    country: Mapped[str | None] = mapped_column(String(limits.COUNTRY))


class CustomerNote(Base):
    """Preferences and special notes; ``is_alert`` notes pop prominently on the agent's screen."""

    __tablename__ = "customer_notes"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(limits.CODE))
    text: Mapped[str] = mapped_column(String(limits.NOTE))
    is_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(String(limits.SHORT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerTag(Base):
    __tablename__ = "customer_tags"

    customer_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(limits.TAG), primary_key=True, index=True)


class Purchase(Base):
    """Transactions feeding the value model; amounts in minor units (cents, fen)."""

    __tablename__ = "purchases"
    __table_args__ = (Index("ix_purchases_customer_occurred", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(IdType, ForeignKey("customers.id", ondelete="CASCADE"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str | None] = mapped_column(String(limits.TITLE))
    external_ref: Mapped[str | None] = mapped_column(String(limits.EXTERNAL_REF), unique=True)


class PointsEntry(Base):
    """Loyalty ledger: every change of ``customers.points_balance`` has one entry."""

    __tablename__ = "points_ledger"
    __table_args__ = (Index("ix_points_ledger_customer_id", "customer_id", "id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int] = mapped_column(IdType, ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(limits.REASON))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Interaction(Base):
    """One contact on any channel; the customer's timeline is the list of these."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_customer_started", "customer_id", "started_at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("customers.id", ondelete="SET NULL"))
    external_ref: Mapped[str] = mapped_column(String(limits.EXTERNAL_REF), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str | None] = mapped_column(String(limits.SHORT))
    agent_id: Mapped[str | None] = mapped_column(String(limits.SHORT), index=True)
    caller_number: Mapped[str | None] = mapped_column(String(limits.PHONE_RAW), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(limits.CODE))
    disposition: Mapped[str | None] = mapped_column(String(limits.CODE))
    notes: Mapped[str | None] = mapped_column(String(limits.NOTE))
    recording_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    transcript_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    document_path: Mapped[str | None] = mapped_column(String(limits.PATH))
    transcript: Mapped[str | None] = mapped_column(Text)  # a chat's or e-mail thread's text


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_customer_status", "customer_id", "status"),
        Index("ix_tickets_status_resolution_due", "status", "resolution_due_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("customers.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(limits.CODE))
    subject: Mapped[str] = mapped_column(String(limits.TITLE))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    assignee: Mapped[str | None] = mapped_column(String(limits.SHORT), index=True)
    team: Mapped[str | None] = mapped_column(String(limits.SHORT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TicketInteraction(Base):
    __tablename__ = "ticket_interactions"

    ticket_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    interaction_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class KbArticle(Base):
    """Knowledge base article. The full-text index (FTS5 table / tsvector column) lives in the migration."""

    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(limits.TITLE))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE), default="en")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
