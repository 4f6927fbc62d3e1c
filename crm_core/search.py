"""Customer search: any part of a name (Latin or Chinese), a number or an e-mail, ranked, paged.

Ranking, best first: the whole name / number / address is the query (``exact``); it starts with the
query (``prefix``); a later word starts with it (``word``); the query is inside a word (``contains``,
3+ characters); every word of the query starts a word of the customer, in any order (``all_words``,
"Zhang Wei" finds "Wei Zhang"). Within a rank, by the matched term then id, so pages are stable.
Each rank is one range scan of ``ix_customer_search_terms_lookup``, read only as far as the page needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, delete, exists, insert, select
from sqlalchemy.orm import Session, aliased

from crm_core import limits, phones
from crm_core.errors import FieldTooLong, InvalidValue, SearchHasNoTerms
from crm_core.models import Customer, CustomerEmail, CustomerPhone, CustomerSearchTerm, CustomerTag
from crm_core.search_terms import MAX_TERM, TermClass, customer_terms, digits, is_phone_like, normalize
from crm_core.views import CustomerSummary, customer_summary

MAX_LIMIT = 100
MAX_OFFSET = 10_000
_TERMS = CustomerSearchTerm


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    text: str | None = None  # any part of a name, number or e-mail address
    tier: str | None = None
    tag: str | None = None
    owner: str | None = None
    organisation_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    customer: CustomerSummary
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    match: str  # exact, prefix, word, contains, all_words; "list" without a search text


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    offset: int
    limit: int
    has_more: bool


def search_key(text: str, region: str) -> str:
    """The normalized query: E.164 digits for a valid number, digits for part of one, else words."""
    if len(text) > limits.SEARCH_QUERY:
        raise FieldTooLong(field="q", length=len(text), max_length=limits.SEARCH_QUERY)
    if is_phone_like(text):
        e164 = phones.try_normalize(text, region)
        return digits(e164 if e164 is not None else text)[:MAX_TERM]
    key = normalize(text)[:MAX_TERM].strip()
    if not key:
        raise SearchHasNoTerms(text=text)
    return key


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidValue(field="limit", value=limit, allowed=f"1-{MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidValue(field="offset", value=offset, allowed=f"0-{MAX_OFFSET}")


class CustomerSearch:
    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region

    def page(
        self, session: Session, where: CustomerFilter, *, limit: int = 20, offset: int = 0
    ) -> SearchPage:
        check_page(limit, offset)
        text = (where.text or "").strip()
        want = offset + limit + 1  # one more than the page tells whether there is a next page
        if text:
            ranked = _ranked(session, search_key(text, self.default_region), where, want)
        else:
            query = _filtered(select(Customer.id), where, on_terms=False).order_by(Customer.id)
            ranked = dict.fromkeys(session.scalars(query.limit(want)), "list")
        ids = list(ranked)[offset : offset + limit]
        hits = _hits(session, ids, ranked)
        return SearchPage(hits, offset, limit, has_more=len(ranked) > offset + limit)


def _upper(key: str) -> str:
    """The smallest string after every string starting with ``key`` (code point order)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


def _tiers(key: str) -> list[tuple[str, Select[tuple[int]]]]:
    base = select(_TERMS.customer_id).order_by(_TERMS.term, _TERMS.customer_id)
    upper = _upper(key)
    tiers = [
        ("exact", base.where(_TERMS.cls == TermClass.WHOLE, _TERMS.term == key)),
        ("prefix", base.where(_TERMS.cls == TermClass.WHOLE, _TERMS.term > key, _TERMS.term < upper)),
        ("word", base.where(_TERMS.cls == TermClass.WORD, _TERMS.term >= key, _TERMS.term < upper)),
    ]
    if len(key) >= 3:
        inner = base.where(_TERMS.cls == TermClass.INNER, _TERMS.term >= key, _TERMS.term < upper)
        tiers.append(("contains", inner))
    words = key.split(" ")
    if len(words) > 1:
        pivot = max(words, key=len)
        others = [w for w in words if w != pivot]
        for cls in (TermClass.WHOLE, TermClass.WORD):
            query = base.where(_TERMS.cls == cls, _TERMS.term >= pivot, _TERMS.term < _upper(pivot))
            tiers.append(("all_words", query.where(*(_starts_a_word(w) for w in others))))
    return tiers


def _starts_a_word(word: str) -> ColumnElement[bool]:
    other = aliased(CustomerSearchTerm)
    return exists().where(
        other.customer_id == _TERMS.customer_id,
        other.cls < TermClass.INNER,
        other.term >= word,
        other.term < _upper(word),
    )


def _ranked(session: Session, key: str, where: CustomerFilter, want: int) -> dict[int, str]:
    """Customer id -> rank name, best first, until ``want`` customers (or every match) are found."""
    found: dict[int, str] = {}
    for name, query in _tiers(key):
        query = _filtered(query, where, on_terms=True)
        read = 0
        while len(found) < want:
            batch = max(2 * (want - len(found)), 64)
            rows = list(session.scalars(query.offset(read).limit(batch)))
            read += len(rows)
            for customer_id in rows:
                found.setdefault(customer_id, name)
            if len(rows) < batch:
                break
        if len(found) >= want:
            break
    return found


def _filtered(query: Select[tuple[int]], where: CustomerFilter, *, on_terms: bool) -> Select[tuple[int]]:
    """Add the filters; ``on_terms``: the query reads the search terms (joined to customers if needed)."""
    customer_id = _TERMS.customer_id if on_terms else Customer.id
    conditions: list[ColumnElement[bool]] = []
    if where.tier:
        conditions.append(Customer.tier == where.tier)
    if where.owner:
        conditions.append(Customer.owner == where.owner)
    if where.organisation_id is not None:
        conditions.append(Customer.organisation_id == where.organisation_id)
    if where.tag:
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag == where.tag.lower())
        conditions.append(customer_id.in_(tagged))
    if not conditions:
        return query
    if on_terms:
        query = query.join(Customer, Customer.id == customer_id)
    return query.where(and_(*conditions))


def _hits(session: Session, ids: Sequence[int], ranked: dict[int, str]) -> tuple[SearchHit, ...]:
    if not ids:
        return ()
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    numbers, addresses = _contacts(session, ids)
    return tuple(
        SearchHit(customer_summary(customers[i]), tuple(numbers[i]), tuple(addresses[i]), ranked[i])
        for i in ids
    )


def _contacts(session: Session, ids: Sequence[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Numbers and e-mail addresses of these customers, primary first."""
    numbers: dict[int, list[str]] = {i: [] for i in ids}
    addresses: dict[int, list[str]] = {i: [] for i in ids}
    phone_rows = (
        select(CustomerPhone.customer_id, CustomerPhone.e164)
        .where(CustomerPhone.customer_id.in_(ids))
        .order_by(CustomerPhone.is_primary.desc(), CustomerPhone.id)
    )
    for customer_id, e164 in session.execute(phone_rows):
        numbers[customer_id].append(e164)
    email_rows = (
        select(CustomerEmail.customer_id, CustomerEmail.email)
        .where(CustomerEmail.customer_id.in_(ids))
        .order_by(CustomerEmail.is_primary.desc(), CustomerEmail.id)
    )
    for customer_id, email in session.execute(email_rows):
        addresses[customer_id].append(email)
    return numbers, addresses


def term_rows(
    customer_id: int, names: tuple[str | None, ...], numbers: Iterable[str], emails: Iterable[str]
) -> list[dict[str, object]]:
    """Rows of ``customer_search_terms`` for one customer (bulk inserts: import, demo data)."""
    terms = customer_terms(names, tuple(numbers), tuple(emails))
    return [{"customer_id": customer_id, "term": t, "cls": int(c)} for t, c in terms.items()]


def reindex(session: Session, customer_ids: Iterable[int]) -> None:
    """Rewrite the search terms of these customers from their stored names, numbers and e-mails."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    session.flush()
    session.execute(delete(CustomerSearchTerm).where(CustomerSearchTerm.customer_id.in_(ids)))
    numbers, addresses = _contacts(session, ids)
    rows: list[dict[str, object]] = []
    names = select(Customer.id, Customer.display_name, Customer.native_name).where(Customer.id.in_(ids))
    for customer_id, display_name, native_name in session.execute(names):
        rows += term_rows(
            customer_id, (display_name, native_name), numbers[customer_id], addresses[customer_id]
        )
    if rows:
        session.execute(insert(CustomerSearchTerm), rows)
