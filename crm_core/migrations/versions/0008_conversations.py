"""conversations: chat and e-mail conversations, messages, attachments; interactions.transcript

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("customer_id", _ID, nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("customer_address", sa.String(length=254), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("supervisors", sa.Text(), nullable=False),
        sa.Column("ticket_id", _ID, nullable=True),
        sa.Column("visitor_key_hash", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("queued_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float(), nullable=True),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.Column("interaction_ref", sa.String(length=128), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('waiting', 'offered', 'active', 'wrap_up', 'ended', 'left_message')",
            name="ck_conversations_status",
        ),
        sa.CheckConstraint("channel IN ('chat', 'email')", name="ck_conversations_channel"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversations_status", "conversations", ["status"])
    op.create_index("ix_conversations_address_status", "conversations", ["address", "status"])
    op.create_index("ix_conversations_customer_id", "conversations", ["customer_id"])
    op.create_index("ix_conversations_customer_address", "conversations", ["customer_address"])
    op.create_index("ix_conversations_agent_id", "conversations", ["agent_id"])
    op.create_table(
        "conversation_messages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "sender IN ('customer', 'agent', 'supervisor', 'system')", name="ck_conversation_messages_sender"
        ),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_conversation_messages_seq"),
        sa.UniqueConstraint("message_id", name="uq_conversation_messages_message_id"),
        sa.UniqueConstraint(
            "conversation_id", "sender", "client_id", name="uq_conversation_messages_client_id"
        ),
    )
    op.create_table(
        "conversation_attachments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("message_seq", sa.Integer(), nullable=True),
        sa.Column("uploader", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_conversation_attachments_conversation",
        "conversation_attachments",
        ["conversation_id", "message_seq"],
    )
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("transcript", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("transcript")
    op.drop_index("ix_conversation_attachments_conversation", table_name="conversation_attachments")
    op.drop_table("conversation_attachments")
    op.drop_table("conversation_messages")
    for name in ("agent_id", "customer_address", "customer_id", "address_status", "status"):
        op.drop_index(f"ix_conversations_{name}", table_name="conversations")
    op.drop_table("conversations")
