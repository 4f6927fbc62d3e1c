"""What an agent is after a restart, from their last saved state; every pause reason an agent can see
has a label in both languages."""

from __future__ import annotations

import pytest

from acd.agent_state import AUTO_PAUSE_REASON
from agent_desktop.routes.agent import PAUSE_REASONS
from callcenter.agent_journal import INTERRUPTED_REASON, SignedIn, state_after_restart
from callcenter.i18n import catalogue
from crm_core.agent_states import SavedAgentState


@pytest.mark.parametrize(
    ("state", "reason", "after"),
    [
        ("logged_out", None, None),
        ("available", None, SignedIn(None)),
        ("paused", "lunch", SignedIn("lunch")),
        ("paused", AUTO_PAUSE_REASON, SignedIn(AUTO_PAUSE_REASON)),
        ("reserved", None, SignedIn(INTERRUPTED_REASON)),  # their phone was ringing
        ("busy", None, SignedIn(INTERRUPTED_REASON)),  # on a call that ended with the engine
        ("wrap_up", None, SignedIn(INTERRUPTED_REASON)),
    ],
)
def test_given_a_saved_state_when_the_engine_starts_then_the_agent_comes_back_so(
    state: str, reason: str | None, after: SignedIn | None
) -> None:
    assert state_after_restart(SavedAgentState("1001", state, reason, 0.0)) == after


def test_given_an_agent_never_signed_in_when_the_engine_starts_then_they_stay_logged_out() -> None:
    assert state_after_restart(None) is None


def test_given_any_pause_reason_then_the_desktop_has_a_label_for_it() -> None:
    """(Every English text has its Chinese one: ``missing_translations`` is kept empty elsewhere.)"""
    labels = catalogue("en", "ui.reason.")
    reasons = {*PAUSE_REASONS, "supervisor", AUTO_PAUSE_REASON, INTERRUPTED_REASON}
    assert {f"ui.reason.{r}" for r in reasons} <= set(labels)
