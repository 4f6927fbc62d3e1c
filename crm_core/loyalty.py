"""Loyalty points: a ledger plus a balance on the customer row that never goes wrong under concurrency.

Every change is one atomic ``UPDATE customers SET points_balance = points_balance + :delta
WHERE id = :id AND points_balance + :delta >= 0 RETURNING points_balance``: PostgreSQL row-locks the
customer for the rest of the transaction and SQLite holds its write lock, so two concurrent redemptions
can never both spend the same points; the ledger row is written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.clock import Clock, utc_now
from crm_core.errors import InsufficientPoints, InvalidValue, NotFound
from crm_core.models import Customer, PointsEntry
from crm_core.validation import required


class PointsKind(StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    EXPIRE = "expire"
    ADJUST = "adjust"


@dataclass(frozen=True, slots=True)
class PointsMovement:
    entry_id: int
    customer_id: int
    kind: PointsKind
    delta: int
    balance_after: int
    reason: str
    created_at: datetime


class LoyaltyLedger:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def earn(self, session: Session, customer_id: int, points: int, reason: str) -> PointsMovement:
        return self._apply(session, customer_id, PointsKind.EARN, _positive(points), reason)

    def redeem(self, session: Session, customer_id: int, points: int, reason: str) -> PointsMovement:
        """Take points; raise :class:`InsufficientPoints` (nothing written) if the balance is too small."""
        return self._apply(session, customer_id, PointsKind.REDEEM, -_positive(points), reason)

    def adjust(self, session: Session, customer_id: int, delta: int, reason: str) -> PointsMovement:
        """Manual correction either way; it may not take the balance below zero."""
        if delta == 0:
            raise InvalidValue(field="delta", value=0, allowed="non-zero integers")
        return self._apply(session, customer_id, PointsKind.ADJUST, delta, reason)

    def expire(self, session: Session, customer_id: int, points: int, reason: str) -> PointsMovement:
        """Expire up to ``points``; never more than the balance (expiry clamps instead of failing)."""
        wanted = _positive(points)
        # A no-op UPDATE takes the row lock (PostgreSQL) / write lock (SQLite) and tells us the balance.
        balance = self._lock(session, customer_id)
        return self._apply(session, customer_id, PointsKind.EXPIRE, -min(wanted, balance), reason)

    def balance(self, session: Session, customer_id: int) -> int:
        value = session.scalar(select(Customer.points_balance).where(Customer.id == customer_id))
        if value is None:
            raise NotFound(kind="customer", key=customer_id)
        return value

    def history(
        self, session: Session, customer_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> tuple[PointsMovement, ...]:
        """Newest first; pass the last ``entry_id`` as ``before_id`` for the next page."""
        query = select(PointsEntry).where(PointsEntry.customer_id == customer_id)
        if before_id is not None:
            query = query.where(PointsEntry.id < before_id)
        query = query.order_by(PointsEntry.id.desc()).limit(max(1, min(limit, 500)))
        return tuple(_movement(row) for row in session.scalars(query))

    def _lock(self, session: Session, customer_id: int) -> int:
        statement = (
            update(Customer)
            .where(Customer.id == customer_id)
            .values(points_balance=Customer.points_balance)
            .returning(Customer.points_balance)
        )
        balance = session.execute(statement, execution_options={"synchronize_session": False}).scalar()
        if balance is None:
            raise NotFound(kind="customer", key=customer_id)
        return balance

    def _apply(
        self, session: Session, customer_id: int, kind: PointsKind, delta: int, reason: str
    ) -> PointsMovement:
        text = required("reason", reason, limits.REASON)
        statement = (
            update(Customer)
            .where(Customer.id == customer_id, Customer.points_balance + delta >= 0)
            .values(points_balance=Customer.points_balance + delta)
            .returning(Customer.points_balance)
        )
        balance = session.execute(statement, execution_options={"synchronize_session": False}).scalar()
        if balance is None:
            current = self.balance(session, customer_id)  # raises NotFound for a missing customer
            raise InsufficientPoints(customer_id=customer_id, balance=current, requested=-delta)
        entry = PointsEntry(
            customer_id=customer_id,
            kind=kind.value,
            delta=delta,
            balance_after=balance,
            reason=text,
            created_at=utc_now(self.clock),
        )
        session.add(entry)
        session.flush()
        # The UPDATE bypassed the ORM: a Customer already loaded in this session must re-read its balance.
        loaded = session.identity_map.get(session.identity_key(Customer, customer_id))
        if loaded is not None:
            session.expire(loaded, ["points_balance"])
        return _movement(entry)


def _positive(points: int) -> int:
    if points <= 0:
        raise InvalidValue(field="points", value=points, allowed="positive integers")
    return points


def _movement(row: PointsEntry) -> PointsMovement:
    return PointsMovement(
        row.id,
        row.customer_id,
        PointsKind(row.kind),
        row.delta,
        row.balance_after,
        row.reason,
        row.created_at,
    )
