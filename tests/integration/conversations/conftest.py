"""Conversation storage as the engine uses it, on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.db_fixtures import clock, db, pg_url, sqlite_template

__all__ = ["clock", "db", "pg_url", "sqlite_template"]
