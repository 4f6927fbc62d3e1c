"""Purchases feed the value model; ``refresh_value`` stores the tier, score and stage on the customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.clock import Clock, as_utc, utc_now
from crm_core.errors import InvalidValue, NotFound
from crm_core.models import Customer, Purchase, Ticket
from crm_core.validation import optional
from crm_core.value import Assessment, PurchaseStats, ValueModel, assess


@dataclass(frozen=True, slots=True)
class PurchaseDraft:
    customer_id: int
    amount_minor: int
    occurred_at: datetime
    currency: str = "USD"
    description: str | None = None
    external_ref: str | None = None


def record_purchase(session: Session, draft: PurchaseDraft) -> int:
    """Insert a purchase; the same ``external_ref`` twice returns the first row's id."""
    if session.get(Customer, draft.customer_id) is None:
        raise NotFound(kind="customer", key=draft.customer_id)
    try:
        occurred_at = as_utc(draft.occurred_at)
    except ValueError:
        raise InvalidValue(
            field="occurred_at", value=str(draft.occurred_at), allowed="aware datetimes"
        ) from None
    if len(draft.currency) != 3 or not draft.currency.isalpha():
        raise InvalidValue(field="currency", value=draft.currency, allowed="ISO 4217 codes")
    ref = optional("external_ref", draft.external_ref, limits.EXTERNAL_REF)
    if ref is not None:
        existing = session.scalar(select(Purchase.id).where(Purchase.external_ref == ref))
        if existing is not None:
            return existing
    row = Purchase(
        customer_id=draft.customer_id,
        amount_minor=draft.amount_minor,
        currency=draft.currency.upper(),
        occurred_at=occurred_at,
        description=optional("description", draft.description, limits.TITLE),
        external_ref=ref,
    )
    session.add(row)
    session.flush()
    return row.id


def purchase_stats(session: Session, customer_id: int, now: datetime, model: ValueModel) -> PurchaseStats:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(kind="customer", key=customer_id)
    window_start = now - timedelta(days=model.window_days)
    last_90 = now - timedelta(days=90)
    prev_90 = now - timedelta(days=180)
    occurred = Purchase.occurred_at
    in_window = occurred >= window_start
    row = session.execute(
        select(
            func.min(occurred),
            func.max(occurred),
            func.coalesce(func.sum(case((in_window, 1), else_=0)), 0),
            func.coalesce(func.sum(case((in_window, Purchase.amount_minor), else_=0)), 0),
            func.coalesce(func.sum(case((occurred >= last_90, 1), else_=0)), 0),
            func.coalesce(func.sum(case(((occurred >= prev_90) & (occurred < last_90), 1), else_=0)), 0),
        ).where(Purchase.customer_id == customer_id, occurred <= now)
    ).one()
    complaints = session.scalar(
        select(func.count()).where(
            Ticket.customer_id == customer_id,
            Ticket.type == "complaint",
            Ticket.status.not_in(("resolved", "closed")),
        )
    )
    first_at, last_at = row[0], row[1]
    return PurchaseStats(
        created_at=customer.created_at,
        first_at=None if first_at is None else _utc(first_at),
        last_at=None if last_at is None else _utc(last_at),
        count_window=int(row[2]),
        total_minor_window=int(row[3]),
        count_last_90=int(row[4]),
        count_prev_90=int(row[5]),
        open_complaints=int(complaints or 0),
    )


def refresh_value(session: Session, customer_id: int, model: ValueModel, clock: Clock) -> Assessment:
    """Recompute and store the customer's score, tier and lifecycle stage."""
    now = utc_now(clock)
    result = assess(purchase_stats(session, customer_id, now, model), now, model)
    customer = session.get(Customer, customer_id)
    assert customer is not None
    customer.value_score = result.score
    customer.tier = result.tier.value
    customer.lifecycle_stage = result.stage.value
    customer.updated_at = now
    session.flush()
    return result


def refresh_values(
    session: Session, model: ValueModel, clock: Clock, *, batch: int = 1000, after_id: int = 0
) -> int:
    """Re-assess every customer with purchases (nightly job); returns how many were refreshed."""
    refreshed = 0
    while True:
        ids = list(
            session.scalars(
                select(Purchase.customer_id)
                .where(Purchase.customer_id > after_id)
                .group_by(Purchase.customer_id)
                .order_by(Purchase.customer_id)
                .limit(batch)
            )
        )
        if not ids:
            return refreshed
        for customer_id in ids:
            refresh_value(session, customer_id, model, clock)
        refreshed += len(ids)
        after_id = ids[-1]


def _utc(value: datetime | str) -> datetime:
    # Defensive: an aggregate over a TypeDecorator column may come back raw (naive text on SQLite).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value) if value.tzinfo is not None else value.replace(tzinfo=UTC)
