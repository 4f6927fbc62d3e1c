"""Customer search by any part of a name, number or e-mail, ranked and paged (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select

from crm_core.customers import CustomerDraft, CustomerPatch, CustomerService
from crm_core.db import alembic_config
from crm_core.errors import FieldTooLong, InvalidValue, NumberInUse, SearchHasNoTerms
from crm_core.models import Customer, CustomerPhone, CustomerSearchTerm
from crm_core.search import CustomerFilter, SearchPage
from tests.crm_conftest_helpers import Db, FakeClock


def _wei() -> CustomerDraft:
    return CustomerDraft(
        "Wei Zhang", native_name="张伟", phones=("+1 415 555 0100",), emails=("Wei.Zhang@Example.com",)
    )


def _names(page: SearchPage) -> list[str]:
    return [hit.customer.display_name for hit in page.hits]


@pytest.mark.parametrize(
    ("query", "match"),
    [
        ("Zhang", "word"),
        ("zhang", "word"),
        ("hang", "contains"),
        ("张", "prefix"),
        ("张伟", "exact"),
        ("伟", "word"),
        ("Wei Zhang", "exact"),
        ("Zhang Wei", "all_words"),
        ("5550100", "contains"),
        ("415555", "word"),
        ("0100", "contains"),
        ("(415) 555-0100", "exact"),
        ("wei.zhang@example.com", "exact"),
        ("zhang@example", "word"),
    ],
)
def test_given_wei_zhang_when_searching_any_part_then_found_with_its_rank(
    db: Db, clock: FakeClock, query: str, match: str
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        service.create(session, _wei())
        service.create(session, CustomerDraft("Anna Smith", phones=("+1 212 555 0199",)))
    with db.sessions() as session:
        page = service.search(session, CustomerFilter(text=query))
    assert [(h.customer.display_name, h.match) for h in page.hits] == [("Wei Zhang", match)]
    assert page.hits[0].phones == ("+14155550100",)
    assert page.hits[0].emails == ("wei.zhang@example.com",)


def test_given_names_when_searching_then_exact_before_prefix_before_word_before_contains(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        for name in ("Shang Li", "Zhang Wei Ltd", "Wei Zhang", "Zhang", "Zhangsan Wu"):
            service.create(session, CustomerDraft(name))
    with db.sessions() as session:
        page = service.search(session, CustomerFilter(text="zhang"))
    assert [(h.customer.display_name, h.match) for h in page.hits] == [
        ("Zhang", "exact"),
        ("Zhang Wei Ltd", "prefix"),
        ("Zhangsan Wu", "prefix"),
        ("Wei Zhang", "word"),
    ]


def test_given_45_matches_when_paging_by_20_then_every_customer_once_and_has_more_until_the_end(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        ids = [service.create(session, CustomerDraft(f"Zhang {i:02d}")) for i in range(45)]
        service.create(session, CustomerDraft("Li Na"))
    pages = []
    with db.sessions() as session:
        for offset in (0, 20, 40):
            pages.append(service.search(session, CustomerFilter(text="Zhang"), limit=20, offset=offset))
    assert [len(p.hits) for p in pages] == [20, 20, 5]
    assert [p.has_more for p in pages] == [True, True, False]
    assert sorted(h.customer.id for p in pages for h in p.hits) == ids


def test_given_30_reversed_matches_when_paging_then_all_words_ranks_each_customer_once(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        ids = [
            service.create(session, CustomerDraft("Wei Zhang", emails=(f"wei.zhang{i}@example.com",)))
            for i in range(30)
        ]
        service.create(session, CustomerDraft("Wei Li"))
        tagged = service.create(session, CustomerDraft("Wei Zhang", tags=("b2b",)))
    with db.sessions() as session:
        pages = [service.search(session, CustomerFilter(text="zhang wei"), offset=o) for o in (0, 20)]
        only_tagged = service.search(session, CustomerFilter(text="zhang wei", tag="b2b"))
    assert [(len(p.hits), p.has_more) for p in pages] == [(20, True), (11, False)]
    assert {h.match for p in pages for h in p.hits} == {"all_words"}
    assert sorted(h.customer.id for p in pages for h in p.hits) == [*ids, tagged]
    assert [(h.customer.id, h.match) for h in only_tagged.hits] == [(tagged, "all_words")]


def test_given_filters_when_searching_then_text_and_filters_combine(db: Db, clock: FakeClock) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        org = service.create(session, CustomerDraft("Golden Dragon Catering", kind="organisation"))
        ids = [
            service.create(
                session, CustomerDraft(f"Zhang {i}", organisation_id=org, tags=("b2b",) if i % 2 else ())
            )
            for i in range(5)
        ]
    with db.sessions() as session:
        tagged = service.search(session, CustomerFilter(tag="B2B"))
        tagged_zhang = service.search(session, CustomerFilter(text="zhang", tag="b2b"))
        contacts = service.search(session, CustomerFilter(organisation_id=org))
    assert [h.customer.id for h in tagged.hits] == [ids[1], ids[3]]
    assert [h.match for h in tagged.hits] == ["list", "list"]
    assert sorted(h.customer.id for h in tagged_zhang.hits) == [ids[1], ids[3]]
    assert [h.customer.id for h in contacts.hits] == ids


def test_given_renamed_customer_and_new_contacts_when_searching_then_the_index_follows(
    db: Db, clock: FakeClock
) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        customer_id = service.create(session, CustomerDraft("Old Name"))
        service.update(session, customer_id, CustomerPatch(display_name="Mei Lin", native_name="林梅"))
        service.add_phone(session, customer_id, "+86 138 0013 8000")
        service.add_email(session, customer_id, "mei@example.cn")
    with db.sessions() as session:
        assert _names(service.search(session, CustomerFilter(text="old"))) == []
        for query in ("lin", "林", "13800138000", "mei@example.cn"):
            assert _names(service.search(session, CustomerFilter(text=query))) == ["Mei Lin"], query


def test_given_customer_deleted_when_cascade_then_its_terms_go(db: Db, clock: FakeClock) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        customer_id = service.create(session, _wei())
    with db.sessions.begin() as session:
        session.delete(session.get(Customer, customer_id))
    with db.sessions() as session:
        assert session.scalars(select(CustomerSearchTerm)).all() == []


@pytest.mark.parametrize(
    ("where", "limit", "offset", "error"),
    [
        (CustomerFilter(text="%%% --"), 20, 0, SearchHasNoTerms),
        (CustomerFilter(text="x" * 501), 20, 0, FieldTooLong),
        (CustomerFilter(text="zhang"), 0, 0, InvalidValue),
        (CustomerFilter(text="zhang"), 101, 0, InvalidValue),
        (CustomerFilter(text="zhang"), 20, -1, InvalidValue),
        (CustomerFilter(text="zhang"), 20, 10_001, InvalidValue),
    ],
)
def test_given_nonsense_when_searching_then_clear_error(
    db: Db, clock: FakeClock, where: CustomerFilter, limit: int, offset: int, error: type[Exception]
) -> None:
    with db.sessions() as session, pytest.raises(error):
        CustomerService(clock).search(session, where, limit=limit, offset=offset)


def test_given_hostile_text_when_searching_then_nothing_found(db: Db, clock: FakeClock) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        service.create(session, _wei())
    with db.sessions() as session:
        assert _names(service.search(session, CustomerFilter(text="%' OR 1=1 --"))) == []


def test_given_number_in_use_when_creating_then_refused_unless_confirmed(db: Db, clock: FakeClock) -> None:
    service = CustomerService(clock)
    with db.sessions.begin() as session:
        wei = service.create(session, _wei())
    with pytest.raises(NumberInUse) as refused, db.sessions.begin() as session:
        service.create(session, CustomerDraft("Lan Zhang", phones=("415-555-0100",)))
    assert refused.value.params == {"number": "+14155550100", "customers": f"Wei Zhang (#{wei})"}
    with db.sessions.begin() as session:
        service.create(session, CustomerDraft("Lan Zhang", phones=("415-555-0100",)), shared_number_ok=True)
    with db.sessions() as session:
        found = service.search(session, CustomerFilter(text="4155550100"))
    assert sorted(_names(found)) == ["Lan Zhang", "Wei Zhang"]


def test_given_customers_from_before_0007_when_migrated_then_they_are_searchable(
    db: Db, clock: FakeClock
) -> None:
    db.engine.dispose()
    with db.engine.begin() as conn:
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
        assert "customer_search_terms" not in inspect(conn).get_table_names()
        conn.execute(
            insert(Customer),
            [{"id": 7, "kind": "person", "display_name": "Wei Zhang", "native_name": "张伟", "tier": "vip",
              "value_score": 0.0, "lifecycle_stage": "new", "points_balance": 0, "created_at": clock.datetime,
              "updated_at": clock.datetime, "consent_marketing": False, "opt_out_calls": False,
              "opt_out_email": False, "opt_out_sms": False}],
        )  # fmt: skip
        conn.execute(
            insert(CustomerPhone),
            [
                {
                    "customer_id": 7,
                    "e164": "+14155550100",
                    "raw": "415 555 0100",
                    "label": "mobile",
                    "is_primary": True,
                }
            ],
        )
        command.upgrade(config, "head")
    with db.sessions() as session:
        for query in ("张", "zhang", "0100"):
            page = CustomerService(clock).search(session, CustomerFilter(text=query))
            assert [h.customer.id for h in page.hits] == [7], query
