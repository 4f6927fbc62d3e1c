"""Agents' last routing states in the database, on SQLite and on PostgreSQL (migration 0006)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from crm_core.agent_states import SavedAgentState, load_agent_states, save_agent_states
from crm_core.db import alembic_config
from crm_core.models_routing import AgentStateRow
from tests.crm_conftest_helpers import Db


def test_given_saved_states_when_one_changes_then_the_last_of_each_agent_is_read_back(db: Db) -> None:
    with db.sessions.begin() as session:
        save_agent_states(
            session,
            [
                SavedAgentState("1001", "paused", "lunch", 10.0),
                SavedAgentState("1002", "available", None, 11.0),
            ],
        )
    with db.sessions.begin() as session:
        save_agent_states(session, [SavedAgentState("1001", "logged_out", None, 12.5)])
    with db.sessions() as session:
        assert load_agent_states(session) == {
            "1001": SavedAgentState("1001", "logged_out", None, 12.5),
            "1002": SavedAgentState("1002", "available", None, 11.0),
        }


def test_given_migration_0006_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    AgentStateRow.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if "agent_states" in repr(d)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
        assert "agent_states" not in inspect(conn).get_table_names()
        assert "web_sessions" in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert "agent_states" in inspect(conn).get_table_names()
