from __future__ import annotations

from datetime import timedelta

import pytest

from crm_core.errors import FieldTooLong, InvalidValue, NotFound
from crm_core.interactions import InteractionLog, InteractionRecord
from tests.crm_conftest_helpers import T0, Db


def _call(ref: str, **overrides: object) -> InteractionRecord:
    values: dict[str, object] = {
        "external_ref": ref,
        "channel": "call",
        "direction": "inbound",
        "started_at": T0,
        "queue": "sales",
        "agent_id": "agent-7",
        "caller_number": "(415) 555-0100",
        "answered_at": T0 + timedelta(seconds=12),
        "ended_at": T0 + timedelta(seconds=190),
        "outcome": "answered",
    }
    values.update(overrides)
    return InteractionRecord(**values)  # type: ignore[arg-type]


def test_given_a_finished_call_when_recorded_then_it_reads_back_normalized_and_utc(db: Db) -> None:
    log = InteractionLog(default_region="US")
    with db.sessions.begin() as session:
        interaction_id = log.record(session, _call("1700000000.1"))
    with db.sessions() as session:
        (view,) = log.recent(session)
    assert view.id == interaction_id
    assert view.caller_number == "+14155550100"
    assert view.started_at == T0
    assert view.started_at.tzinfo is not None
    assert view.duration_seconds == 190


def test_given_same_external_ref_when_recorded_twice_then_one_row_is_updated(db: Db) -> None:
    log = InteractionLog()
    with db.sessions.begin() as session:
        first = log.record(session, _call("dup.1"))
    with db.sessions.begin() as session:
        second = log.record(session, _call("dup.1", disposition="sale", notes="ordered dumplings"))
        log.set_wrap_up(session, "dup.1", "sale-2", "two orders")
    with db.sessions() as session:
        views = log.recent(session)
    assert first == second
    assert len(views) == 1
    assert views[0].disposition == "sale-2"


def test_given_many_interactions_when_listing_recent_then_newest_first_and_filters_apply(db: Db) -> None:
    log = InteractionLog()
    with db.sessions.begin() as session:
        for i in range(5):
            log.record(
                session,
                _call(
                    f"r.{i}",
                    started_at=T0 + timedelta(minutes=i),
                    ended_at=None,
                    answered_at=None,
                    channel="chat" if i % 2 else "call",
                ),
            )
    with db.sessions() as session:
        refs = [v.external_ref for v in log.recent(session, limit=3)]
        chats = [v.external_ref for v in log.recent(session, channel="chat")]
    assert refs == ["r.4", "r.3", "r.2"]
    assert chats == ["r.3", "r.1"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"channel": "pigeon"}, InvalidValue),
        ({"notes": "x" * 5000}, FieldTooLong),
        ({"started_at": T0.replace(tzinfo=None)}, InvalidValue),
        ({"ended_at": T0 - timedelta(seconds=1)}, InvalidValue),
        ({"customer_id": 999_999}, NotFound),
    ],
)
def test_given_bad_record_when_recorded_then_typed_error_and_nothing_stored(
    db: Db, overrides: dict[str, object], error: type[Exception]
) -> None:
    log = InteractionLog()
    with pytest.raises(error), db.sessions.begin() as session:
        log.record(session, _call("bad.1", **overrides))
    with db.sessions() as session:
        assert log.recent(session) == ()
