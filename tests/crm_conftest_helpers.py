"""Helpers shared by the crm_core unit and integration tests."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from crm_core.db import make_engine, make_session_factory, migrate

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now.timestamp()

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    @property
    def datetime(self) -> datetime:
        return self._now


@dataclass(frozen=True)
class Db:
    backend: str
    url: str
    engine: Engine
    sessions: sessionmaker[Session]


def create_pg_database() -> str:
    """Create and migrate a throw-away PostgreSQL database; return its URL."""
    name = f"cc_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate(url)
    return url


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


def sqlite_db(template: Path, directory: Path) -> Iterator[Db]:
    path = directory / "crm.sqlite3"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        yield Db("sqlite", url, engine, make_session_factory(engine))
    finally:
        engine.dispose()


def postgres_db(url: str) -> Iterator[Db]:
    engine = make_engine(url)
    try:
        yield Db("postgresql", url, engine, make_session_factory(engine))
    finally:
        with engine.begin() as conn:
            tables = conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            ).scalars()
            names = ", ".join(f'"{name}"' for name in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
