"""customer search terms: any part of a name, number or e-mail

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_core import limits
from crm_core.search_terms import customer_terms

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_BATCH = 5_000
_TERM = sa.String(limits.SEARCH_TERM).with_variant(sa.String(limits.SEARCH_TERM, collation="C"), "postgresql")


def upgrade() -> None:
    terms = op.create_table(
        "customer_search_terms",
        sa.Column("customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("term", _TERM, nullable=False),
        sa.Column("cls", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id", "term"),
        sqlite_with_rowid=False,
    )
    _backfill(op.get_bind(), terms)
    op.create_index(
        "ix_customer_search_terms_lookup", "customer_search_terms", ["cls", "term", "customer_id"]
    )


def _backfill(bind: sa.Connection, terms: sa.Table) -> None:
    """Index the customers already there, a batch of ids at a time."""
    meta = sa.MetaData()
    customers = sa.Table("customers", meta, autoload_with=bind)
    phones = sa.Table("customer_phones", meta, autoload_with=bind)
    emails = sa.Table("customer_emails", meta, autoload_with=bind)
    after = 0
    while True:
        names = bind.execute(
            sa.select(customers.c.id, customers.c.display_name, customers.c.native_name)
            .where(customers.c.id > after)
            .order_by(customers.c.id)
            .limit(_BATCH)
        ).all()
        if not names:
            return
        low, after = names[0][0], names[-1][0]
        numbers: dict[int, list[str]] = {}
        addresses: dict[int, list[str]] = {}
        span = sa.between(phones.c.customer_id, low, after)
        for customer_id, e164 in bind.execute(sa.select(phones.c.customer_id, phones.c.e164).where(span)):
            numbers.setdefault(customer_id, []).append(e164)
        span = sa.between(emails.c.customer_id, low, after)
        for customer_id, email in bind.execute(sa.select(emails.c.customer_id, emails.c.email).where(span)):
            addresses.setdefault(customer_id, []).append(email)
        rows = [
            {"customer_id": customer_id, "term": term, "cls": int(cls)}
            for customer_id, display_name, native_name in names
            for term, cls in customer_terms(
                (display_name, native_name),
                tuple(numbers.get(customer_id, ())),
                tuple(addresses.get(customer_id, ())),
            ).items()
        ]
        if rows:
            bind.execute(sa.insert(terms), rows)


def downgrade() -> None:
    op.drop_index("ix_customer_search_terms_lookup", table_name="customer_search_terms")
    op.drop_table("customer_search_terms")
