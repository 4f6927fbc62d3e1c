"""Migration 0009 matches the e-mail channel's model, and goes down and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from crm_core.db import alembic_config
from crm_core.models_mail import MailHeader, MailThread, OutboxMail, RawMail
from tests.crm_conftest_helpers import Db

TABLES = ("mail_raw", "mail_threads", "mail_headers", "mail_outbox")


def test_given_migration_0009_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    for model in (RawMail, MailThread, MailHeader, OutboxMail):
        model.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if any(t in repr(d) for t in TABLES)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        assert not set(TABLES) & set(inspect(conn).get_table_names())
        assert "conversations" in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert set(TABLES) <= set(inspect(conn).get_table_names())
