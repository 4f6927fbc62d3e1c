"""Migration 0010 matches the recordings model, and goes down and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from crm_core.db import alembic_config
from crm_core.models_recordings import Recording, RecordingAgent, RecordingPause
from tests.crm_conftest_helpers import Db

TABLES = ("recordings", "recording_agents", "recording_pauses")


def test_given_migration_0010_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    for model in (Recording, RecordingAgent, RecordingPause):
        model.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if any(t in repr(d) for t in TABLES)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
        assert not set(TABLES) & set(inspect(conn).get_table_names())
        assert "mail_raw" in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert set(TABLES) <= set(inspect(conn).get_table_names())
