"""The ``db`` fixture runs every CRM test on SQLite and on PostgreSQL (same migrations, same tests)."""

from __future__ import annotations

from tests.db_fixtures import clock, db, pg_url, sqlite_template

__all__ = ["clock", "db", "pg_url", "sqlite_template"]
