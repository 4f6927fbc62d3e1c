"""call recordings (index, paused segments, retention, legal hold)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:10:00.000000
"""

from __future__ import annotations

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
