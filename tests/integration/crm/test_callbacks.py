"""Scheduled callbacks in the CRM (SQLite and PostgreSQL): validation, due rows, claims, attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm_core.callbacks import (
    CallbackBook,
    CallbackClosed,
    CallbackInThePast,
    CallbackRequest,
    CallbackStatus,
    CallbackTooFar,
)
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.errors import FieldTooLong, InvalidPhoneNumber, MissingField, NotFound
from tests.crm_conftest_helpers import Db, FakeClock


def _request(clock: FakeClock, minutes: float = 30, **changes: object) -> CallbackRequest:
    values: dict[str, object] = {
        "number": "(415) 555-0100",
        "due_at": clock.datetime + timedelta(minutes=minutes),
        "queue": "sales",
        "requested_by": "1001",
        "preferred_agent": "1001",
        "interaction_ref": "1795.10",
    }
    values.update(changes)
    return CallbackRequest(**values)  # type: ignore[arg-type]


def test_given_a_callback_for_a_customer_when_scheduled_then_pending_in_e164_and_utc(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        customer_id = CustomerService(clock, "US").create(session, CustomerDraft(display_name="Wei Zhang"))
        stored = book.schedule(session, _request(clock, customer_id=customer_id))
    with db.sessions() as session:
        again = book.get(session, stored.id)
    assert again == stored
    assert (again.number, again.queue, again.status, again.attempts) == (
        "+14155550100",
        "sales",
        "pending",
        0,
    )
    assert again.due_at == clock.datetime + timedelta(minutes=30)
    assert (again.customer_id, again.requested_by, again.interaction_ref) == (customer_id, "1001", "1795.10")


@pytest.mark.parametrize(
    ("minutes", "changes", "error"),
    [
        (-1, {}, CallbackInThePast),
        (0, {}, CallbackInThePast),
        (60 * 24 * 1831, {}, CallbackTooFar),
        (30, {"number": "12"}, InvalidPhoneNumber),
        (30, {"number": " "}, MissingField),
        (30, {"queue": ""}, MissingField),
        (30, {"queue": "q" * 41}, FieldTooLong),
        (30, {"customer_id": 999_999}, NotFound),
    ],
)
def test_given_bad_input_when_scheduled_then_a_coded_error_and_nothing_stored(
    db: Db, clock: FakeClock, minutes: float, changes: dict[str, object], error: type[Exception]
) -> None:
    book = CallbackBook(clock, "US")
    with pytest.raises(error), db.sessions.begin() as session:
        book.schedule(session, _request(clock, minutes, **changes))
    with db.sessions() as session:
        assert book.for_interaction(session, "1795.10") == []


def test_given_callbacks_when_time_passes_then_due_ones_are_claimed_once_oldest_first(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        later = book.schedule(session, _request(clock, 20))
        sooner = book.schedule(session, _request(clock, 10))
        book.schedule(session, _request(clock, 90))
    with db.sessions() as session:
        assert book.due(session) == []
    clock.advance(minutes=30)
    with db.sessions.begin() as session:
        assert [c.id for c in book.due(session)] == [sooner.id, later.id]
        assert book.claim(session, sooner.id, f"cb-{sooner.id}-1")
        assert not book.claim(session, sooner.id, "another engine")
    with db.sessions() as session:
        assert [c.id for c in book.due(session)] == [later.id]
        claimed = book.get(session, sooner.id)
        assert (claimed.status, claimed.item_id) == ("queued", f"cb-{sooner.id}-1")
        assert [c.id for c in book.queued(session)] == [sooner.id]


def test_given_a_customer_who_never_answers_then_tried_again_until_the_last_attempt_fails(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        callback = book.schedule(session, _request(clock, 1))
    for attempt in (1, 2, 3):
        clock.advance(minutes=15)
        with db.sessions.begin() as session:
            (due,) = book.due(session)
            assert book.claim(session, due.id, f"cb-{due.id}-{attempt}")
            after = book.not_answered(session, callback.id, retry_after_s=600, max_attempts=3)
        assert after.attempts == attempt
        assert after.last_outcome == "not_answered"
        if attempt < 3:
            assert (after.status, after.item_id) == (CallbackStatus.PENDING, None)
            assert after.due_at == clock.datetime + timedelta(minutes=10)
    assert after.status == CallbackStatus.FAILED
    with db.sessions.begin() as session, pytest.raises(CallbackClosed) as caught:
        book.answered(session, callback.id)
    assert caught.value.code == "crm.callback.closed"


def test_given_an_ivr_request_and_a_promise_then_answered_is_done_and_cancel_closes(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        ivr = book.add_queued(session, _request(clock, 0, requested_by=None), "1795.10")
        promise = book.schedule(session, _request(clock, 60))
        assert (ivr.status, ivr.item_id) == ("queued", "1795.10")
        done = book.answered(session, ivr.id)
        cancelled = book.cancel(session, promise.id)
        released = book.add_queued(session, _request(clock, 0), "1795.11")
        back = book.release(session, released.id, retry_after_s=60)
    assert (done.status, done.attempts, done.last_outcome) == ("done", 1, "answered")
    assert cancelled.status == "cancelled"
    assert (back.status, back.attempts, back.item_id) == ("pending", 0, None)
    assert back.due_at == clock.datetime + timedelta(minutes=1)


def test_given_callbacks_of_two_agents_when_listed_then_each_sees_their_own_open_ones_soonest_first(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        customer_id = CustomerService(clock, "US").create(session, CustomerDraft(display_name="Wei Zhang"))
        later = book.schedule(session, _request(clock, 90, customer_id=customer_id))
        sooner = book.schedule(session, _request(clock, 30))
        other = book.schedule(session, _request(clock, 10, requested_by="1002", preferred_agent="1002"))
        closed = book.schedule(session, _request(clock, 20))
        book.cancel(session, closed.id)
    with db.sessions() as session:
        mine = book.listing(session, agent="1001")
        everyone = book.listing(session)
        history = book.listing(session, agent="1001", open_only=False)
    assert [(c.id, name) for c, name in mine] == [(sooner.id, None), (later.id, "Wei Zhang")]
    assert [c.id for c, _ in everyone] == [other.id, sooner.id, later.id]
    assert [c.id for c, _ in history] == [closed.id, sooner.id, later.id]


def test_given_an_open_callback_when_rescheduled_then_pending_at_the_new_time_and_bad_times_refused(
    db: Db, clock: FakeClock
) -> None:
    book = CallbackBook(clock, "US")
    with db.sessions.begin() as session:
        queued = book.add_queued(session, _request(clock, 0), "cb-1-1")
        moved = book.reschedule(session, queued.id, clock.datetime + timedelta(hours=2))
        with pytest.raises(CallbackInThePast):
            book.reschedule(session, queued.id, clock.datetime - timedelta(minutes=1))
        book.cancel(session, queued.id)
        with pytest.raises(CallbackClosed):
            book.reschedule(session, queued.id, clock.datetime + timedelta(hours=3))
    assert (moved.status, moved.item_id, moved.due_at) == (
        "pending",
        None,
        clock.datetime + timedelta(hours=2),
    )
