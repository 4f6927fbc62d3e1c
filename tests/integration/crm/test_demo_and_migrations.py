from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import func, inspect, select

from crm_core.db import alembic_config, make_engine, migrate
from crm_core.demo_data import KNOWN_NOTE, generate, seed_articles
from crm_core.knowledge import KnowledgeBase
from crm_core.lookup import KnownCaller, ScreenPop
from crm_core.models import Customer, CustomerPhone
from tests.crm_conftest_helpers import Db, FakeClock

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_given_seed_when_demo_generated_then_known_customer_and_deterministic_data(
    db: Db, clock: FakeClock
) -> None:
    summary = generate(db.engine, 3_000, seed=42, now=NOW, batch=700)
    assert summary.customers == 3_000
    assert summary.rows["customers"] == 3_000
    seed_articles(db.engine, NOW)
    with db.sessions() as session:
        result = ScreenPop().by_number(session, "+1 415-555-0100")
        assert isinstance(result, KnownCaller)
        wei = result.matches[0]
        assert (wei.profile.display_name, wei.profile.native_name, wei.profile.tier) == (
            "Wei Zhang",
            "张伟",
            "vip",
        )
        assert wei.alerts[0].text == KNOWN_NOTE
        assert wei.open_tickets
        assert wei.recent_interactions
        tiers = dict(
            list(session.execute(select(Customer.tier, func.count()).group_by(Customer.tier)).tuples())
        )
        assert set(tiers) == {"vip", "key", "normal", "small"}
        phones = session.scalars(select(CustomerPhone.e164).order_by(CustomerPhone.id).limit(20)).all()
        assert KnowledgeBase(clock).search(session, "peanuts")
    # More demo data appends after the existing ids (and sequences follow on PostgreSQL).
    again = generate(db.engine, 10, seed=42, now=NOW)
    assert again.rows["customers"] == 10
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 3_010
        known = session.scalar(select(func.count()).where(CustomerPhone.e164 == "+14155550100"))
        assert known is not None
        assert known >= 1
    assert len(phones) == 20


def test_given_same_seed_when_generated_twice_then_same_customers(tmp_path_factory: object) -> None:
    from pathlib import Path

    names = []
    for run in range(2):
        path = Path(str(tmp_path_factory.mktemp(f"demo{run}")))  # type: ignore[attr-defined]
        url = f"sqlite:///{path / 'demo.sqlite3'}"
        migrate(url)
        engine = make_engine(url)
        try:
            generate(engine, 200, seed=7, now=NOW)
            with engine.connect() as conn:
                names.append(
                    conn.execute(select(Customer.display_name).order_by(Customer.id)).scalars().all()
                )
        finally:
            engine.dispose()
    assert names[0] == names[1]


def test_given_migrated_database_when_downgraded_and_upgraded_then_schema_back(db: Db) -> None:
    db.engine.dispose()
    with db.engine.begin() as conn:
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        assert {"customers", "interactions", "tickets", "kb_articles"} <= set(inspect(conn).get_table_names())
