"""The stored form of agent records: round trip, and records stored by older versions."""

from __future__ import annotations

from acd import agent_state as sm
from acd import codec
from acd.model import Agent, AgentState, Channel


def test_given_a_pending_pause_when_encoded_and_decoded_then_the_record_is_equal() -> None:
    rec = sm.login(Agent("a1", {"sales": 3}), 0.0, None)
    rec = sm.pause(sm.accept(sm.offer(rec, Channel.VOICE, "o1", 1.0), "o1", 1.0), "break", 2.0)
    assert codec.agent_record_from(codec.agent_record_to(rec)) == rec
    assert codec.agent_record_to(rec)["pp"] == "break"


def test_given_a_record_stored_before_pending_pauses_when_decoded_then_none_is_pending() -> None:
    old = {
        "id": "a1",
        "skills": {"sales": 3},
        "cap": {"voice": 1},
        "blk": {"voice": ["chat"]},
        "state": "busy",
        "v": 4,
        "load": {"voice": 1},
        "since": 1.0,
        "idle": 1.0,
        "offer": None,
        "pause": None,
        "missed": 0,
        "wrap": None,
    }
    rec = codec.agent_record_from(old)
    assert (rec.state, rec.version, rec.pending_pause) == (AgentState.BUSY, 4, None)
    assert codec.agent_record_to(rec) == old | {"pp": None}
