"""The CRM database fixtures the integration conftests share: ``db`` runs each test on SQLite and on
PostgreSQL (same migrations, same tests). A conftest imports the fixtures it wants from here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crm_conftest_helpers import (
    Db,
    FakeClock,
    create_pg_database,
    create_sqlite_template,
    drop_pg_database,
    postgres_db,
    sqlite_db,
)

__all__ = ["clock", "db", "pg_url", "sqlite_template"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_sqlite_template(tmp_path_factory.mktemp("db_template"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    # No skip: if PostgreSQL is down this raises and every postgres test fails.
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    if request.param == "sqlite":
        yield from sqlite_db(request.getfixturevalue("sqlite_template"), tmp_path)
    else:
        yield from postgres_db(request.getfixturevalue("pg_url"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
