"""E-mail integration fixtures: a CRM database (SQLite and PostgreSQL), real dovecot and aiosmtpd."""

from __future__ import annotations

from tests.db_fixtures import clock, db, pg_url, sqlite_template
from tests.email_servers import imap_server, smtp_server

__all__ = ["clock", "db", "imap_server", "pg_url", "smtp_server", "sqlite_template"]
