"""Customer profiles: create, read, change, search. Validation happens before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crm_core import limits, phones
from crm_core.clock import Clock, utc_now
from crm_core.errors import NotFound
from crm_core.models import Address, Customer, CustomerEmail, CustomerNote, CustomerPhone, CustomerTag
from crm_core.validation import check_length, normalize_email, one_of, optional, required
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


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    text: str | None = None  # prefix of the display name, or an exact phone / e-mail
    tier: str | None = None
    tag: str | None = None
    owner: str | None = None
    organisation_id: int | None = None


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

    def create(self, session: Session, draft: CustomerDraft) -> int:
        """Validate everything first, then insert the customer with its numbers, addresses and notes."""
        return self.insert_prepared(session, [self.prepare(draft)])[0]

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
            tier="normal",
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
        return customer_summary(customer)

    def add_phone(self, session: Session, customer_id: int, raw: str) -> str:
        _existing(session, customer_id)
        ((_, e164),) = self._numbers((raw,))
        query = select(CustomerPhone).where(
            CustomerPhone.customer_id == customer_id, CustomerPhone.e164 == e164
        )
        if session.scalars(query).first() is None:
            session.add(CustomerPhone(customer_id=customer_id, e164=e164, raw=raw.strip()))
            session.flush()
        return e164

    def add_email(self, session: Session, customer_id: int, raw: str) -> str:
        _existing(session, customer_id)
        email = normalize_email(raw)
        query = select(CustomerEmail).where(
            CustomerEmail.customer_id == customer_id, CustomerEmail.email == email
        )
        if session.scalars(query).first() is None:
            session.add(CustomerEmail(customer_id=customer_id, email=email))
            session.flush()
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
        self, session: Session, where: CustomerFilter, *, limit: int = 50, after_id: int = 0
    ) -> tuple[CustomerSummary, ...]:
        """Keyset pagination by id: pass the last id of a page as ``after_id`` for the next one."""
        query = select(Customer).where(Customer.id > after_id)
        if where.text:
            text = check_length("text", where.text.strip(), limits.NAME) or ""
            conditions = [Customer.display_name.istartswith(text, autoescape=True)]
            e164 = phones.try_normalize(text, self.default_region)
            if e164 is not None:
                conditions.append(
                    Customer.id.in_(select(CustomerPhone.customer_id).where(CustomerPhone.e164 == e164))
                )
            if "@" in text:
                emails = select(CustomerEmail.customer_id).where(CustomerEmail.email == text.lower())
                conditions.append(Customer.id.in_(emails))
            query = query.where(or_(*conditions))
        if where.tier:
            query = query.where(Customer.tier == where.tier)
        if where.owner:
            query = query.where(Customer.owner == where.owner)
        if where.organisation_id is not None:
            query = query.where(Customer.organisation_id == where.organisation_id)
        if where.tag:
            tagged = select(CustomerTag.customer_id).where(CustomerTag.tag == where.tag.lower())
            query = query.where(Customer.id.in_(tagged))
        query = query.order_by(Customer.id).limit(max(1, min(limit, 500)))
        return tuple(customer_summary(row) for row in session.scalars(query))

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
