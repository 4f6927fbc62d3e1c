"""E-mail integration fixtures: a CRM database (SQLite and PostgreSQL), real dovecot and aiosmtpd."""

from __future__ import annotations

from pydantic import SecretStr

from callcenter.settings_email import EmailSettings
from tests.db_fixtures import clock, db, pg_url, sqlite_template
from tests.email_servers import ImapServer, SmtpServer, imap_server, smtp_server

__all__ = ["clock", "db", "imap_server", "pg_url", "smtp_server", "sqlite_template"]


def email_settings(imap: ImapServer, smtp: SmtpServer, **overrides: object) -> EmailSettings:
    values: dict[str, object] = {
        "enabled": True,
        "address": "support@example.com",
        "imap_host": imap.host,
        "imap_port": imap.port,
        "imap_ssl": False,
        "imap_user": imap.user,
        "imap_password": SecretStr(imap.password),
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_starttls": False,
        "poll_interval_s": 0.5,
        "retry_interval_s": 0.2,
        "signatures": {"support": "Example Ltd. support team"},
    }
    values.update(overrides)
    return EmailSettings.model_validate(values)
