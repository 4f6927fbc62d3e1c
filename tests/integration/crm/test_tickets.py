from __future__ import annotations

from datetime import timedelta

import pytest

from crm_core.customers import CustomerDraft, CustomerService
from crm_core.errors import IllegalTicketTransition, MissingField, NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.models import Customer
from crm_core.ticket_rules import Escalation
from crm_core.tickets import TicketDraft, TicketService
from tests.crm_conftest_helpers import Db, FakeClock


def _vip(db: Db, clock: FakeClock) -> int:
    with db.sessions.begin() as session:
        cid = CustomerService(clock).create(session, CustomerDraft("Wei Zhang"))
        session.get_one(Customer, cid).tier = "vip"
        return cid


def test_given_vip_complaint_when_opened_then_urgent_with_sla_due_times(db: Db, clock: FakeClock) -> None:
    cid = _vip(db, clock)
    with db.sessions.begin() as session:
        ticket = TicketService(clock).open(session, TicketDraft("complaint", "Peanuts!", customer_id=cid))
    assert (ticket.priority, ticket.status) == (1, "new")
    assert ticket.first_response_due_at == clock.datetime + timedelta(minutes=15)
    assert ticket.resolution_due_at == clock.datetime + timedelta(hours=4)


def test_given_open_ticket_when_clock_advances_then_escalation_levels_rise(db: Db, clock: FakeClock) -> None:
    cid = _vip(db, clock)
    service = TicketService(clock)
    with db.sessions.begin() as session:
        ticket = service.open(session, TicketDraft("complaint", "Peanuts!", customer_id=cid))
        calm = service.open(session, TicketDraft("enquiry", "Parking?"))
    levels, elapsed = [], 0
    for minutes in (0, 12, 16, 31):  # first response due after 15 minutes
        clock.advance(minutes=minutes - elapsed)
        elapsed = minutes
        with db.sessions() as session:
            levels.append(service.sla(session, ticket.id).level)
    assert levels == [Escalation.NONE, Escalation.WARNING, Escalation.BREACHED, Escalation.SEVERE]
    with db.sessions() as session:
        board = service.escalations(session)
    assert [(t.id, s.level) for t, s in board] == [(ticket.id, Escalation.SEVERE)]
    assert calm.id not in [t.id for t, _ in board]


def test_given_ticket_when_worked_through_workflow_then_timers_stop_and_reopen_restarts(
    db: Db, clock: FakeClock
) -> None:
    service = TicketService(clock)
    with db.sessions.begin() as session:
        ticket = service.open(session, TicketDraft("service_request", "Private room", assignee="agent-7"))
        assert ticket.status == "open"
        clock.advance(minutes=30)
        service.transition(session, ticket.id, "pending")
        clock.advance(hours=2)
        service.transition(session, ticket.id, "open")
        resolved = service.transition(session, ticket.id, "resolved")
    assert resolved.first_responded_at == resolved.created_at + timedelta(minutes=30)
    clock.advance(days=10)
    with db.sessions.begin() as session:
        status = service.sla(session, ticket.id)
        assert status.first_response.met
        assert status.resolution.met
        assert status.level == Escalation.NONE
        reopened = service.transition(session, ticket.id, "open")
        assert reopened.resolved_at is None
        assert service.sla(session, ticket.id).level == Escalation.SEVERE
        service.transition(session, ticket.id, "closed")
    with pytest.raises(IllegalTicketTransition), db.sessions.begin() as session:
        service.transition(session, ticket.id, "open")


def test_given_ticket_when_assigned_and_linked_then_interactions_listed(db: Db, clock: FakeClock) -> None:
    service, log = TicketService(clock), InteractionLog()
    with db.sessions.begin() as session:
        first = log.record(session, InteractionRecord("c.1", "call", "inbound", clock.datetime))
        second = log.record(session, InteractionRecord("e.1", "email", "outbound", clock.datetime))
        ticket = service.open(session, TicketDraft("enquiry", "Menu", interaction_id=first))
        assigned = service.assign(session, ticket.id, "agent-3", "support")
        service.link_interaction(session, ticket.id, second)
        service.link_interaction(session, ticket.id, second)
        assert service.interaction_ids(session, ticket.id) == (first, second)
    assert (assigned.status, assigned.assignee, assigned.team) == ("open", "agent-3", "support")


@pytest.mark.parametrize(
    ("draft", "error"),
    [
        (TicketDraft("complaint", "  "), MissingField),
        (TicketDraft("complaint", "x", customer_id=999), NotFound),
        (TicketDraft("complaint", "x", interaction_id=999), NotFound),
    ],
)
def test_given_bad_ticket_when_opened_then_error_and_nothing_stored(
    db: Db, clock: FakeClock, draft: TicketDraft, error: type[Exception]
) -> None:
    service = TicketService(clock)
    with pytest.raises(error), db.sessions.begin() as session:
        service.open(session, draft)
    with db.sessions() as session, pytest.raises(NotFound):
        service.get(session, 1)
