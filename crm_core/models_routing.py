"""Tables of agents' routing profiles and queues (migration 0003; same metadata as :mod:`crm_core.models`).

A row with ``deleted`` set is a tombstone: an administrator removed the agent or queue, and the
settings file must not bring it back at the next start (see :mod:`crm_core.routing_store`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from crm_core import limits
from crm_core.db_types import UTCDateTime
from crm_core.models import Base
from crm_core.routing_profiles import NAME_LENGTH


class RoutingAgent(Base):
    __tablename__ = "routing_agents"
    __table_args__ = (
        CheckConstraint(
            "voice_capacity >= 0 AND chat_capacity >= 0 AND email_capacity >= 0",
            name="ck_routing_agents_capacity",
        ),
    )

    agent_id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    voice_capacity: Mapped[int] = mapped_column(Integer)
    chat_capacity: Mapped[int] = mapped_column(Integer)
    email_capacity: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(limits.SHORT))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoutingAgentSkill(Base):
    __tablename__ = "routing_agent_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="ck_routing_agent_skills_level"),)

    agent_id: Mapped[str] = mapped_column(
        String(NAME_LENGTH), ForeignKey("routing_agents.agent_id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)


class RoutingQueue(Base):
    __tablename__ = "routing_queues"
    __table_args__ = (
        CheckConstraint(
            "wrap_up_s >= 0 AND offer_timeout_s > 0 AND max_missed_offers >= 0 AND service_level_s > 0",
            name="ck_routing_queues_numbers",
        ),
    )

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    wrap_up_s: Mapped[float] = mapped_column(Float)
    offer_timeout_s: Mapped[float] = mapped_column(Float)
    max_missed_offers: Mapped[int] = mapped_column(Integer)
    service_level_s: Mapped[float] = mapped_column(Float)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(limits.SHORT))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoutingQueueSkill(Base):
    __tablename__ = "routing_queue_skills"
    __table_args__ = (CheckConstraint("min_level BETWEEN 1 AND 5", name="ck_routing_queue_skills_level"),)

    queue: Mapped[str] = mapped_column(
        String(NAME_LENGTH), ForeignKey("routing_queues.name", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer)


class AgentStateRow(Base):
    """An agent's last routing state and pause reason (migration 0006), written as it changes and
    read at start so that a restart keeps who is signed in, paused or away."""

    __tablename__ = "agent_states"

    agent_id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    pause_reason: Mapped[str | None] = mapped_column(String(limits.SHORT))
    changed_at: Mapped[float] = mapped_column(Float)  # the engine's clock (epoch seconds)
