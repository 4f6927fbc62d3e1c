"""Frozen read models returned by the services (ORM rows stay inside crm_core)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm_core.models import Address, Customer, CustomerNote, Ticket


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    id: int
    kind: str
    display_name: str
    native_name: str | None
    organisation_id: int | None
    job_title: str | None
    preferred_language: str | None
    chat_login: str | None
    owner: str | None
    team: str | None
    tier: str
    value_score: float
    lifecycle_stage: str
    points_balance: int
    consent_marketing: bool
    opt_out_calls: bool
    opt_out_email: bool
    opt_out_sms: bool
    created_at: datetime


def customer_summary(row: Customer) -> CustomerSummary:
    return CustomerSummary(
        id=row.id,
        kind=row.kind,
        display_name=row.display_name,
        native_name=row.native_name,
        organisation_id=row.organisation_id,
        job_title=row.job_title,
        preferred_language=row.preferred_language,
        chat_login=row.chat_login,
        owner=row.owner,
        team=row.team,
        tier=row.tier,
        value_score=row.value_score,
        lifecycle_stage=row.lifecycle_stage,
        points_balance=row.points_balance,
        consent_marketing=row.consent_marketing,
        opt_out_calls=row.opt_out_calls,
        opt_out_email=row.opt_out_email,
        opt_out_sms=row.opt_out_sms,
        created_at=row.created_at,
    )


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    category: str
    text: str
    is_alert: bool
    author: str | None
    created_at: datetime


def note_view(row: CustomerNote) -> NoteView:
    return NoteView(row.id, row.category, row.text, row.is_alert, row.author, row.created_at)


@dataclass(frozen=True, slots=True)
class TicketSummary:
    id: int
    customer_id: int | None
    type: str
    subject: str
    status: str
    priority: int
    assignee: str | None
    team: str | None
    created_at: datetime
    first_response_due_at: datetime
    resolution_due_at: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


def ticket_summary(row: Ticket) -> TicketSummary:
    return TicketSummary(
        id=row.id,
        customer_id=row.customer_id,
        type=row.type,
        subject=row.subject,
        status=row.status,
        priority=row.priority,
        assignee=row.assignee,
        team=row.team,
        created_at=row.created_at,
        first_response_due_at=row.first_response_due_at,
        resolution_due_at=row.resolution_due_at,
        first_responded_at=row.first_responded_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
    )


@dataclass(frozen=True, slots=True)
class AddressView:
    label: str
    line1: str
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


def address_view(row: Address) -> AddressView:
    return AddressView(row.label, row.line1, row.line2, row.city, row.region, row.postal_code, row.country)
