"""The customer value model: RFM score, value tier, lifecycle stage and churn warnings (pure)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Tier(StrEnum):
    VIP = "vip"
    KEY = "key"
    NORMAL = "normal"
    SMALL = "small"


class Stage(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class PurchaseStats:
    """Aggregates over a customer's purchases, as seen at ``now``."""

    created_at: datetime
    first_at: datetime | None
    last_at: datetime | None
    count_window: int  # purchases inside the model window (default 365 days)
    total_minor_window: int
    count_last_90: int = 0
    count_prev_90: int = 0  # 90..180 days ago
    open_complaints: int = 0


@dataclass(frozen=True, slots=True)
class ValueModel:
    """RFM thresholds and weights; each component scores 1..5, the score is their weighted mean.

    Recency breakpoints are "at most N days since the last purchase" (best first); frequency and
    monetary breakpoints are "at least N" inside ``window_days``.
    """

    recency_weight: float = 0.3
    frequency_weight: float = 0.3
    monetary_weight: float = 0.4
    recency_days: tuple[int, int, int, int] = (30, 90, 180, 365)
    frequency_counts: tuple[int, int, int, int] = (2, 4, 8, 16)
    monetary_minor: tuple[int, int, int, int] = (10_000, 50_000, 200_000, 1_000_000)
    window_days: int = 365
    tier_thresholds: dict[Tier, float] = field(
        default_factory=lambda: {Tier.VIP: 4.2, Tier.KEY: 3.4, Tier.NORMAL: 2.0}
    )
    new_days: int = 30
    at_risk_days: int = 90
    lost_days: int = 365


@dataclass(frozen=True, slots=True)
class ChurnWarning:
    code: str
    params: dict[str, object]


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    tier: Tier
    stage: Stage
    recency: int
    frequency: int
    monetary: int
    warnings: tuple[ChurnWarning, ...] = ()


def recency_score(days: float | None, breakpoints: tuple[int, ...]) -> int:
    if days is None:
        return 1
    for index, limit in enumerate(breakpoints):
        if days <= limit:
            return 5 - index
    return 1


def at_least_score(value: int, breakpoints: tuple[int, ...]) -> int:
    return 1 + bisect_right(breakpoints, value)


def tier_for(score: float, model: ValueModel) -> Tier:
    for tier in (Tier.VIP, Tier.KEY, Tier.NORMAL):
        if score >= model.tier_thresholds[tier]:
            return tier
    return Tier.SMALL


def stage_for(stats: PurchaseStats, now: datetime, model: ValueModel) -> Stage:
    if stats.last_at is None:
        return Stage.NEW if now - stats.created_at <= timedelta(days=model.new_days) else Stage.LOST
    if stats.first_at is not None and now - stats.first_at <= timedelta(days=model.new_days):
        return Stage.NEW
    idle = now - stats.last_at
    if idle <= timedelta(days=model.at_risk_days):
        return Stage.ACTIVE
    if idle <= timedelta(days=model.lost_days):
        return Stage.AT_RISK
    return Stage.LOST


def churn_warnings(stats: PurchaseStats, tier: Tier, stage: Stage) -> tuple[ChurnWarning, ...]:
    """Rules that should make an account manager pick up the phone."""
    warnings: list[ChurnWarning] = []
    if tier in (Tier.VIP, Tier.KEY) and stage in (Stage.AT_RISK, Stage.LOST):
        warnings.append(
            ChurnWarning("crm.churn.valuable_inactive", {"tier": tier.value, "stage": stage.value})
        )
    if stats.count_prev_90 >= 3 and stats.count_last_90 * 2 <= stats.count_prev_90:
        warnings.append(
            ChurnWarning(
                "crm.churn.frequency_drop", {"before": stats.count_prev_90, "now": stats.count_last_90}
            )
        )
    if stats.open_complaints > 0:
        warnings.append(ChurnWarning("crm.churn.open_complaint", {"count": stats.open_complaints}))
    return tuple(warnings)


def assess(stats: PurchaseStats, now: datetime, model: ValueModel) -> Assessment:
    days = None if stats.last_at is None else (now - stats.last_at).total_seconds() / 86_400
    r = recency_score(days, model.recency_days)
    f = at_least_score(stats.count_window, model.frequency_counts)
    m = at_least_score(stats.total_minor_window, model.monetary_minor)
    weights = model.recency_weight + model.frequency_weight + model.monetary_weight
    score = (r * model.recency_weight + f * model.frequency_weight + m * model.monetary_weight) / weights
    score = round(score, 3)
    tier = tier_for(score, model)
    stage = stage_for(stats, now, model)
    return Assessment(score, tier, stage, r, f, m, churn_warnings(stats, tier, stage))
