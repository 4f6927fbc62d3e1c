"""The live-call journal and recovery on a CRM database (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.db_fixtures import clock, db, pg_url, sqlite_template

__all__ = ["clock", "db", "pg_url", "sqlite_template"]
