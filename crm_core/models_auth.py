"""The web app's accounts and the audit trail (same metadata as :mod:`crm_core.models`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import IdType, UTCDateTime
from crm_core.models import Base


class User(Base):
    """A person who signs in: an agent (linked to an ACD agent id), a supervisor or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.SHORT), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(limits.NAME), default="")
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE), default="en")
    timezone: Mapped[str] = mapped_column(String(limits.SHORT), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser, kept so that a restart does not sign everyone out. Only a digest of the
    cookie's token is stored; times are the web app's clock (epoch seconds)."""

    __tablename__ = "web_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)


class AuditEntry(Base):
    """Who did what to whom, when: supervisor interventions and admin changes. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(limits.SHORT), index=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(limits.SHORT), index=True)
    target: Mapped[str] = mapped_column(String(limits.SHORT))
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON object of strings
