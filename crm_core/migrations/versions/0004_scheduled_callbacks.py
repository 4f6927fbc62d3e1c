"""scheduled callbacks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_callbacks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("preferred_agent", sa.String(length=64), nullable=True),
        sa.Column("interaction_ref", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=True),
        sa.Column("last_outcome", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'queued', 'done', 'failed', 'cancelled')",
            name="ck_scheduled_callbacks_status",
        ),
        sa.CheckConstraint("attempts >= 0", name="ck_scheduled_callbacks_attempts"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scheduled_callbacks", schema=None) as batch_op:
        batch_op.create_index("ix_scheduled_callbacks_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduled_callbacks_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_scheduled_callbacks_interaction_ref"), ["interaction_ref"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_callbacks_interaction_ref"))
        batch_op.drop_index(batch_op.f("ix_scheduled_callbacks_customer_id"))
        batch_op.drop_index("ix_scheduled_callbacks_status_due")
    op.drop_table("scheduled_callbacks")
