from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm_core.errors import IllegalTicketTransition
from crm_core.ticket_rules import (
    Escalation,
    SlaPolicy,
    TicketStatus,
    TicketType,
    check_transition,
    priority_for,
    sla_status,
    sla_timer,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target"),
    [("new", "open"), ("open", "pending"), ("pending", "open"), ("open", "resolved"), ("resolved", "open"),
     ("resolved", "closed")],
)  # fmt: skip
def test_given_allowed_move_when_checked_then_target_status(current: str, target: str) -> None:
    assert check_transition(1, current, target) == TicketStatus(target)


@pytest.mark.parametrize(("current", "target"), [("closed", "open"), ("new", "new"), ("open", "bogus")])
def test_given_illegal_move_when_checked_then_error_with_params(current: str, target: str) -> None:
    with pytest.raises(IllegalTicketTransition) as caught:
        check_transition(7, current, target)
    assert caught.value.code == "crm.ticket.illegal_transition"
    assert caught.value.params == {"ticket_id": 7, "current": current, "target": target}


@pytest.mark.parametrize(
    ("ticket_type", "tier", "priority"),
    [(TicketType.COMPLAINT, "vip", 1), (TicketType.COMPLAINT, "normal", 2), (TicketType.ENQUIRY, "key", 3),
     (TicketType.ENQUIRY, None, 4), (TicketType.SERVICE_REQUEST, "vip", 1)],
)  # fmt: skip
def test_given_type_and_tier_when_prioritised_then_priority(
    ticket_type: TicketType, tier: str | None, priority: int
) -> None:
    assert priority_for(ticket_type, tier) == priority


@pytest.mark.parametrize(
    ("minutes", "level"),
    [(0, Escalation.NONE), (44, Escalation.NONE), (45, Escalation.WARNING), (61, Escalation.BREACHED),
     (121, Escalation.SEVERE)],
)  # fmt: skip
def test_given_one_hour_window_when_time_passes_then_escalation_level(minutes: int, level: int) -> None:
    timer = sla_timer(T0, T0 + timedelta(hours=1), None, T0 + timedelta(minutes=minutes), 0.75)
    assert timer.level == level


def test_given_timer_stopped_in_time_when_much_later_then_met_and_no_escalation() -> None:
    timer = sla_timer(T0, T0 + timedelta(hours=1), T0 + timedelta(minutes=30), T0 + timedelta(days=3), 0.75)
    assert timer.met
    assert timer.level == Escalation.NONE
    assert timer.remaining_seconds == 1800


def test_given_first_response_met_when_resolution_late_then_status_level_is_the_worst() -> None:
    policy = SlaPolicy()
    first_due, resolution_due = policy.due(2, T0)
    status = sla_status(
        T0, first_due, resolution_due, T0 + timedelta(minutes=5), None, T0 + timedelta(hours=9), policy
    )
    assert status.first_response.met
    assert status.resolution.level == Escalation.BREACHED
    assert status.level == Escalation.BREACHED
