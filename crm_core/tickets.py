"""Tickets: open, assign, move through the workflow, link interactions, watch SLA timers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.clock import Clock, utc_now
from crm_core.errors import NotFound
from crm_core.models import Customer, Interaction, Ticket, TicketInteraction
from crm_core.ticket_rules import (
    OPEN_STATUSES,
    SlaPolicy,
    SlaStatus,
    TicketStatus,
    TicketType,
    check_transition,
    priority_for,
    sla_status,
)
from crm_core.validation import check_length, one_of, optional, required
from crm_core.views import TicketSummary, ticket_summary


@dataclass(frozen=True, slots=True)
class TicketDraft:
    type: str
    subject: str
    customer_id: int | None = None
    description: str = ""
    assignee: str | None = None
    team: str | None = None
    interaction_id: int | None = None  # the contact that raised it


class TicketService:
    def __init__(self, clock: Clock, policy: SlaPolicy | None = None) -> None:
        self.clock = clock
        self.policy = policy or SlaPolicy()

    def open(self, session: Session, draft: TicketDraft) -> TicketSummary:
        """Create a ticket; its priority comes from the type and the customer's value tier."""
        ticket_type = TicketType(one_of("type", str(draft.type), [t.value for t in TicketType]))
        tier = None
        if draft.customer_id is not None:
            customer = session.get(Customer, draft.customer_id)
            if customer is None:
                raise NotFound(kind="customer", key=draft.customer_id)
            tier = customer.tier
        now = utc_now(self.clock)
        priority = priority_for(ticket_type, tier)
        first_due, resolution_due = self.policy.due(priority, now)
        row = Ticket(
            customer_id=draft.customer_id,
            type=ticket_type.value,
            subject=required("subject", draft.subject, limits.TITLE),
            description=check_length("description", draft.description, limits.TICKET_TEXT) or "",
            status=TicketStatus.OPEN if draft.assignee else TicketStatus.NEW,
            priority=priority,
            assignee=optional("assignee", draft.assignee, limits.SHORT),
            team=optional("team", draft.team, limits.SHORT),
            created_at=now,
            updated_at=now,
            first_response_due_at=first_due,
            resolution_due_at=resolution_due,
        )
        session.add(row)
        session.flush()
        if draft.interaction_id is not None:
            self.link_interaction(session, row.id, draft.interaction_id)
        return ticket_summary(row)

    def get(self, session: Session, ticket_id: int) -> TicketSummary:
        return ticket_summary(_ticket(session, ticket_id))

    def assign(
        self, session: Session, ticket_id: int, assignee: str, team: str | None = None
    ) -> TicketSummary:
        row = _ticket(session, ticket_id)
        row.assignee = required("assignee", assignee, limits.SHORT)
        row.team = optional("team", team, limits.SHORT) or row.team
        if row.status == TicketStatus.NEW:
            row.status = TicketStatus.OPEN
        row.updated_at = utc_now(self.clock)
        session.flush()
        return ticket_summary(row)

    def respond(self, session: Session, ticket_id: int) -> TicketSummary:
        """Record the first response to the customer (stops the first-response timer once)."""
        row = _ticket(session, ticket_id)
        now = utc_now(self.clock)
        if row.first_responded_at is None:
            row.first_responded_at = now
        row.updated_at = now
        session.flush()
        return ticket_summary(row)

    def transition(self, session: Session, ticket_id: int, target: str) -> TicketSummary:
        """Move along the workflow; illegal moves raise :class:`IllegalTicketTransition`."""
        row = _ticket(session, ticket_id)
        goal = check_transition(ticket_id, row.status, target)
        now = utc_now(self.clock)
        if goal in (TicketStatus.PENDING, TicketStatus.RESOLVED) and row.first_responded_at is None:
            row.first_responded_at = now  # asking the customer or solving it is a response
        if goal == TicketStatus.RESOLVED:
            row.resolved_at = now
        elif goal == TicketStatus.CLOSED:
            row.closed_at = now
            row.resolved_at = row.resolved_at or now
        elif goal == TicketStatus.OPEN and row.status == TicketStatus.RESOLVED:
            row.resolved_at = None  # reopened: the resolution timer runs again
        row.status = goal.value
        row.updated_at = now
        session.flush()
        return ticket_summary(row)

    def link_interaction(self, session: Session, ticket_id: int, interaction_id: int) -> None:
        _ticket(session, ticket_id)
        if session.get(Interaction, interaction_id) is None:
            raise NotFound(kind="interaction", key=interaction_id)
        if session.get(TicketInteraction, (ticket_id, interaction_id)) is None:
            session.add(TicketInteraction(ticket_id=ticket_id, interaction_id=interaction_id))
            session.flush()

    def interaction_ids(self, session: Session, ticket_id: int) -> tuple[int, ...]:
        query = (
            select(TicketInteraction.interaction_id)
            .where(TicketInteraction.ticket_id == ticket_id)
            .order_by(TicketInteraction.interaction_id)
        )
        return tuple(session.scalars(query))

    def sla(self, session: Session, ticket_id: int) -> SlaStatus:
        return self._status(_ticket(session, ticket_id))

    def open_for_customer(
        self, session: Session, customer_id: int, limit: int = 20
    ) -> tuple[TicketSummary, ...]:
        query = (
            select(Ticket)
            .where(Ticket.customer_id == customer_id, Ticket.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(Ticket.priority, Ticket.created_at)
            .limit(limit)
        )
        return tuple(ticket_summary(row) for row in session.scalars(query))

    def escalations(
        self, session: Session, *, min_level: int = 1, limit: int = 100
    ) -> tuple[tuple[TicketSummary, SlaStatus], ...]:
        """Open tickets at or above ``min_level``, most urgent first (for the supervisor's board)."""
        now = utc_now(self.clock)
        longest = max(max(t.first_response, t.resolution) for t in self.policy.targets.values())
        horizon = now + longest * (1 - self.policy.warn_at)
        query = select(Ticket).where(
            Ticket.status.in_([s.value for s in OPEN_STATUSES]),
            or_(
                and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due_at <= horizon),
                Ticket.resolution_due_at <= horizon,
            ),
        )
        found = [(row, self._status(row)) for row in session.scalars(query)]
        found = [(row, status) for row, status in found if status.level >= min_level]
        found.sort(key=lambda pair: (-pair[1].level, pair[0].priority, pair[0].resolution_due_at))
        return tuple((ticket_summary(row), status) for row, status in found[:limit])

    def _status(self, row: Ticket) -> SlaStatus:
        return sla_status(
            row.created_at,
            row.first_response_due_at,
            row.resolution_due_at,
            row.first_responded_at,
            row.resolved_at,
            utc_now(self.clock),
            self.policy,
        )


def _ticket(session: Session, ticket_id: int) -> Ticket:
    row = session.get(Ticket, ticket_id)
    if row is None:
        raise NotFound(kind="ticket", key=ticket_id)
    return row
