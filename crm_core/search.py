"""Customer search: any part of a name (Latin or Chinese), a number or an e-mail, ranked, paged.

Ranking, best first: the whole name / number / address is the query (``exact``); it starts with the
query (``prefix``); a later word starts with it (``word``); the query is inside a word (``contains``,
3+ characters); every word of the query starts a word of the customer, in any order (``all_words``,
"Zhang Wei" finds "Wei Zhang"). Within a rank, by the matched term then id, so pages are stable.
Each rank is one range scan of ``ix_customer_search_terms_lookup``, read only as far as the page needs.
Bounds that keep a search fast at millions of customers: a rank reads at most 20,000 index entries;
``all_words`` (tried only when the typed order fills no page) is one statement per class that takes
at most 1,000 entries of the query's rarest word (counted up to 1,000 per class; at that cap the
longest word) and keeps, in that order, the customers with a word starting with each other word
(a primary-key probe each), stopping once the page is full. So two very common words typed in
another order show the matches among those 1,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from crm_core import limits, phones
from crm_core.errors import FieldTooLong, InvalidValue, SearchHasNoTerms
from crm_core.models import Customer, CustomerEmail, CustomerPhone, CustomerSearchTerm, CustomerTag
from crm_core.search_terms import MAX_TERM, TermClass, customer_terms, digits, is_phone_like, normalize
from crm_core.views import CustomerSummary

MAX_LIMIT = 100
MAX_OFFSET = 10_000


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
        filters, params = _filter_params(where)
        if text:
            key = search_key(text, self.default_region)
            ranked = _ranked(session, _plan(key), filters, params, want, {})
            if len(ranked) < want and "@" not in text and not is_phone_like(text):
                ranked = _ranked(session, _any_order(session, key), filters, params, want, ranked)
        else:
            rows = _run(session, _listing(filters), {**params, "skip": 0, "take": want})
            ranked = dict.fromkeys(rows, "list")
        ids = list(ranked)[offset : offset + limit]
        hits = _hits(session, ids, ranked)
        return SearchPage(hits, offset, limit, has_more=len(ranked) > offset + limit)


@dataclass(frozen=True, slots=True)
class _Tier:
    name: str
    cls: TermClass
    lower: str  # how the term compares with the key: "eq", "gt" (prefix, not equal) or "ge"
    key: str
    others: tuple[str, ...] = ()  # words that must also start a word of the customer
    scan_limit: int = 20_000  # index entries this rank may read


def _upper(key: str) -> str:
    """The smallest string after every string starting with ``key`` (code point order)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


def _plan(key: str) -> list[_Tier]:
    tiers = [
        _Tier("exact", TermClass.WHOLE, "eq", key),
        _Tier("prefix", TermClass.WHOLE, "gt", key),
        _Tier("word", TermClass.WORD, "ge", key),
    ]
    if len(key) >= 3:
        tiers.append(_Tier("contains", TermClass.INNER, "ge", key))
    return tiers


def _any_order(session: Session, key: str) -> list[_Tier]:
    """The all-words ranks: read the rarest word's entries, keep customers that have the other words."""
    words = list(dict.fromkeys(key.split(" ")))
    if len(words) < 2:
        return []
    connection = session.connection()
    counts = {w: connection.scalar(_WORD_COUNT, {"word": w, "upper": _upper(w)}) or 0 for w in words}
    pivot = min(words, key=lambda w: (counts[w], -len(w)))  # at the cap, the longest word is likelier rare
    others = tuple(w for w in words if w != pivot)
    return [
        _Tier("all_words", TermClass.WHOLE, "ge", pivot, others, _ALL_WORDS_SCAN // 4),
        _Tier("all_words", TermClass.WORD, "ge", pivot, others, _ALL_WORDS_SCAN),
    ]


def _ranked(
    session: Session,
    tiers: list[_Tier],
    filters: tuple[str, ...],
    params: dict[str, object],
    want: int,
    found: dict[int, str],
) -> dict[int, str]:
    """Add customer id -> rank name to ``found``, best first, until ``want`` (or every match) are there."""
    for tier in tiers:
        values = {**params, "key": tier.key, "upper": _upper(tier.key)}
        if tier.others:
            statement = _all_words_statement(tier.cls, len(tier.others), filters)
            values |= {"scan": tier.scan_limit, **_word_params(tier.others)}
        else:
            statement = _tier_statement(tier.cls, tier.lower, filters)
        _read(session, statement, values, tier, want, found)
        if len(found) >= want:
            break
    return found


def _read(
    session: Session, statement: Select[tuple[int]], values: dict[str, object], tier: _Tier, want: int,
    found: dict[int, str],
) -> None:  # fmt: skip
    """Page through one rank's matches into ``found`` until it holds ``want`` or the rank is read."""
    read = 0
    # An all-words batch checks every candidate it reads: ask for no more than the page misses.
    batch = want - len(found) + 4 if tier.others else max(2 * (want - len(found)), 64)
    while len(found) < want and read < tier.scan_limit:
        batch = min(batch, tier.scan_limit - read)
        rows = _run(session, statement, {**values, "skip": read, "take": batch})
        read += len(rows)
        for customer_id in rows:
            found.setdefault(customer_id, tier.name)
        if len(rows) < batch:
            break
        batch *= 2  # an OFFSET walks the skipped entries again: read more each time


def _word_params(words: tuple[str, ...]) -> dict[str, object]:
    values: dict[str, object] = {}
    for index, word in enumerate(words):
        values |= {f"w{index}": word, f"u{index}": _upper(word)}
    return values


def _run(session: Session, statement: Select[tuple[int]], params: dict[str, object]) -> list[int]:
    return list(session.connection().execute(statement, params).scalars())


_ALL_WORDS_SCAN = 1_000
_T = CustomerSearchTerm.__table__.c
_C = Customer.__table__.c


@lru_cache(maxsize=64)
def _tier_statement(cls: int, lower: str, filters: tuple[str, ...]) -> Select[tuple[int]]:
    """One rank as a statement with bound parameters (built once per shape)."""
    key: BindParameter[str] = bindparam("key", type_=_T.term.type)
    term = _T.term == key if lower == "eq" else (_T.term > key if lower == "gt" else _T.term >= key)
    conditions = [_T.cls == cls, term]
    if lower != "eq":
        conditions.append(_T.term < bindparam("upper"))
    query = _with_filters(select(_T.customer_id).where(*conditions), filters, _T.customer_id)
    return query.order_by(_T.term, _T.customer_id).offset(bindparam("skip")).limit(bindparam("take"))


@lru_cache(maxsize=64)
def _all_words_statement(cls: int, others: int, filters: tuple[str, ...]) -> Select[tuple[int]]:
    """Customers among the first ``scan`` entries of the pivot word that have a word starting with
    each other word: one statement, the candidates bounded before the other words are checked."""
    key: BindParameter[str] = bindparam("key", type_=_T.term.type)
    pivot = select(_T.customer_id, _T.term).where(_T.cls == cls, _T.term >= key, _T.term < bindparam("upper"))
    pivot = _with_filters(pivot, filters, _T.customer_id)
    candidates = pivot.order_by(_T.term, _T.customer_id).limit(bindparam("scan")).subquery()
    query = select(candidates.c.customer_id)
    for index in range(others):
        other = CustomerSearchTerm.__table__.alias(f"o{index}")
        query = query.where(
            select(other.c.customer_id)
            .where(
                other.c.customer_id == candidates.c.customer_id,
                other.c.term >= bindparam(f"w{index}", type_=_T.term.type),
                other.c.term < bindparam(f"u{index}", type_=_T.term.type),
                other.c.cls < TermClass.INNER,
            )
            .exists()
        )
    order = query.order_by(candidates.c.term, candidates.c.customer_id)
    return order.offset(bindparam("skip")).limit(bindparam("take"))


def _starts(cls: TermClass) -> Select[tuple[int]]:
    return (
        select(_T.customer_id)
        .where(
            _T.cls == cls,
            _T.term >= bindparam("word", type_=_T.term.type),
            _T.term < bindparam("upper", type_=_T.term.type),
        )
        .order_by(_T.term)  # in index order: else PostgreSQL may bitmap-scan the whole range first
        .limit(_ALL_WORDS_SCAN)
    )


# How often a word starts a value (WHOLE) or a later word (WORD), each counted up to the all-words
# scan budget: one index range each, one statement.
_WORD_COUNT = select(
    select(func.count()).select_from(_starts(TermClass.WHOLE).subquery()).scalar_subquery()
    + select(func.count()).select_from(_starts(TermClass.WORD).subquery()).scalar_subquery()
)


@lru_cache(maxsize=32)
def _listing(filters: tuple[str, ...]) -> Select[tuple[int]]:
    query = _with_filters(select(_C.id), filters, _C.id)
    return query.order_by(_C.id).offset(bindparam("skip")).limit(bindparam("take"))


def _filter_params(where: CustomerFilter) -> tuple[tuple[str, ...], dict[str, object]]:
    values: dict[str, object] = {
        "tier": where.tier or None,
        "owner": where.owner or None,
        "organisation_id": where.organisation_id,
        "tag": where.tag.lower() if where.tag else None,
    }
    present = {name: value for name, value in values.items() if value is not None}
    return tuple(present), {f"f_{name}": value for name, value in present.items()}


def _with_filters(
    query: Select[tuple[int]], filters: tuple[str, ...], customer_id: ColumnElement[int]
) -> Select[tuple[int]]:
    columns = [name for name in filters if name != "tag"]
    if columns and customer_id is not _C.id:
        query = query.join(Customer.__table__, _C.id == customer_id)
    conditions = [_C[name] == bindparam(f"f_{name}") for name in columns]
    if "tag" in filters:
        tagged = select(CustomerTag.customer_id).where(CustomerTag.tag == bindparam("f_tag"))
        conditions.append(customer_id.in_(tagged))
    return query.where(*conditions) if conditions else query


_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_CUSTOMERS = select(Customer.__table__).where(_C.id.in_(_IDS))
_PHONES = (
    select(CustomerPhone.customer_id, CustomerPhone.e164)
    .where(CustomerPhone.customer_id.in_(_IDS))
    .order_by(CustomerPhone.is_primary.desc(), CustomerPhone.id)
)
_EMAILS = (
    select(CustomerEmail.customer_id, CustomerEmail.email)
    .where(CustomerEmail.customer_id.in_(_IDS))
    .order_by(CustomerEmail.is_primary.desc(), CustomerEmail.id)
)
_SUMMARY_FIELDS = tuple(f.name for f in fields(CustomerSummary))


def _hits(session: Session, ids: Sequence[int], ranked: dict[int, str]) -> tuple[SearchHit, ...]:
    if not ids:
        return ()
    connection = session.connection()
    customers = {
        row.id: CustomerSummary(**{name: row._mapping[name] for name in _SUMMARY_FIELDS})
        for row in connection.execute(_CUSTOMERS, {"ids": list(ids)})
    }
    numbers, addresses = _contacts(session, ids)
    return tuple(
        SearchHit(customers[i], tuple(numbers[i]), tuple(addresses[i]), ranked[i])
        for i in ids
        if i in customers
    )


def _contacts(session: Session, ids: Sequence[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Numbers and e-mail addresses of these customers, primary first."""
    numbers: dict[int, list[str]] = {i: [] for i in ids}
    addresses: dict[int, list[str]] = {i: [] for i in ids}
    connection = session.connection()
    for customer_id, e164 in connection.execute(_PHONES, {"ids": list(ids)}):
        numbers[customer_id].append(e164)
    for customer_id, email in connection.execute(_EMAILS, {"ids": list(ids)}):
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
