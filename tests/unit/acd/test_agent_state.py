"""The agent state machine: legal moves, refused moves, capacity and blocking."""

from __future__ import annotations

import pytest

from acd import agent_state as sm
from acd.errors import IllegalTransition, InvalidConfig
from acd.model import DEFAULT_BLOCKING, Agent, AgentState, Channel
from acd.records import AgentRecord

S = AgentState


def logged_in(**skills: int) -> AgentRecord:
    return sm.login(Agent("a1", skills or {"sales": 3}), 0.0, None)


def test_given_logged_out_when_login_then_available_and_version_bumps() -> None:
    rec = logged_in()
    assert rec.state == S.AVAILABLE
    assert rec.version == 1
    assert sm.login(Agent("a2", {}), 0.0, None, paused_reason="training").state == S.PAUSED


def test_given_available_when_login_again_then_typed_error_with_code_params_and_message() -> None:
    rec = logged_in()
    with pytest.raises(IllegalTransition) as err:
        sm.login(rec.agent, 1.0, rec)
    assert err.value.code == "acd.illegal_transition"
    assert err.value.params["action"] == "log in"
    assert err.value.params["state"] == "available"
    assert "cannot log in while available" in str(err.value)


def test_offer_accept_complete_goes_through_reserved_busy_wrap_up_available() -> None:
    rec = sm.offer(logged_in(), Channel.VOICE, "o1", 1.0)
    assert (rec.state, rec.load[Channel.VOICE], rec.offer_id) == (S.RESERVED, 1, "o1")
    rec = sm.accept(rec, "o1", 2.0)
    assert (rec.state, rec.offer_id) == (S.BUSY, None)
    rec = sm.complete(rec, Channel.VOICE, 50.0, wrap_up_seconds=30)
    assert (rec.state, rec.wrap_until, rec.total_load) == (S.WRAP_UP, 80.0, 0)
    rec = sm.end_wrap_up(rec, 80.0)
    assert (rec.state, rec.idle_since) == (S.AVAILABLE, 80.0)


def test_complete_without_wrap_up_frees_the_agent_at_once() -> None:
    rec = sm.accept(sm.offer(logged_in(), Channel.VOICE, "o1", 1.0), "o1", 2.0)
    assert sm.complete(rec, Channel.VOICE, 9.0, wrap_up_seconds=0).state == S.AVAILABLE


@pytest.mark.parametrize(
    ("make", "action"),
    [
        (lambda: sm.offer(logged_in(), Channel.VOICE, "o1", 1.0), lambda r: sm.pause(r, "lunch", 2.0)),
        (lambda: sm.offer(logged_in(), Channel.VOICE, "o1", 1.0), lambda r: sm.logout(r, 2.0)),
        (lambda: sm.offer(logged_in(), Channel.VOICE, "o1", 1.0), lambda r: sm.accept(r, "other", 2.0)),
        (lambda: logged_in(), lambda r: sm.accept(r, "o1", 2.0)),
        (lambda: logged_in(), lambda r: sm.end_wrap_up(r, 2.0)),
        (lambda: logged_in(), lambda r: sm.resume(r, 2.0)),
        (lambda: logged_in(), lambda r: sm.complete(r, Channel.VOICE, 2.0, 0)),
        (lambda: logged_in(), lambda r: sm.pause(r, "", 2.0)),
        (lambda: sm.pause(logged_in(), "lunch", 1.0), lambda r: sm.offer(r, Channel.VOICE, "o", 2.0)),
        (
            lambda: sm.accept(sm.offer(logged_in(), Channel.CHAT, "o", 1.0), "o", 1.0),
            lambda r: sm.logout(r, 2.0),
        ),
    ],
)
def test_illegal_actions_raise_and_never_change_state(make, action) -> None:
    rec = make()
    with pytest.raises(IllegalTransition):
        action(rec)


def test_voice_call_blocks_new_chats_and_emails_by_default() -> None:
    rec = sm.accept(sm.offer(logged_in(), Channel.VOICE, "o1", 1.0), "o1", 1.0)
    assert not sm.can_take(rec, Channel.CHAT)
    assert not sm.can_take(rec, Channel.EMAIL)
    assert sm.takeable_channels(rec) == frozenset()


def test_chat_capacity_three_then_full_and_a_chat_does_not_block_email() -> None:
    rec = logged_in()
    for n in range(3):
        rec = sm.accept(sm.offer(rec, Channel.CHAT, f"o{n}", 1.0), f"o{n}", 1.0)
    assert rec.load[Channel.CHAT] == 3
    assert not sm.can_take(rec, Channel.CHAT)
    assert sm.can_take(rec, Channel.EMAIL)
    with pytest.raises(IllegalTransition, match="no free chat capacity"):
        sm.offer(rec, Channel.CHAT, "o9", 2.0)


def test_blocking_is_configurable_per_agent() -> None:
    blended = Agent("a1", {"sales": 3}, blocking={})
    rec = sm.login(blended, 0.0, None)
    rec = sm.accept(sm.offer(rec, Channel.VOICE, "o1", 1.0), "o1", 1.0)
    assert sm.can_take(rec, Channel.EMAIL)
    assert Channel.CHAT in DEFAULT_BLOCKING[Channel.VOICE]


def test_pending_offer_blocks_further_offers() -> None:
    rec = sm.offer(logged_in(), Channel.CHAT, "o1", 1.0)
    assert not sm.can_take(rec, Channel.CHAT)


def test_missed_offers_auto_pause_after_k() -> None:
    rec = logged_in()
    rec = sm.release_offer(
        sm.offer(rec, Channel.VOICE, "o1", 1.0), "o1", Channel.VOICE, 2.0, missed=True, max_missed=2
    )
    assert (rec.state, rec.missed_offers, rec.total_load) == (S.AVAILABLE, 1, 0)
    rec = sm.release_offer(
        sm.offer(rec, Channel.VOICE, "o2", 3.0), "o2", Channel.VOICE, 4.0, missed=True, max_missed=2
    )
    assert (rec.state, rec.pause_reason) == (S.PAUSED, sm.AUTO_PAUSE_REASON)


def test_accept_resets_missed_count_and_caller_hangup_does_not_count() -> None:
    rec = sm.release_offer(
        sm.offer(logged_in(), Channel.VOICE, "o1", 1), "o1", Channel.VOICE, 2, missed=True, max_missed=3
    )
    rec = sm.release_offer(
        sm.offer(rec, Channel.VOICE, "o2", 3), "o2", Channel.VOICE, 4, missed=False, max_missed=3
    )
    assert rec.missed_offers == 1
    rec = sm.accept(sm.offer(rec, Channel.VOICE, "o3", 5), "o3", 6)
    assert rec.missed_offers == 0


def on_a_chat(capacity: int = 1) -> AgentRecord:
    rec = sm.login(Agent("a1", {"sales": 3}, capacity={Channel.CHAT: capacity}), 0.0, None)
    return sm.accept(sm.offer(rec, Channel.CHAT, "o1", 1.0), "o1", 1.0)


def test_given_a_busy_agent_when_paused_then_busy_with_the_pause_pending_and_offered_nothing() -> None:
    rec = sm.pause(on_a_chat(capacity=3), "break", 2.0)
    assert (rec.state, rec.total_load, rec.pending_pause, rec.pause_reason) == (S.BUSY, 1, "break", None)
    assert rec.since == 1.0  # still the same call
    assert not sm.can_take(rec, Channel.CHAT)  # 2 chats free, but a pause is waiting
    assert sm.takeable_channels(rec) == frozenset()


def test_given_a_pending_pause_when_the_call_ends_then_wrap_up_then_paused_with_its_reason() -> None:
    rec = sm.pause(on_a_chat(), "break", 2.0)
    rec = sm.complete(rec, Channel.CHAT, 4.0, wrap_up_seconds=30)
    assert (rec.state, rec.pending_pause, rec.wrap_until) == (S.WRAP_UP, "break", 34.0)
    rec = sm.end_wrap_up(rec, 34.0)
    assert (rec.state, rec.pause_reason, rec.pending_pause, rec.since) == (S.PAUSED, "break", None, 34.0)


def test_given_a_pending_pause_and_no_wrap_up_when_the_call_ends_then_paused_at_once() -> None:
    rec = sm.complete(sm.pause(on_a_chat(), "lunch", 2.0), Channel.CHAT, 4.0, wrap_up_seconds=0)
    assert (rec.state, rec.pause_reason, rec.pending_pause, rec.total_load) == (S.PAUSED, "lunch", None, 0)
    assert sm.resume(rec, 5.0).state == S.AVAILABLE


def test_given_a_pending_pause_when_paused_again_then_the_reason_changes() -> None:
    rec = sm.pause(sm.pause(on_a_chat(), "break", 2.0), "lunch", 3.0)
    assert (rec.state, rec.pending_pause) == (S.BUSY, "lunch")


def test_given_a_pending_pause_when_resumed_then_called_off_and_free_after_the_call() -> None:
    rec = sm.resume(sm.pause(on_a_chat(), "break", 2.0), 3.0)
    assert (rec.state, rec.pending_pause) == (S.BUSY, None)
    rec = sm.complete(rec, Channel.CHAT, 4.0, wrap_up_seconds=0)
    assert rec.state == S.AVAILABLE


def test_given_a_busy_agent_without_a_pending_pause_when_resumed_then_refused() -> None:
    with pytest.raises(IllegalTransition) as err:
        sm.resume(on_a_chat(), 2.0)
    assert err.value.params["state"] == "busy"


def test_given_wrap_up_when_paused_then_the_wrap_up_runs_to_its_end_then_paused() -> None:
    rec = sm.complete(on_a_chat(), Channel.CHAT, 4.0, wrap_up_seconds=30)
    rec = sm.pause(rec, "training", 10.0)
    assert (rec.state, rec.wrap_until, rec.pending_pause) == (S.WRAP_UP, 34.0, "training")
    assert sm.end_wrap_up(rec, 20.0).state == S.PAUSED  # the agent finished the wrap-up early


def test_given_a_pending_pause_logout_rules_are_unchanged() -> None:
    busy = sm.pause(on_a_chat(), "break", 2.0)
    with pytest.raises(IllegalTransition) as err:
        sm.logout(busy, 3.0)
    assert (err.value.params["action"], err.value.params["state"]) == ("log out", "busy")
    wrap = sm.complete(busy, Channel.CHAT, 4.0, wrap_up_seconds=30)
    out = sm.logout(wrap, 5.0)
    assert (out.state, out.pending_pause) == (S.LOGGED_OUT, None)
    assert sm.login(out.agent, 6.0, out).state == S.AVAILABLE


def test_invalid_agent_profiles_are_rejected() -> None:
    with pytest.raises(InvalidConfig):
        Agent("a1", {"sales": 6})
    with pytest.raises(InvalidConfig):
        Agent("a1", {"sales": 1}, capacity={Channel.CHAT: -1})
