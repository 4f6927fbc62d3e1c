"""The contact lifecycle: every move from every state, allowed or refused, and the outcome rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from callcenter.contacts import lifecycle as lc
from callcenter.contacts.errors import IllegalContactTransition
from callcenter.contacts.lifecycle import Action
from callcenter.contacts.model import ContactKind, ContactState, ContactStatus, Direction, Outcome
from callcenter.i18n import translate
from callcenter.i18n_errors import ERROR_CATALOGUES

S = ContactStatus
A = Action
Move = Callable[[ContactState], ContactState]

# Each action, applied at t=5, and the status it leads to (None: the status does not change).
MOVES: dict[Action, tuple[Move, ContactStatus | None]] = {
    A.QUEUE: (lambda r: lc.queue(r, 5.0), S.QUEUED),
    A.LEAVE_QUEUE: (lambda r: lc.leave_queue(r, 5.0), S.SELF_SERVICE),
    A.RING: (lambda r: lc.ring(r, 5.0), S.RINGING),
    A.REQUEUE: (lambda r: lc.requeue(r, 5.0), S.QUEUED),
    A.CONNECT: (lambda r: lc.connect(r, 5.0), S.CONNECTED),
    A.HOLD: (lambda r: lc.hold(r, 5.0), S.HELD),
    A.RESUME: (lambda r: lc.resume(r, 5.0), S.CONNECTED),
    A.CONSULT: (lambda r: lc.consult(r, 5.0), S.CONSULTING),
    A.END_CONSULT: (lambda r: lc.end_consult(r, 5.0), S.CONNECTED),
    A.HAND_OVER: (lambda r: lc.hand_over(r, 5.0), S.CONNECTED),
    A.TRANSFER: (lambda r: lc.transfer(r, 5.0), S.QUEUED),
    A.TRANSFER_OUT: (lambda r: lc.transfer_out(r, 5.0), S.TRANSFERRED),
    A.NOTE_OUTCOME: (lambda r: lc.note_outcome(r, Outcome.VOICEMAIL), None),
    A.WRAP_UP: (lambda r: lc.wrap_up(r, Outcome.TRANSFERRED, 5.0), S.WRAP_UP),
    A.FINISH_WRAP_UP: (lambda r: lc.finish_wrap_up(r, 5.0), S.ENDED),
    A.END: (lambda r: lc.end(r, Outcome.FAILED, 5.0), S.ENDED),
}

EXPECTED_ALLOWED: dict[Action, set[ContactStatus]] = {
    A.QUEUE: {S.SELF_SERVICE, S.QUEUED, S.TRANSFERRED},
    A.LEAVE_QUEUE: {S.QUEUED},
    A.RING: {S.QUEUED, S.RINGING},
    A.REQUEUE: {S.RINGING, S.QUEUED},
    A.CONNECT: {S.RINGING},
    A.HOLD: {S.CONNECTED},
    A.RESUME: {S.HELD},
    A.CONSULT: {S.CONNECTED, S.HELD},
    A.END_CONSULT: {S.CONSULTING},
    A.HAND_OVER: {S.CONSULTING},
    A.TRANSFER: {S.CONNECTED, S.HELD, S.CONSULTING},
    A.TRANSFER_OUT: {S.CONNECTED, S.HELD, S.CONSULTING},
    A.NOTE_OUTCOME: set(S) - {S.WRAP_UP, S.ENDED},
    A.WRAP_UP: {S.CONNECTED, S.HELD, S.CONSULTING},
    A.FINISH_WRAP_UP: {S.WRAP_UP},
    A.END: set(S) - {S.WRAP_UP, S.ENDED},
}

ALL_PAIRS = [(action, status) for action in Action for status in ContactStatus]


def in_status(status: ContactStatus, direction: Direction = Direction.INBOUND) -> ContactState:
    return ContactState(ContactKind.CALL, direction, status, since=1.0, transfers=2)


def test_the_rules_table_is_the_one_documented_here() -> None:
    assert set(lc.ALLOWED_FROM) == set(Action) == set(MOVES)
    assert {a: set(s) for a, s in lc.ALLOWED_FROM.items()} == EXPECTED_ALLOWED


@pytest.mark.parametrize(("action", "status"), [p for p in ALL_PAIRS if p[1] in EXPECTED_ALLOWED[p[0]]])
def test_given_an_allowed_state_when_acting_then_the_new_record_has_the_target_status(
    action: Action, status: ContactStatus
) -> None:
    rec = in_status(status)
    move, target = MOVES[action]
    new = move(rec)
    assert lc.allows(rec, action)
    assert new.status == (target or status)
    assert new.since == (1.0 if new.status == status else 5.0)
    assert (new.kind, new.direction) == (rec.kind, rec.direction)
    assert rec.status == status  # records are values: the old one is untouched


@pytest.mark.parametrize(("action", "status"), [p for p in ALL_PAIRS if p[1] not in EXPECTED_ALLOWED[p[0]]])
def test_given_a_refused_state_when_acting_then_a_coded_error_names_the_action_and_state(
    action: Action, status: ContactStatus
) -> None:
    rec = in_status(status)
    assert not lc.allows(rec, action)
    with pytest.raises(IllegalContactTransition) as err:
        MOVES[action][0](rec)
    assert err.value.code == "contact.illegal_transition"
    assert err.value.params["action"] == action.value
    assert err.value.params["state"] == status.value
    assert str(err.value).startswith(f"This call cannot {action.value} while {status.value} (only from ")


def test_an_inbound_call_goes_from_the_ivr_to_an_agent_and_ends_answered() -> None:
    rec = lc.arrive(ContactKind.CALL, 0.0)
    assert (rec.status, rec.direction, rec.outcome) == (S.SELF_SERVICE, Direction.INBOUND, None)
    rec = lc.ring(lc.queue(rec, 1.0), 2.0)
    rec = lc.connect(lc.ring(lc.requeue(rec, 3.0), 4.0), 5.0)  # the first agent did not answer
    rec = lc.resume(lc.hold(rec, 6.0), 7.0)
    rec = lc.end(rec, Outcome.ANSWERED, 9.0)
    assert (rec.status, rec.outcome, rec.since, rec.transfers, rec.live) == (
        S.ENDED,
        Outcome.ANSWERED,
        9.0,
        0,
        False,
    )


def test_an_outbound_contact_starts_ringing_and_ends_answered_or_not() -> None:
    rec = lc.dial(ContactKind.CALL, 0.0)
    assert (rec.status, rec.direction) == (S.RINGING, Direction.OUTBOUND)
    assert lc.end(rec, Outcome.NOT_ANSWERED, 1.0).outcome is Outcome.NOT_ANSWERED
    assert lc.end(lc.connect(rec, 1.0), Outcome.ANSWERED, 2.0).outcome is Outcome.ANSWERED


def test_each_transfer_starts_the_next_part_and_a_failed_outside_transfer_queues_again() -> None:
    rec = lc.connect(lc.ring(lc.queue(lc.arrive(ContactKind.CHAT, 0.0), 1.0), 2.0), 3.0)
    rec = lc.transfer(rec, 4.0)
    assert (rec.status, rec.transfers) == (S.QUEUED, 1)
    rec = lc.hand_over(lc.consult(lc.connect(lc.ring(rec, 5.0), 6.0), 7.0), 8.0)
    assert (rec.status, rec.transfers) == (S.CONNECTED, 2)
    rec = lc.transfer_out(rec, 9.0)
    assert (rec.status, rec.transfers) == (S.TRANSFERRED, 3)
    assert lc.queue(rec, 10.0).status == S.QUEUED


def test_a_consultation_that_ends_without_transfer_keeps_the_same_part() -> None:
    rec = lc.consult(in_status(S.HELD), 2.0)
    rec = lc.end_consult(rec, 3.0)
    assert (rec.status, rec.transfers) == (S.CONNECTED, 2)


def test_a_noted_outcome_is_kept_until_the_end_fixes_one() -> None:
    rec = lc.note_outcome(lc.arrive(ContactKind.CALL, 0.0), Outcome.VOICEMAIL)
    assert (rec.status, rec.outcome, rec.since) == (S.SELF_SERVICE, Outcome.VOICEMAIL, 0.0)
    assert lc.note_outcome(rec, None).outcome is None
    assert lc.end(rec, Outcome.ENDED_IN_IVR, 1.0).outcome is Outcome.ENDED_IN_IVR


def test_wrap_up_keeps_the_outcome_through_to_the_end() -> None:
    rec = lc.wrap_up(in_status(S.CONNECTED), Outcome.ANSWERED, 2.0)
    assert (rec.status, rec.outcome, rec.live) == (S.WRAP_UP, Outcome.ANSWERED, False)
    rec = lc.finish_wrap_up(rec, 3.0)
    assert (rec.status, rec.outcome, rec.since) == (S.ENDED, Outcome.ANSWERED, 3.0)


@pytest.mark.parametrize(
    ("status", "direction", "outcome"),
    [
        (S.QUEUED, Direction.INBOUND, Outcome.ANSWERED),
        (S.RINGING, Direction.OUTBOUND, Outcome.ANSWERED),
        (S.SELF_SERVICE, Direction.INBOUND, Outcome.ANSWERED),
        (S.CONNECTED, Direction.INBOUND, Outcome.ABANDONED),
        (S.HELD, Direction.INBOUND, Outcome.ABANDONED),
        (S.CONSULTING, Direction.INBOUND, Outcome.ABANDONED),
        (S.CONNECTED, Direction.OUTBOUND, Outcome.NOT_ANSWERED),
        (S.RINGING, Direction.OUTBOUND, Outcome.ABANDONED),
        (S.QUEUED, Direction.INBOUND, Outcome.NOT_ANSWERED),
    ],
)
def test_an_outcome_that_contradicts_the_state_is_refused(
    status: ContactStatus, direction: Direction, outcome: Outcome
) -> None:
    rec = in_status(status, direction)
    with pytest.raises(IllegalContactTransition, match=r"cannot end|only"):
        lc.end(rec, outcome, 2.0)
    if status in lc.WITH_AGENT:
        with pytest.raises(IllegalContactTransition):
            lc.wrap_up(rec, outcome, 2.0)


@pytest.mark.parametrize(
    ("status", "direction", "outcome"),
    [
        (S.CONNECTED, Direction.INBOUND, Outcome.ANSWERED),
        (S.HELD, Direction.OUTBOUND, Outcome.ANSWERED),
        (S.CONSULTING, Direction.INBOUND, Outcome.ANSWERED),
        (S.QUEUED, Direction.INBOUND, Outcome.ABANDONED),
        (S.RINGING, Direction.INBOUND, Outcome.ABANDONED),
        (S.SELF_SERVICE, Direction.INBOUND, Outcome.ABANDONED),
        (S.RINGING, Direction.OUTBOUND, Outcome.NOT_ANSWERED),
        (S.SELF_SERVICE, Direction.INBOUND, Outcome.CALLBACK_REQUESTED),
        (S.TRANSFERRED, Direction.INBOUND, Outcome.TRANSFERRED_OUT),
        (S.CONNECTED, Direction.INBOUND, Outcome.ENDED_IN_IVR),
    ],
)
def test_outcomes_the_engine_gives_today_are_accepted(
    status: ContactStatus, direction: Direction, outcome: Outcome
) -> None:
    assert lc.end(in_status(status, direction), outcome, 2.0).outcome is outcome


def test_outcome_words_are_the_ones_stored_and_shown_today() -> None:
    assert {o.value for o in Outcome} == {
        "answered",
        "not_answered",
        "abandoned",
        "failed",
        "ended_in_ivr",
        "voicemail",
        "transferred",
        "transferred_out",
        "callback_requested",
    }
    for outcome in Outcome:
        assert translate(f"ui.outcome.{outcome.value}", "zh_CN") != f"ui.outcome.{outcome.value}"


def test_the_refusal_reads_in_english_and_chinese() -> None:
    with pytest.raises(IllegalContactTransition) as err:
        lc.hold(in_status(S.QUEUED), 2.0)
    for language in ("en", "zh_CN"):
        assert err.value.code in ERROR_CATALOGUES[language]
    text = translate(err.value.code, "zh_CN", **err.value.params)
    assert "queued" in text
    assert "hold" in text
    assert "{" not in text
    assert translate(err.value.code, "en", **err.value.params).startswith(
        "This call cannot hold while queued"
    )
