"""Migration 0013 (``live_calls``) and the row functions: a left call is settled once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.orm import Session

from crm_core.db import alembic_config
from crm_core.interactions import InteractionLog, InteractionRecord
from crm_core.live_calls import (
    LiveCallRow,
    SavedLiveCall,
    delete_live_calls,
    load_live_call,
    load_live_calls,
    save_live_calls,
    settle_live_call,
)
from crm_core.models import Interaction
from tests.crm_conftest_helpers import Db

LEFT = SavedLiveCall(
    uniqueid="1795382159.77",
    channel="PJSIP/pstn-0000004d",
    caller_number="4155550100",
    caller_name="Wei Zhang",
    dialed="5551234",
    direction="inbound",
    started_at=1795382100.25,
    queue="sales",
    agent_id="1001",
    agent_channel="PJSIP/agent-1001-0000004e",
    queued_at=1795382110.5,
    answered_at=1795382120.75,
    phase="connected",
    transfers=0,
    ivr_digits="1",
    outcome="answered",
    recording_path="/var/spool/callcenter/recordings/1795382159.77.wav",
    engine="host-a:4242:0badc0de",
    updated_at=1795382121.0,
)


def _interaction(ref: str, outcome: str = "answered") -> InteractionRecord:
    return InteractionRecord(
        external_ref=ref,
        channel="call",
        direction="inbound",
        started_at=datetime.fromtimestamp(LEFT.started_at, tz=UTC),
        outcome=outcome,
    )


def _refs(session: Session) -> list[tuple[str, str | None]]:
    rows = session.scalars(select(Interaction).where(Interaction.external_ref.like("1795382159.%")))
    return [(row.external_ref, row.outcome) for row in rows]


def test_given_migration_0013_then_it_matches_the_model_and_downgrades_and_upgrades(db: Db) -> None:
    ours = MetaData()
    LiveCallRow.__table__.to_metadata(ours)  # type: ignore[attr-defined]
    db.engine.dispose()
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, ours) if "live_calls" in repr(d)]
        assert differences == []
        config = alembic_config(db.url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
        assert "live_calls" not in inspect(conn).get_table_names()
        command.upgrade(config, "head")
        assert "live_calls" in inspect(conn).get_table_names()


def test_given_saved_calls_when_loaded_then_the_same_values_and_a_save_replaces_a_row(db: Db) -> None:
    other = replace(LEFT, uniqueid="1795382159.80", channel="PJSIP/pstn-00000050", started_at=1795382150.0)
    with db.sessions.begin() as session:
        save_live_calls(session, [LEFT, other])
    with db.sessions.begin() as session:
        save_live_calls(session, [replace(LEFT, phase="held", updated_at=1795382130.0)])
    with db.sessions() as session:
        assert load_live_calls(session) == [replace(LEFT, phase="held", updated_at=1795382130.0), other]
    with db.sessions.begin() as session:
        delete_live_calls(session, [LEFT.uniqueid])
    with db.sessions() as session:
        assert load_live_calls(session) == [other]
        assert load_live_call(session, LEFT.uniqueid) is None


def test_given_a_left_call_when_settled_twice_then_one_interaction_and_no_row(db: Db) -> None:
    log = InteractionLog("US")
    with db.sessions.begin() as session:
        save_live_calls(session, [LEFT])
    for _ in range(2):
        with db.sessions.begin() as session:
            settle_live_call(session, LEFT, lambda s: log.record(s, _interaction(LEFT.uniqueid)))
    with db.sessions() as session:
        assert _refs(session) == [(LEFT.uniqueid, "answered")]
        assert load_live_calls(session) == []


def test_given_a_row_another_engine_rewrote_when_settled_then_nothing_is_written(db: Db) -> None:
    log = InteractionLog("US")
    taken_back = replace(LEFT, engine="host-b:77:feedf00d", updated_at=1795382200.0)
    with db.sessions.begin() as session:
        save_live_calls(session, [taken_back])
    with db.sessions.begin() as session:
        assert not settle_live_call(session, LEFT, lambda s: log.record(s, _interaction(LEFT.uniqueid)))
    with db.sessions() as session:
        assert _refs(session) == []
        assert load_live_calls(session) == [taken_back]


def test_given_the_interaction_was_written_before_the_crash_when_settled_then_it_is_kept(db: Db) -> None:
    log = InteractionLog("US")
    with db.sessions.begin() as session:
        save_live_calls(session, [LEFT])
        log.record(session, _interaction(LEFT.uniqueid, outcome="answered"))
    with db.sessions.begin() as session:
        written = settle_live_call(
            session, LEFT, lambda s: log.record(s, _interaction(LEFT.uniqueid, "abandoned"))
        )
        assert not written
    with db.sessions() as session:
        assert _refs(session) == [(LEFT.uniqueid, "answered")]
        assert load_live_calls(session) == []
