"""Ticket workflow, priority and SLA timers (pure: the clock value comes in as ``now``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from crm_core.errors import IllegalTicketTransition


class TicketType(StrEnum):
    SERVICE_REQUEST = "service_request"
    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  # waiting for the customer
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)

TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.NEW: frozenset(
        {TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED}
    ),
    TicketStatus.OPEN: frozenset({TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.PENDING: frozenset({TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.RESOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),  # reopen or close
    TicketStatus.CLOSED: frozenset(),
}


def check_transition(ticket_id: int, current: str, target: str) -> TicketStatus:
    try:
        source, goal = TicketStatus(current), TicketStatus(target)
    except ValueError:
        raise IllegalTicketTransition(ticket_id=ticket_id, current=current, target=target) from None
    if goal not in TRANSITIONS[source]:
        raise IllegalTicketTransition(ticket_id=ticket_id, current=current, target=target)
    return goal


URGENT, HIGH, NORMAL, LOW = 1, 2, 3, 4
_BASE_PRIORITY = {TicketType.COMPLAINT: HIGH, TicketType.SERVICE_REQUEST: NORMAL, TicketType.ENQUIRY: LOW}
# A VIP's complaint is urgent; a key customer's request jumps one level.
_TIER_BOOST = {"vip": 2, "key": 1}


def priority_for(ticket_type: TicketType, tier: str | None) -> int:
    return max(URGENT, _BASE_PRIORITY[ticket_type] - _TIER_BOOST.get(tier or "", 0))


@dataclass(frozen=True, slots=True)
class SlaTargets:
    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Targets per priority; ``warn_at`` is the elapsed fraction of a window that raises level 1."""

    targets: dict[int, SlaTargets] = field(
        default_factory=lambda: {
            URGENT: SlaTargets(timedelta(minutes=15), timedelta(hours=4)),
            HIGH: SlaTargets(timedelta(hours=1), timedelta(hours=8)),
            NORMAL: SlaTargets(timedelta(hours=4), timedelta(hours=24)),
            LOW: SlaTargets(timedelta(hours=8), timedelta(hours=72)),
        }
    )
    warn_at: float = 0.75

    def due(self, priority: int, created_at: datetime) -> tuple[datetime, datetime]:
        target = self.targets[priority]
        return created_at + target.first_response, created_at + target.resolution


class Escalation:
    NONE = 0
    WARNING = 1  # most of the window used up
    BREACHED = 2  # past due
    SEVERE = 3  # past due by more than a whole window again


@dataclass(frozen=True, slots=True)
class SlaTimer:
    due_at: datetime
    stopped_at: datetime | None  # when the target was met (or missed late)
    remaining_seconds: float  # negative when overdue; frozen once stopped
    level: int

    @property
    def met(self) -> bool:
        return self.stopped_at is not None and self.stopped_at <= self.due_at


@dataclass(frozen=True, slots=True)
class SlaStatus:
    first_response: SlaTimer
    resolution: SlaTimer

    @property
    def level(self) -> int:
        return max(self.first_response.level, self.resolution.level)


def sla_timer(
    started_at: datetime, due_at: datetime, stopped_at: datetime | None, now: datetime, warn_at: float
) -> SlaTimer:
    """A stopped timer keeps no escalation; a running one escalates as the deadline nears and passes."""
    moment = stopped_at if stopped_at is not None else now
    remaining = (due_at - moment).total_seconds()
    if stopped_at is not None:
        return SlaTimer(due_at, stopped_at, remaining, Escalation.NONE)
    window = (due_at - started_at).total_seconds()
    elapsed = (now - started_at).total_seconds()
    if remaining < -window:
        level = Escalation.SEVERE
    elif remaining < 0:
        level = Escalation.BREACHED
    elif window > 0 and elapsed >= warn_at * window:
        level = Escalation.WARNING
    else:
        level = Escalation.NONE
    return SlaTimer(due_at, None, remaining, level)


def sla_status(
    created_at: datetime,
    first_response_due_at: datetime,
    resolution_due_at: datetime,
    first_responded_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
    policy: SlaPolicy,
) -> SlaStatus:
    return SlaStatus(
        sla_timer(created_at, first_response_due_at, first_responded_at, now, policy.warn_at),
        sla_timer(created_at, resolution_due_at, resolved_at, now, policy.warn_at),
    )
