"""Migration 0011 matches the voicemail model, and goes down and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from crm_core.db import alembic_config
from crm_core.models_voicemail import VoicemailRecord
from tests.crm_conftest_helpers import Db


def test_given_migration_0011_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    VoicemailRecord.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if "voicemails" in repr(d)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
        assert "voicemails" not in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert "voicemails" in inspect(conn).get_table_names()
