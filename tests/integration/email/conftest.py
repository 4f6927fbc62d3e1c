"""E-mail integration fixtures: a CRM database (SQLite and PostgreSQL), real dovecot and aiosmtpd."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from callcenter.settings_email import EmailSettings
from tests.crm_conftest_helpers import (
    Db,
    FakeClock,
    create_pg_database,
    create_sqlite_template,
    drop_pg_database,
    postgres_db,
    sqlite_db,
)
from tests.email_servers import ImapServer, SmtpServer, imap_server, smtp_server

__all__ = ["imap_server", "smtp_server"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_sqlite_template(tmp_path_factory.mktemp("mail_template"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
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
