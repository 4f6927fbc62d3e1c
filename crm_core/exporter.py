"""CSV export of customers, streamed in id order (keyset batches, constant memory)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from crm_core.models import Customer, CustomerEmail, CustomerPhone, CustomerTag

COLUMNS = (
    "id", "kind", "name", "native_name", "phone", "email", "tier", "value_score", "lifecycle_stage",
    "points", "preferred_language", "owner", "team", "tags", "consent_marketing", "opt_out_calls",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str | None) -> str:
    """Neutralize spreadsheet formulas in free text (CSV injection) by prefixing a quote."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_customers_csv(
    session: Session,
    out: IO[str],
    *,
    batch: int = 2000,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Write every customer as one CSV line (several phones/e-mails/tags joined by ";"); return the count."""
    total = session.scalar(select(func.count()).select_from(Customer)) or 0
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    last_id, written = 0, 0
    while True:
        customers = list(
            session.scalars(select(Customer).where(Customer.id > last_id).order_by(Customer.id).limit(batch))
        )
        if not customers:
            break
        ids = [c.id for c in customers]
        numbers = _grouped(session, CustomerPhone.customer_id, CustomerPhone.e164, ids)
        emails = _grouped(session, CustomerEmail.customer_id, CustomerEmail.email, ids)
        tags = _grouped(session, CustomerTag.customer_id, CustomerTag.tag, ids)
        for c in customers:
            writer.writerow(
                (
                    c.id, c.kind, _safe(c.display_name), _safe(c.native_name), ";".join(numbers[c.id]),
                    ";".join(emails[c.id]), c.tier, c.value_score, c.lifecycle_stage, c.points_balance,
                    c.preferred_language or "", _safe(c.owner), _safe(c.team), _safe(";".join(tags[c.id])),
                    int(c.consent_marketing), int(c.opt_out_calls),
                )
            )  # fmt: skip
        written += len(customers)
        last_id = ids[-1]
        session.expunge_all()
        if progress is not None:
            progress(written, total)
    return written


def _grouped(
    session: Session, key: InstrumentedAttribute[int], value: InstrumentedAttribute[str], ids: list[int]
) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for owner, item in session.execute(select(key, value).where(key.in_(ids)).order_by(key, value)):
        grouped[owner].append(item)
    return grouped
