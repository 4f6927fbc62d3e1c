"""agents' routing profiles and queues

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "routing_agents",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("voice_capacity", sa.Integer(), nullable=False),
        sa.Column("chat_capacity", sa.Integer(), nullable=False),
        sa.Column("email_capacity", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "voice_capacity >= 0 AND chat_capacity >= 0 AND email_capacity >= 0",
            name="ck_routing_agents_capacity",
        ),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    op.create_table(
        "routing_agent_skills",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_routing_agent_skills_level"),
        sa.ForeignKeyConstraint(["agent_id"], ["routing_agents.agent_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agent_id", "skill"),
    )
    op.create_table(
        "routing_queues",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("wrap_up_s", sa.Float(), nullable=False),
        sa.Column("offer_timeout_s", sa.Float(), nullable=False),
        sa.Column("max_missed_offers", sa.Integer(), nullable=False),
        sa.Column("service_level_s", sa.Float(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "wrap_up_s >= 0 AND offer_timeout_s > 0 AND max_missed_offers >= 0 AND service_level_s > 0",
            name="ck_routing_queues_numbers",
        ),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "routing_queue_skills",
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.CheckConstraint("min_level BETWEEN 1 AND 5", name="ck_routing_queue_skills_level"),
        sa.ForeignKeyConstraint(["queue"], ["routing_queues.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("queue", "skill"),
    )


def downgrade() -> None:
    op.drop_table("routing_queue_skills")
    op.drop_table("routing_queues")
    op.drop_table("routing_agent_skills")
    op.drop_table("routing_agents")
