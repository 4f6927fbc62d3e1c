"""voicemail messages recorded by the engine

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "voicemails",
        sa.Column("id", _ID, nullable=False),
        sa.Column("uniqueid", sa.String(length=64), nullable=False),
        sa.Column("caller_number", sa.String(length=64), nullable=False),
        sa.Column("caller_name", sa.String(length=200), nullable=False),
        sa.Column("customer_id", _ID, nullable=True),
        sa.Column("mailbox", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.CheckConstraint("state IN ('new', 'missing', 'done')", name="ck_voicemails_state"),
        sa.CheckConstraint("duration_s >= 0 AND size_bytes >= 0", name="ck_voicemails_sizes"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_voicemails_conversation_id", "voicemails", ["conversation_id"])
    op.create_index("ix_voicemails_customer_id", "voicemails", ["customer_id"])
    op.create_index("ix_voicemails_created_at", "voicemails", ["created_at"])
    # Voicemails and faxes are conversations too (the seam of chats and e-mails).
    _channels("'chat', 'email', 'voicemail', 'fax'")
    _outbox_kinds("'ack', 'reply', 'transcript', 'voicemail'")  # the notification with the audio


def _channels(allowed: str) -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint("ck_conversations_channel", type_="check")
        batch.create_check_constraint("ck_conversations_channel", f"channel IN ({allowed})")


def _outbox_kinds(allowed: str) -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_constraint("ck_mail_outbox_kind", type_="check")
        batch.create_check_constraint("ck_mail_outbox_kind", f"kind IN ({allowed})")


def downgrade() -> None:
    op.execute("DELETE FROM mail_outbox WHERE kind = 'voicemail'")
    _outbox_kinds("'ack', 'reply', 'transcript'")
    op.execute("DELETE FROM conversations WHERE channel IN ('voicemail', 'fax')")
    _channels("'chat', 'email'")
    op.drop_table("voicemails")
