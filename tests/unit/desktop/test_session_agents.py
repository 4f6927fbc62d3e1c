"""Who is signed in as an agent (the demo's simulated agents leave those agents alone)."""

from __future__ import annotations

from agent_desktop.auth.deps import CurrentUser
from agent_desktop.auth.sessions import SessionStore


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


AGENT = CurrentUser(1, "agent1001", "agent", "1001", "en", "UTC")
SUPERVISOR = CurrentUser(2, "supervisor", "supervisor", None, "en", "UTC")


def test_given_sessions_then_has_agent_is_true_only_for_live_sessions_of_that_agent() -> None:
    clock = FakeClock()
    store = SessionStore(clock, idle_s=60, absolute_s=600)
    store.create(SUPERVISOR)
    assert not store.has_agent("1001")
    token = store.create(AGENT)
    assert store.has_agent("1001")
    assert not store.has_agent("1002")
    clock.now += 61  # idle past the timeout: nobody is there any more
    assert not store.has_agent("1001")
    assert store.get(token) is None
    store.delete(store.create(AGENT))  # signed out
    assert not store.has_agent("1001")
