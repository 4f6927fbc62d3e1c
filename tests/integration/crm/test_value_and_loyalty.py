from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm_core.customers import CustomerDraft, CustomerService
from crm_core.errors import InsufficientPoints, InvalidValue, NotFound
from crm_core.loyalty import LoyaltyLedger, PointsKind
from crm_core.models import PointsEntry
from crm_core.purchases import PurchaseDraft, record_purchase, refresh_value
from crm_core.tickets import TicketDraft, TicketService
from crm_core.value import Stage, Tier, ValueModel
from tests.crm_conftest_helpers import Db, FakeClock


def _customer(db: Db, clock: FakeClock, name: str = "Li Na") -> int:
    with db.sessions.begin() as session:
        return CustomerService(clock).create(session, CustomerDraft(name))


def test_given_purchases_when_value_refreshed_then_tier_stage_and_warnings_stored(
    db: Db, clock: FakeClock
) -> None:
    big, small = _customer(db, clock, "Big"), _customer(db, clock, "Small")
    with db.sessions.begin() as session:
        for day in range(20):
            record_purchase(session, PurchaseDraft(big, 120_000, clock.datetime - timedelta(days=day * 10)))
        record_purchase(
            session, PurchaseDraft(small, 900, clock.datetime - timedelta(days=200), external_ref="p-1")
        )
        assert record_purchase(session, PurchaseDraft(small, 900, clock.datetime, external_ref="p-1")) > 0
        TicketService(clock).open(session, TicketDraft("complaint", "Cold soup", customer_id=big))
    with db.sessions.begin() as session:
        vip = refresh_value(session, big, ValueModel(), clock)
        low = refresh_value(session, small, ValueModel(), clock)
    assert (vip.tier, vip.stage) == (Tier.VIP, Stage.ACTIVE)
    assert [w.code for w in vip.warnings] == ["crm.churn.open_complaint"]
    assert (low.tier, low.stage) == (Tier.SMALL, Stage.AT_RISK)
    with db.sessions() as session:
        assert CustomerService(clock).get(session, big).tier == "vip"
        assert CustomerService(clock).get(session, small).lifecycle_stage == "at_risk"


def test_given_naive_purchase_time_when_recorded_then_invalid_value(db: Db, clock: FakeClock) -> None:
    cid = _customer(db, clock)
    with pytest.raises(InvalidValue), db.sessions.begin() as session:
        record_purchase(session, PurchaseDraft(cid, 100, clock.datetime.replace(tzinfo=None)))


def test_given_points_when_earn_redeem_expire_adjust_then_ledger_and_balance_agree(
    db: Db, clock: FakeClock
) -> None:
    cid = _customer(db, clock)
    ledger = LoyaltyLedger(clock)
    with db.sessions.begin() as session:
        ledger.earn(session, cid, 500, "Dinner 2026-03-01")
        ledger.redeem(session, cid, 200, "Voucher")
        ledger.adjust(session, cid, -50, "Goodwill correction")
        expired = ledger.expire(session, cid, 1000, "Yearly expiry")
        assert CustomerService(clock).get(session, cid).points_balance == 0
    assert (expired.kind, expired.delta, expired.balance_after) == (PointsKind.EXPIRE, -250, 0)
    with db.sessions() as session:
        history = ledger.history(session, cid)
        assert [m.delta for m in history] == [-250, -50, -200, 500]
        assert ledger.balance(session, cid) == 0


def test_given_small_balance_when_redeeming_more_then_clear_error_and_nothing_written(
    db: Db, clock: FakeClock
) -> None:
    cid = _customer(db, clock)
    ledger = LoyaltyLedger(clock)
    with db.sessions.begin() as session:
        ledger.earn(session, cid, 100, "Signup")
    with pytest.raises(InsufficientPoints) as caught, db.sessions.begin() as session:
        ledger.redeem(session, cid, 101, "Too much")
    assert caught.value.params == {"customer_id": cid, "balance": 100, "requested": 101}
    with db.sessions() as session:
        assert ledger.balance(session, cid) == 100
        assert len(ledger.history(session, cid)) == 1
    with pytest.raises(NotFound), db.sessions.begin() as session:
        ledger.earn(session, 987654, 1, "ghost")
    with pytest.raises(InvalidValue), db.sessions.begin() as session:
        ledger.redeem(session, cid, -5, "negative")


def test_given_concurrent_redemptions_when_racing_then_balance_never_negative_and_ledger_exact(
    db: Db, clock: FakeClock
) -> None:
    """8 threads x 25 redemptions of 10 points race for 1,000 points: exactly 100 succeed."""
    cid = _customer(db, clock)
    ledger = LoyaltyLedger(clock)
    with db.sessions.begin() as session:
        ledger.earn(session, cid, 1000, "Opening balance")
    start = threading.Barrier(8)

    def worker(_: int) -> tuple[int, int]:
        start.wait(timeout=10)
        ok = refused = 0
        for _ in range(25):
            try:
                with db.sessions.begin() as session:
                    ledger.redeem(session, cid, 10, "Race")
                    if ok % 5 == 4:
                        ledger.earn(session, cid, 1, "Bonus")
                ok += 1
            except InsufficientPoints:
                refused += 1
        return ok, refused

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(worker, range(8)))
    succeeded = sum(ok for ok, _ in results)
    with db.sessions() as session:
        balance = ledger.balance(session, cid)
        ledger_sum = session.scalar(select(func.sum(PointsEntry.delta)).where(PointsEntry.customer_id == cid))
        lowest = session.scalar(
            select(func.min(PointsEntry.balance_after)).where(PointsEntry.customer_id == cid)
        )
    assert balance == ledger_sum
    assert lowest is not None
    assert lowest >= 0
    assert succeeded + sum(refused for _, refused in results) == 200
    bonuses = sum(ok // 5 for ok, _ in results)
    assert balance == 1000 - 10 * succeeded + bonuses
    assert balance < 10
