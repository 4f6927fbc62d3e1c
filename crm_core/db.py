"""Engines, sessions and migrations.

SQLite is the embedded default; PostgreSQL is used when the URL says so
(``postgresql+psycopg://user@host/db``; ``postgresql://`` is accepted and mapped to psycopg 3).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///var/callcenter.sqlite3"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalize_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite enable WAL, foreign keys and real (SAVEPOINT-capable) transactions."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    _configure_sqlite(engine, wal=not in_memory)
    return engine


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get(_SQLITE_BEGIN, '')}")


# Execution option read by the SQLite BEGIN above: "IMMEDIATE" takes the write lock at BEGIN.
_SQLITE_BEGIN = "sqlite_begin"


class WriteSessions(sessionmaker[Session]):
    """``sessions()`` for reading, ``sessions.begin()`` for a write transaction.

    On SQLite (WAL) a plain, deferred transaction that has read and then writes fails at once with
    "database is locked" when another connection committed in between; the busy timeout does not
    apply to that. So ``begin()`` starts with ``BEGIN IMMEDIATE``: it waits (up to the busy timeout)
    for the write lock before reading, and writers take turns instead of failing. Readers are not
    held up (WAL). Other databases ignore the option.
    """

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self() as session, session.begin():
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return WriteSessions(bind=engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic Config built in code, pointing at the scripts shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def migrate(url: str = DEFAULT_URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: the newest)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
