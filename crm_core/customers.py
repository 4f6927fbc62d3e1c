"""Customer profiles: create, read, change, search. Validation happens before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from crm_core import limits, phones
from crm_core.clock import Clock, utc_now
from crm_core.errors import NotFound, NumberInUse
from crm_core.models import (
    Address,
    Customer,
    CustomerEmail,
    CustomerNote,
    CustomerPhone,
    CustomerSearchTerm,
    CustomerTag,
)
from crm_core.search import CustomerFilter, CustomerSearch, SearchPage, reindex, term_rows
from crm_core.validation import normalize_email, one_of, optional, required
from crm_core.value import Tier
from crm_core.views import CustomerSummary, customer_summary


class CustomerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class NoteCategory(StrEnum):
    DIET = "diet"
    RELIGION = "religion"
    COMPLAINT = "complaint"
    PREFERENCE = "preference"
    ACCESSIBILITY = "accessibility"
    GENERAL = "general"


@dataclass(frozen=True, slots=True)
class NoteDraft:
    text: str
    category: str = NoteCategory.GENERAL
    is_alert: bool = False
    author: str | None = None


@dataclass(frozen=True, slots=True)
class AddressDraft:
    line1: str
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    label: str = "home"


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    display_name: str
    kind: str = CustomerKind.PERSON
    native_name: str | None = None
    organisation_id: int | None = None
    job_title: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[AddressDraft, ...] = ()
    preferred_language: str | None = None
    chat_login: str | None = None
    owner: str | None = None
    team: str | None = None
    consent_marketing: bool = False
    opt_out_calls: bool = False
    opt_out_email: bool = False
    opt_out_sms: bool = False
    tags: tuple[str, ...] = ()
    notes: tuple[NoteDraft, ...] = field(default=())
    tier: str | None = None  # normally computed from purchases; an import may set it


@dataclass(frozen=True, slots=True)
class CustomerPatch:
    """Changes to a profile; ``None`` leaves a field as it is."""

    display_name: str | None = None
    native_name: str | None = None
    job_title: str | None = None
    preferred_language: str | None = None
    chat_login: str | None = None
    owner: str | None = None
    team: str | None = None
    organisation_id: int | None = None
    consent_marketing: bool | None = None
    opt_out_calls: bool | None = None
    opt_out_email: bool | None = None
    opt_out_sms: bool | None = None


_PATCH_LIMITS = {
    "display_name": limits.NAME,
    "native_name": limits.NAME,
    "job_title": limits.SHORT,
    "preferred_language": limits.LANGUAGE,
    "chat_login": limits.SHORT,
    "owner": limits.SHORT,
    "team": limits.SHORT,
}


@dataclass(slots=True)
class PreparedCustomer:
    """A validated draft: normalized numbers and e-mails, rows built but not added (crm_core internal)."""

    customer: Customer
    numbers: list[tuple[str, str]]  # (as given, E.164)
    emails: list[str]
    addresses: list[Address]
    notes: list[CustomerNote]
    tags: list[str]

    @property
    def keys(self) -> set[str]:
        """What identifies this customer for de-duplication: E.164 numbers and e-mail addresses."""
        return {e164 for _, e164 in self.numbers} | set(self.emails)


class CustomerService:
    def __init__(self, clock: Clock, default_region: str = "US") -> None:
        self.clock = clock
        self.default_region = default_region

    def create(self, session: Session, draft: CustomerDraft, *, shared_number_ok: bool = False) -> int:
        """Validate everything first, then insert the customer with its numbers, addresses and notes.

        A number that already belongs to someone raises :class:`NumberInUse` unless ``shared_number_ok``
        (a family line is fine, but only when the person creating the customer knows it).
        """
        prepared = self.prepare(draft)
        if not shared_number_ok:
            self._refuse_shared_numbers(session, [e164 for _, e164 in prepared.numbers])
        return self.insert_prepared(session, [prepared])[0]

    def _refuse_shared_numbers(self, session: Session, numbers: list[str]) -> None:
        for e164 in numbers:
            query = (
                select(Customer.id, Customer.display_name)
                .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
                .where(CustomerPhone.e164 == e164)
                .order_by(Customer.id)
                .limit(5)
            )
            holders = session.execute(query).all()
            if holders:
                names = ", ".join(f"{name} (#{customer_id})" for customer_id, name in holders)
                raise NumberInUse(number=e164, customers=names)

    def prepare(self, draft: CustomerDraft) -> PreparedCustomer:
        """Validate and normalize a draft without touching the database."""
        now = utc_now(self.clock)
        customer = Customer(
            kind=one_of("kind", str(draft.kind), [k.value for k in CustomerKind]),
            display_name=required("display_name", draft.display_name, limits.NAME),
            native_name=optional("native_name", draft.native_name, limits.NAME),
            organisation_id=draft.organisation_id,
            job_title=optional("job_title", draft.job_title, limits.SHORT),
            preferred_language=optional("preferred_language", draft.preferred_language, limits.LANGUAGE),
            chat_login=optional("chat_login", draft.chat_login, limits.SHORT),
            owner=optional("owner", draft.owner, limits.SHORT),
            team=optional("team", draft.team, limits.SHORT),
            consent_marketing=draft.consent_marketing,
            opt_out_calls=draft.opt_out_calls,
            opt_out_email=draft.opt_out_email,
            opt_out_sms=draft.opt_out_sms,
            tier=check_tier(draft.tier) if draft.tier else Tier.NORMAL.value,
            value_score=0.0,
            lifecycle_stage="new",
            points_balance=0,
            created_at=now,
            updated_at=now,
        )
        return PreparedCustomer(
            customer=customer,
            numbers=self._numbers(draft.phones),
            emails=list(dict.fromkeys(normalize_email(e) for e in draft.emails)),
            addresses=[_address(a) for a in draft.addresses],
            notes=[self._note(n) for n in draft.notes],
            tags=list(dict.fromkeys(required("tag", t, limits.TAG).lower() for t in draft.tags)),
        )

    def insert_prepared(self, session: Session, prepared: Sequence[PreparedCustomer]) -> list[int]:
        """Insert validated customers in a few multi-row statements (bulk import path); return their ids."""
        for organisation_id in {p.customer.organisation_id for p in prepared} - {None}:
            if session.get(Customer, organisation_id) is None:
                raise NotFound(kind="organisation", key=organisation_id)
        session.add_all([p.customer for p in prepared])
        session.flush()
        children: list[object] = []
        for item in prepared:
            cid = item.customer.id
            for index, (raw, e164) in enumerate(item.numbers):
                children.append(CustomerPhone(customer_id=cid, e164=e164, raw=raw, is_primary=index == 0))
            for index, email in enumerate(item.emails):
                children.append(CustomerEmail(customer_id=cid, email=email, is_primary=index == 0))
            for address in item.addresses:
                address.customer_id = cid
            for note in item.notes:
                note.customer_id = cid
            children.extend([*item.addresses, *item.notes])
            children.extend(CustomerTag(customer_id=cid, tag=tag) for tag in item.tags)
        session.add_all(children)
        session.flush()
        terms = [
            row
            for p in prepared
            for row in term_rows(
                p.customer.id,
                (p.customer.display_name, p.customer.native_name),
                (e164 for _, e164 in p.numbers),
                p.emails,
            )
        ]
        if terms:
            session.execute(insert(CustomerSearchTerm), terms)
        return [p.customer.id for p in prepared]

    def update(self, session: Session, customer_id: int, patch: CustomerPatch) -> CustomerSummary:
        """Apply a patch after validating all of it (a bad field changes nothing)."""
        customer = _existing(session, customer_id)
        changes: dict[str, object] = {}
        for name, max_length in _PATCH_LIMITS.items():
            value = getattr(patch, name)
            if value is not None:
                changes[name] = required(name, value, max_length)
        for name in ("consent_marketing", "opt_out_calls", "opt_out_email", "opt_out_sms"):
            if getattr(patch, name) is not None:
                changes[name] = bool(getattr(patch, name))
        if patch.organisation_id is not None:
            if patch.organisation_id == customer_id or session.get(Customer, patch.organisation_id) is None:
                raise NotFound(kind="organisation", key=patch.organisation_id)
            changes["organisation_id"] = patch.organisation_id
        for name, value in changes.items():
            setattr(customer, name, value)
        customer.updated_at = utc_now(self.clock)
        session.flush()
        if {"display_name", "native_name"} & changes.keys():
            reindex(session, [customer_id])
        return customer_summary(customer)

    def add_phone(self, session: Session, customer_id: int, raw: str) -> str:
        _existing(session, customer_id)
        ((_, e164),) = self._numbers((raw,))
        query = select(CustomerPhone).where(
            CustomerPhone.customer_id == customer_id, CustomerPhone.e164 == e164
        )
        if session.scalars(query).first() is None:
            session.add(CustomerPhone(customer_id=customer_id, e164=e164, raw=raw.strip()))
            reindex(session, [customer_id])
        return e164

    def add_email(self, session: Session, customer_id: int, raw: str) -> str:
        _existing(session, customer_id)
        email = normalize_email(raw)
        query = select(CustomerEmail).where(
            CustomerEmail.customer_id == customer_id, CustomerEmail.email == email
        )
        if session.scalars(query).first() is None:
            session.add(CustomerEmail(customer_id=customer_id, email=email))
            reindex(session, [customer_id])
        return email

    def add_note(self, session: Session, customer_id: int, note: NoteDraft) -> int:
        _existing(session, customer_id)
        row = self._note(note)
        row.customer_id = customer_id
        session.add(row)
        session.flush()
        return row.id

    def tag(self, session: Session, customer_id: int, tag: str) -> None:
        _existing(session, customer_id)
        value = required("tag", tag, limits.TAG).lower()
        if session.get(CustomerTag, (customer_id, value)) is None:
            session.add(CustomerTag(customer_id=customer_id, tag=value))
            session.flush()

    def get(self, session: Session, customer_id: int) -> CustomerSummary:
        return customer_summary(_existing(session, customer_id))

    def search(
        self, session: Session, where: CustomerFilter, *, limit: int = 20, offset: int = 0
    ) -> SearchPage:
        """Ranked search by any part of a name, number or e-mail (see ``crm_core.search``)."""
        return CustomerSearch(self.default_region).page(session, where, limit=limit, offset=offset)

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(Customer)) or 0

    def _numbers(self, raw_numbers: Sequence[str]) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for raw in raw_numbers:
            seen.setdefault(phones.normalize(raw, self.default_region), raw.strip())
        return [(raw, e164) for e164, raw in seen.items()]

    def _note(self, note: NoteDraft) -> CustomerNote:
        return CustomerNote(
            category=one_of("category", str(note.category), [c.value for c in NoteCategory]),
            text=required("note", note.text, limits.NOTE),
            is_alert=note.is_alert,
            author=optional("author", note.author, limits.SHORT),
            created_at=utc_now(self.clock),
        )


def check_tier(value: str) -> str:
    return one_of("tier", value.strip().lower(), [t.value for t in Tier])


def _existing(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(kind="customer", key=customer_id)
    return customer


def _address(draft: AddressDraft) -> Address:
    return Address(
        label=required("address.label", draft.label, 16),
        line1=required("address.line1", draft.line1, limits.ADDRESS_LINE),
        line2=optional("address.line2", draft.line2, limits.ADDRESS_LINE),
        city=optional("address.city", draft.city, limits.SHORT),
        region=optional("address.region", draft.region, limits.SHORT),
        postal_code=optional("address.postal_code", draft.postal_code, limits.POSTAL_CODE),
        country=optional("address.country", draft.country, limits.COUNTRY),
    )
