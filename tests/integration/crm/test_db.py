from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from crm_core.db import DEFAULT_URL, alembic_config, make_engine, migrate, normalize_url
from tests.crm_conftest_helpers import Db


def test_given_default_url_when_engine_made_then_sqlite_file_under_var_with_wal_and_foreign_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    migrate(DEFAULT_URL)
    migrate(DEFAULT_URL)  # idempotent
    engine = make_engine()
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            head = ScriptDirectory.from_config(alembic_config(DEFAULT_URL)).get_current_head()
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    finally:
        engine.dispose()
    assert (tmp_path / "var" / "callcenter.sqlite3").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_given_url_when_normalized_then_psycopg3_driver(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_given_migrated_db_when_child_row_has_no_parent_then_foreign_key_enforced(db: Db) -> None:
    from sqlalchemy.exc import IntegrityError

    orphan = text(
        "INSERT INTO customer_phones (customer_id, e164, raw, label, is_primary)"
        " VALUES (999, '+1', '1', 'm', false)"
    )
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(orphan)


_ARTICLE = text(
    "INSERT INTO kb_articles (title, body, language, published, created_at, updated_at)"
    " VALUES (:title, 'body', 'en', true, '2026-01-01', '2026-01-01')"
)


def test_given_savepoint_when_rolled_back_then_outer_transaction_keeps_its_work(db: Db) -> None:
    with db.engine.begin() as conn:
        conn.execute(_ARTICLE, {"title": "a"})
        nested = conn.begin_nested()
        conn.execute(_ARTICLE, {"title": "c"})
        nested.rollback()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM kb_articles")).scalars().all() == ["a"]


def test_given_many_threads_when_each_reads_then_writes_in_one_transaction_then_none_fails(db: Db) -> None:
    """Concurrent writers (a web app's worker threads): on SQLite a deferred transaction that read
    before another writer committed used to fail at once with "database is locked"."""
    count = text("SELECT count(*) FROM kb_articles")

    def writer(number: int) -> None:
        for step in range(40):
            with db.sessions.begin() as session:
                session.execute(count).scalar_one()
                session.execute(_ARTICLE, {"title": f"{number}-{step}"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        for finished in [pool.submit(writer, n) for n in range(6)]:
            finished.result()
    with db.sessions() as session:
        assert session.execute(count).scalar_one() == 6 * 40
