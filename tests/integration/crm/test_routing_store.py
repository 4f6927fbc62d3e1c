"""Agents' routing profiles and queues in the database, on SQLite and on PostgreSQL (migration 0003)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.exc import IntegrityError

from crm_core.db import alembic_config
from crm_core.models_routing import RoutingAgent, RoutingAgentSkill, RoutingQueue, RoutingQueueSkill
from crm_core.routing_profiles import AgentProfile, QueueProfile, UnknownAgentProfile, UnknownQueue
from crm_core.routing_store import SEEDED_BY, RoutingProfileStore, seed_routing_profiles
from tests.crm_conftest_helpers import Db, FakeClock

TABLES = {"routing_agents", "routing_agent_skills", "routing_queues", "routing_queue_skills"}
FILE_AGENTS = [AgentProfile("1001", {"sales": 4}), AgentProfile("1002", {"support": 5})]
FILE_QUEUES = [QueueProfile("sales", {"sales": 2}), QueueProfile("general")]


def test_given_an_empty_database_when_seeded_then_the_file_rows_are_created_and_marked_as_seeded(
    db: Db, clock: FakeClock
) -> None:
    profiles = seed_routing_profiles(db.sessions, clock, FILE_AGENTS, FILE_QUEUES)
    assert profiles.agents == tuple(FILE_AGENTS)
    assert [q.name for q in profiles.queues] == ["general", "sales"]
    with db.sessions() as session:
        stored = RoutingProfileStore(clock).agents(session)
    assert {s.updated_by for s in stored} == {SEEDED_BY}
    assert stored[0].updated_at == clock.datetime


def test_given_admin_changes_when_seeded_again_from_a_changed_file_then_the_database_wins(
    db: Db, clock: FakeClock
) -> None:
    store = RoutingProfileStore(clock)
    seed_routing_profiles(db.sessions, clock, FILE_AGENTS, FILE_QUEUES)
    with db.sessions.begin() as session:
        store.save_agent(
            session, AgentProfile("1001", {"vip": 5}, {"voice": 0, "chat": 2, "email": 1}), "admin"
        )
        store.save_queue(session, QueueProfile("sales", {"sales": 3}, wrap_up_s=12), "admin")
        store.delete_agent(session, "1002", "admin")
        store.delete_queue(session, "general", "admin")
        store.save_queue(session, QueueProfile("vip", {"vip": 2}), "admin")
    changed_file_agents = [AgentProfile("1001", {"sales": 1}), *FILE_AGENTS[1:], AgentProfile("1004")]
    changed_file_queues = [QueueProfile("sales", wrap_up_s=1), *FILE_QUEUES[1:], QueueProfile("email")]

    profiles = seed_routing_profiles(db.sessions, clock, changed_file_agents, changed_file_queues)

    assert profiles.agents == (
        AgentProfile("1001", {"vip": 5}, {"voice": 0, "chat": 2, "email": 1}),
        AgentProfile("1004"),
    )
    assert profiles.queues == (
        QueueProfile("email"),
        QueueProfile("sales", {"sales": 3}, wrap_up_s=12),
        QueueProfile("vip", {"vip": 2}),
    )


def test_given_a_deleted_agent_and_queue_when_created_again_then_they_are_back_with_the_new_values(
    db: Db, clock: FakeClock
) -> None:
    store = RoutingProfileStore(clock)
    seed_routing_profiles(db.sessions, clock, FILE_AGENTS, FILE_QUEUES)
    with db.sessions.begin() as session:
        store.delete_agent(session, "1002", "admin")
        store.delete_queue(session, "sales", "admin")
    with db.sessions.begin() as session:
        assert store.agent(session, "1002") is None
        with pytest.raises(UnknownAgentProfile):
            store.delete_agent(session, "1002", "admin")
        with pytest.raises(UnknownQueue):
            store.delete_queue(session, "sales", "admin")
        store.save_agent(session, AgentProfile("1002", {"orders": 2}), "admin2")
        store.save_queue(session, QueueProfile("sales", max_missed_offers=0), "admin2")
    with db.sessions() as session:
        assert store.agent(session, "1002") == AgentProfile("1002", {"orders": 2})
        assert store.queue(session, "sales") == QueueProfile("sales", max_missed_offers=0)
        assert [s.updated_by for s in store.queues(session) if s.profile.name == "sales"] == ["admin2"]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO routing_agent_skills (agent_id, skill, level) VALUES ('1001', 'x', 6)",
        "INSERT INTO routing_queue_skills (queue, skill, min_level) VALUES ('sales', 'x', 0)",
        "UPDATE routing_agents SET chat_capacity = -1 WHERE agent_id = '1001'",
        "UPDATE routing_queues SET offer_timeout_s = 0 WHERE name = 'sales'",
        "INSERT INTO routing_agent_skills (agent_id, skill, level) VALUES ('nobody', 'x', 2)",
    ],
)
def test_given_the_schema_when_a_bad_row_is_written_directly_then_the_database_refuses_it(
    db: Db, clock: FakeClock, statement: str
) -> None:
    seed_routing_profiles(db.sessions, clock, FILE_AGENTS, FILE_QUEUES)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text(statement))


def test_given_migration_0003_then_it_matches_the_models_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    for model in (RoutingAgent, RoutingAgentSkill, RoutingQueue, RoutingQueueSkill):
        model.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if _about_our_tables(d)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
        assert not TABLES & set(inspect(conn).get_table_names())
        command.upgrade(config, "head")
        assert set(inspect(conn).get_table_names()) >= TABLES


def _about_our_tables(difference: object) -> bool:
    """compare_metadata also lists every other table as "removed"; keep what concerns ours."""
    if isinstance(difference, list):
        return any(_about_our_tables(d) for d in difference)
    for part in difference if isinstance(difference, tuple) else ():
        name = getattr(part, "name", None) or getattr(getattr(part, "table", None), "name", None)
        if part in TABLES or name in TABLES:
            return True
    return False
