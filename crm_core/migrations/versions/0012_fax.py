"""faxes in and out

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


# A fax is a conversation (the work item agents accept and wrap up). 0011 (voicemail) widens the
# same constraint; this one names every channel so either order of writing them ends the same.
_CHANNELS_BEFORE = "channel IN ('chat', 'email', 'voicemail')"
_CHANNELS = "channel IN ('chat', 'email', 'voicemail', 'fax')"


def _conversation_channels(check: str) -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint("ck_conversations_channel", type_="check")
        batch.create_check_constraint("ck_conversations_channel", check)


def upgrade() -> None:
    _conversation_channels(_CHANNELS)
    op.create_table(
        "faxes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("local_number", sa.String(length=64), nullable=True),
        sa.Column("remote_station_id", sa.String(length=64), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.String(length=32), nullable=True),
        sa.Column("transfer_rate", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=True),
        sa.Column("tiff_path", sa.String(length=500), nullable=True),
        sa.Column("pdf_path", sa.String(length=500), nullable=True),
        sa.Column("customer_id", _ID, nullable=True),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("uniqueid", sa.String(length=64), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("finished_at", _WHEN, nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_faxes_direction"),
        sa.CheckConstraint("status IN ('pending', 'sending', 'done', 'failed')", name="ck_faxes_status"),
        sa.CheckConstraint("pages >= 0 AND attempts >= 0", name="ck_faxes_counts"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_faxes_status_next", "faxes", ["status", "next_attempt_at"])
    op.create_index("ix_faxes_number", "faxes", ["number"])
    op.create_index("ix_faxes_customer_id", "faxes", ["customer_id"])
    op.create_index("ix_faxes_conversation_id", "faxes", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("faxes")
    op.execute("DELETE FROM conversations WHERE channel = 'fax'")
    _conversation_channels(_CHANNELS_BEFORE)
