"""The hand-back value a queued caller carries on their channel (CC_QUEUED): what one engine writes
before the Redirect, the next engine reads back; anything else is refused with a reason."""

from __future__ import annotations

import pytest

from callcenter.calls.handback import MAX_LENGTH, QueuedState

NOW = 1795382200.0


def test_a_state_reads_back_as_written_names_with_separators_included() -> None:
    state = QueuedState(
        queue="sales|vip (cn)",
        priority=-2.5,
        queued_at=1795382159.25,
        started_at=1795382101.5,
        dialed="5551234",
        skills=(("mandarin", 3), ("after:sales,x", 1)),
    )
    text = state.encode()
    assert (
        text
        == "1|sales%7Cvip%20%28cn%29|-2.5|1795382159.25|1795382101.5|5551234|mandarin:3,after%3Asales%2Cx:1"
    )
    assert QueuedState.decode(text, NOW) == state


def test_times_from_a_clock_ahead_of_ours_are_taken_as_now() -> None:
    state = QueuedState.decode("1|sales|0|1795382300|1795382400||", NOW)
    assert (state.queued_at, state.started_at, state.skills) == (NOW, NOW, ())


def test_too_many_skills_for_asterisks_buffer_are_left_out_not_cut_in_half() -> None:
    skills = tuple((f"skill{n:04d}", 2) for n in range(200))
    text = QueuedState("sales", 0, NOW, NOW, "5551234", skills).encode()
    assert len(text) <= MAX_LENGTH
    kept = QueuedState.decode(text, NOW).skills
    assert 0 < len(kept) < 200
    assert kept == skills[: len(kept)]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "version 1"),
        ("2|sales|0|1|1||", "version 1"),
        ("1|sales|0|1|1|", "version 1"),
        ("1||0|1|1||", "no queue"),
        ("1|sales|high|1|1||", "priority is not a number"),
        ("1|sales|0|nan|1||", "queued_at out of range"),
        ("1|sales|0|-5|1||", "queued_at out of range"),
        ("1|sales|0|1|inf||", "started_at out of range"),
        ("1|sales|0|1|1||sales:9", "bad skill requirement"),
        ("1|sales|0|1|1||:3", "bad skill requirement"),
        ("1|sales|0|1|1||sales", "bad skill requirement"),
    ],
)
def test_a_value_that_does_not_parse_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        QueuedState.decode(text, NOW)
