"""e-mail channel: raw mails, quarantine, threads, headers, outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "mail_raw",
        sa.Column("id", _ID, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("from_address", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("processed_at", _WHEN, nullable=True),
        sa.CheckConstraint("status IN ('new', 'processed', 'quarantined')", name="ck_mail_raw_status"),
        sa.CheckConstraint("attempts >= 0", name="ck_mail_raw_attempts"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "uidvalidity", "uid", name="uq_mail_raw_source_uid"),
    )
    op.create_index("ix_mail_raw_status", "mail_raw", ["status", "id"])
    op.create_index("ix_mail_raw_conversation_id", "mail_raw", ["conversation_id"])
    op.create_table(
        "mail_threads",
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", _ID, nullable=True),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_index("ix_mail_threads_ticket_id", "mail_threads", ["ticket_id"])
    op.create_index("ix_mail_threads_address", "mail_threads", ["address"])
    _headers_and_outbox()


def _headers_and_outbox() -> None:
    op.create_table(
        "mail_headers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("in_reply_to", sa.String(length=998), nullable=True),
        sa.Column("references", sa.Text(), nullable=True),
        sa.Column("raw_id", _ID, nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_mail_headers_direction"),
        sa.ForeignKeyConstraint(["conversation_id"], ["mail_threads.conversation_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["raw_id"], ["mail_raw.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_headers_message_id", "mail_headers", ["message_id"])
    op.create_index("ix_mail_headers_conversation_id", "mail_headers", ["conversation_id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", _ID, nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("sent_at", _WHEN, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'rejected')", name="ck_mail_outbox_status"),
        sa.CheckConstraint("kind IN ('ack', 'reply', 'transcript')", name="ck_mail_outbox_kind"),
        sa.CheckConstraint("attempts >= 0", name="ck_mail_outbox_attempts"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_mail_outbox_status", "mail_outbox", ["status", "id"])
    op.create_index("ix_mail_outbox_conversation_id", "mail_outbox", ["conversation_id"])


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("mail_headers")
    op.drop_table("mail_threads")
    op.drop_table("mail_raw")
