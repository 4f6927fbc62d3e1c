from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_core.value import PurchaseStats, Stage, Tier, ValueModel, assess, at_least_score, recency_score

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _stats(days_since_last: float | None, count: int, total: int, **extra: int) -> PurchaseStats:
    last = None if days_since_last is None else NOW - timedelta(days=days_since_last)
    first = None if last is None else NOW - timedelta(days=400)
    return PurchaseStats(NOW - timedelta(days=500), first, last, count, total, **extra)


def test_given_breakpoints_when_scoring_then_one_to_five() -> None:
    assert [at_least_score(v, (2, 4, 8, 16)) for v in (0, 1, 2, 4, 8, 16, 99)] == [1, 1, 2, 3, 4, 5, 5]
    assert [recency_score(d, (30, 90, 180, 365)) for d in (None, 1, 30, 31, 200, 400)] == [1, 5, 5, 4, 2, 1]


@pytest.mark.parametrize(
    ("stats", "tier"),
    [
        (_stats(3, 20, 2_000_000), Tier.VIP),
        (_stats(40, 8, 300_000), Tier.KEY),
        (_stats(100, 3, 20_000), Tier.NORMAL),
        (_stats(None, 0, 0), Tier.SMALL),
    ],
)
def test_given_rfm_stats_when_assessed_then_tier(stats: PurchaseStats, tier: Tier) -> None:
    assert assess(stats, NOW, ValueModel()).tier == tier


def test_given_custom_weights_when_only_monetary_counts_then_big_spender_is_vip() -> None:
    model = ValueModel(recency_weight=0, frequency_weight=0, monetary_weight=1)
    result = assess(_stats(500, 1, 5_000_000), NOW, model)
    assert (result.score, result.tier) == (5.0, Tier.VIP)


@pytest.mark.parametrize(("days", "stage"), [(10, Stage.ACTIVE), (120, Stage.AT_RISK), (400, Stage.LOST)])
def test_given_idle_days_when_assessed_then_lifecycle_stage(days: int, stage: Stage) -> None:
    assert assess(_stats(days, 1, 1000), NOW, ValueModel()).stage == stage


def test_given_fresh_customer_without_purchases_when_assessed_then_new() -> None:
    stats = PurchaseStats(NOW - timedelta(days=3), None, None, 0, 0)
    assert assess(stats, NOW, ValueModel()).stage == Stage.NEW


def test_given_valuable_customer_gone_quiet_when_assessed_then_churn_warnings() -> None:
    model = ValueModel(recency_weight=0, frequency_weight=0.5, monetary_weight=0.5)
    stats = _stats(150, 20, 2_000_000, count_last_90=0, count_prev_90=6, open_complaints=1)
    result = assess(stats, NOW, model)
    assert result.tier == Tier.VIP
    assert result.stage == Stage.AT_RISK
    assert [w.code for w in result.warnings] == [
        "crm.churn.valuable_inactive",
        "crm.churn.frequency_drop",
        "crm.churn.open_complaint",
    ]
