"""call recordings (index, paused segments, retention, legal hold)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", _ID, nullable=False),
        sa.Column("uniqueid", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("customer_id", _ID, nullable=True),
        sa.Column("caller_number", sa.String(length=64), nullable=True),
        sa.Column("asterisk_path", sa.String(length=500), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("ended_at", _WHEN, nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("missing_reason", sa.String(length=200), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", _WHEN, nullable=True),
        sa.Column("compressed_at", _WHEN, nullable=True),
        sa.Column("original_size", sa.BigInteger(), nullable=True),
        sa.Column("original_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "state IN ('recording', 'complete', 'missing', 'deleted')", name="ck_recordings_state"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uniqueid"),
    )
    op.create_index("ix_recordings_started_at", "recordings", ["started_at"])
    op.create_index("ix_recordings_queue_started_at", "recordings", ["queue", "started_at"])
    op.create_index("ix_recordings_state_started_at", "recordings", ["state", "started_at"])
    op.create_index("ix_recordings_customer_id", "recordings", ["customer_id"])
    op.create_table(
        "recording_agents",
        sa.Column("recording_id", _ID, nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("recording_id", "agent_id"),
    )
    op.create_index("ix_recording_agents_agent_id", "recording_agents", ["agent_id"])
    op.create_table(
        "recording_pauses",
        sa.Column("recording_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["recording_id"], ["recordings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("recording_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("recording_pauses")
    op.drop_index("ix_recording_agents_agent_id", table_name="recording_agents")
    op.drop_table("recording_agents")
    op.drop_index("ix_recordings_customer_id", table_name="recordings")
    op.drop_index("ix_recordings_state_started_at", table_name="recordings")
    op.drop_index("ix_recordings_queue_started_at", table_name="recordings")
    op.drop_index("ix_recordings_started_at", table_name="recordings")
    op.drop_table("recordings")
