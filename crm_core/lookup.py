"""Screen pop: who is calling, in one call, before the agent says hello.

``ScreenPop.by_number`` accepts the caller ID in any format ("(415) 555-0100", "004420...", "+86 138...")
and returns either a :class:`KnownCaller` with the 360° view of every customer on that number
(``shared_number`` marks a number used by several customers) or an :class:`UnknownCaller` card with the
normalized number so the desktop can offer one-click create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import BindParameter, Integer, bindparam, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from crm_core import limits, phones
from crm_core.errors import CrmError, NotFound
from crm_core.interactions import InteractionView, interaction_view
from crm_core.models import (
    Address,
    Customer,
    CustomerEmail,
    CustomerNote,
    CustomerPhone,
    CustomerTag,
    Interaction,
    Ticket,
    TicketInteraction,
)
from crm_core.ticket_rules import OPEN_STATUSES
from crm_core.validation import normalize_email
from crm_core.views import (
    AddressView,
    CustomerSummary,
    NoteView,
    TicketSummary,
    address_view,
    customer_summary,
    note_view,
    ticket_summary,
)

_TIER_RANK = {"vip": 0, "key": 1, "normal": 2, "small": 3}
# Outcomes that an agent must see first: the customer had a bad experience recently.
IMPORTANT_OUTCOMES = frozenset({"abandoned", "missed", "failed", "complaint", "escalated", "voicemail"})
MAX_MATCHES = 10


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    interaction: InteractionView
    important: bool


@dataclass(frozen=True, slots=True)
class CustomerView360:
    profile: CustomerSummary
    organisation_name: str | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    addresses: tuple[AddressView, ...]
    tags: tuple[str, ...]
    alerts: tuple[NoteView, ...]  # special notes that must pop prominently, newest first
    notes: tuple[NoteView, ...]
    open_tickets: tuple[TicketSummary, ...]
    recent_interactions: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class KnownCaller:
    key: str  # what was looked up, normalized
    matches: tuple[CustomerView360, ...]  # VIPs first
    shared_number: bool  # several customers share this number/address: the agent must ask who it is


@dataclass(frozen=True, slots=True)
class UnknownCaller:
    kind: Literal["phone", "email", "chat_login"]
    raw: str
    normalized: str | None  # E.164 / lower-cased address; None when it cannot be one (withheld ID)


LookupResult = KnownCaller | UnknownCaller


class ScreenPop:
    def __init__(self, default_region: str = "US", interactions: int = 10, notes: int = 10) -> None:
        self.default_region = default_region
        self.interactions = interactions
        self.notes = notes

    def by_number(self, session: Session, raw: str) -> LookupResult:
        e164, ids = self.find_by_number(session, raw)
        if e164 is None:
            return UnknownCaller("phone", raw, None)
        return self._result(session, "phone", raw, e164, list(ids))

    def find_by_number(self, session: Session, raw: str) -> tuple[str | None, tuple[int, ...]]:
        """Only the normalized number and its customers' ids (for the IVR: no 360° view needed)."""
        e164 = phones.try_normalize(raw, self.default_region)
        if e164 is None:
            return None, ()
        return e164, tuple(session.scalars(_BY_NUMBER, {"e164": e164}))

    def by_email(self, session: Session, raw: str) -> LookupResult:
        try:
            email = normalize_email(raw)
        except CrmError:
            return UnknownCaller("email", raw, None)
        query = (
            select(CustomerEmail.customer_id)
            .where(CustomerEmail.email == email)
            .distinct()
            .limit(MAX_MATCHES)
        )
        return self._result(session, "email", raw, email, list(session.scalars(query)))

    def by_chat_login(self, session: Session, login: str) -> LookupResult:
        value = login.strip()
        if not value or len(value) > limits.SHORT:
            return UnknownCaller("chat_login", login, None)
        ids = list(session.scalars(select(Customer.id).where(Customer.chat_login == value)))
        return self._result(session, "chat_login", login, value, ids)

    def view(self, session: Session, customer_id: int) -> CustomerView360:
        """Everything the agent needs about one customer, in six small indexed queries.

        The statements are built once at import (bound parameters), so a pop costs only the round trips.
        """
        key = {"cid": customer_id}
        found = session.execute(_PROFILE, key).one_or_none()
        if found is None:
            raise NotFound(kind="customer", key=customer_id)
        customer, organisation_name = found
        contacts: dict[str, list[str]] = {"phone": [], "email": [], "tag": []}
        for kind, value, _rank, _seq in session.execute(_CONTACTS, key):
            contacts[kind].append(value)
        notes = [note_view(n) for n in session.scalars(_NOTES, key)]
        open_tickets = tuple(ticket_summary(t) for t in session.scalars(_OPEN_TICKETS, key))
        return CustomerView360(
            profile=customer_summary(customer),
            organisation_name=organisation_name,
            phones=tuple(contacts["phone"]),
            emails=tuple(contacts["email"]),
            addresses=tuple(address_view(a) for a in session.scalars(_ADDRESSES, key)),
            tags=tuple(contacts["tag"]),
            alerts=tuple(n for n in notes if n.is_alert),
            notes=tuple(n for n in notes if not n.is_alert)[: self.notes],
            open_tickets=open_tickets,
            recent_interactions=self._timeline(session, customer_id, {t.id for t in open_tickets}),
        )

    def _result(
        self,
        session: Session,
        kind: Literal["phone", "email", "chat_login"],
        raw: str,
        key: str,
        ids: list[int],
    ) -> LookupResult:
        if not ids:
            return UnknownCaller(kind, raw, key)
        views = sorted(
            (self.view(session, i) for i in ids),
            key=lambda v: (_TIER_RANK.get(v.profile.tier, 9), v.profile.id),
        )
        return KnownCaller(key, tuple(views), shared_number=len(views) > 1)

    def _timeline(
        self, session: Session, customer_id: int, open_ticket_ids: set[int]
    ) -> tuple[TimelineEntry, ...]:
        """Recent contacts; important ones of the last 30 days (bad outcome, open ticket) come first."""
        params = {"cid": customer_id, "limit": self.interactions * 2}
        rows = [interaction_view(row) for row in session.scalars(_INTERACTIONS, params)]
        if not rows:
            return ()
        on_open_ticket: set[int] = set()
        if open_ticket_ids:
            links = {"tickets": sorted(open_ticket_ids), "interactions": [r.id for r in rows]}
            on_open_ticket = set(session.scalars(_TICKET_LINKS, links))
        horizon = rows[0].started_at - timedelta(days=30)
        entries = [TimelineEntry(r, r.outcome in IMPORTANT_OUTCOMES or r.id in on_open_ticket) for r in rows]
        entries.sort(
            key=lambda e: (
                not (e.important and e.interaction.started_at >= horizon),
                -e.interaction.started_at.timestamp(),
            )
        )
        return tuple(entries[: self.interactions])


_CID: BindParameter[int] = bindparam("cid", type_=Integer)
_BY_NUMBER = (
    select(CustomerPhone.customer_id)
    .where(CustomerPhone.e164 == bindparam("e164"))
    .distinct()
    .limit(MAX_MATCHES)
)
_ORGANISATION = aliased(Customer, name="organisation")
_PROFILE = (
    select(Customer, _ORGANISATION.display_name)
    .outerjoin(_ORGANISATION, _ORGANISATION.id == Customer.organisation_id)
    .where(Customer.id == _CID)
)
_NOTES = (
    select(CustomerNote)
    .where(CustomerNote.customer_id == _CID)
    .order_by(CustomerNote.is_alert.desc(), CustomerNote.created_at.desc(), CustomerNote.id.desc())
    .limit(50)
)
_OPEN_TICKETS = (
    select(Ticket)
    .where(Ticket.customer_id == _CID, Ticket.status.in_([s.value for s in OPEN_STATUSES]))
    .order_by(Ticket.priority, Ticket.created_at)
    .limit(20)
)
_ADDRESSES = select(Address).where(Address.customer_id == _CID).order_by(Address.id)
_INTERACTIONS = (
    select(Interaction)
    .where(Interaction.customer_id == _CID)
    .order_by(Interaction.started_at.desc(), Interaction.id.desc())
    .limit(bindparam("limit", type_=Integer))
)
_TICKET_LINKS = select(TicketInteraction.interaction_id).where(
    TicketInteraction.ticket_id.in_(bindparam("tickets", expanding=True)),
    TicketInteraction.interaction_id.in_(bindparam("interactions", expanding=True)),
)
# Phones, e-mails and tags of one customer in a single round trip, each in display order.
_CONTACTS = union_all(
    select(
        literal("phone").label("kind"), CustomerPhone.e164.label("value"),
        (1 - CustomerPhone.is_primary.cast(Integer)).label("rank"), CustomerPhone.id.label("seq"),
    ).where(CustomerPhone.customer_id == _CID),
    select(
        literal("email"), CustomerEmail.email, 1 - CustomerEmail.is_primary.cast(Integer), CustomerEmail.id
    ).where(CustomerEmail.customer_id == _CID),
    select(literal("tag"), CustomerTag.tag, literal(0), literal(0)).where(CustomerTag.customer_id == _CID),
).order_by("kind", "rank", "seq", "value")  # fmt: skip
