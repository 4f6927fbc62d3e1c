"""Decisions serialize for the API; errors carry code, params and an English message."""

from __future__ import annotations

import json

from acd import codec
from acd.decision import CandidateScore, RouteDecision
from acd.errors import AcdError, IllegalTransition, UnknownQueue
from acd.model import (
    Agent,
    AgentState,
    Channel,
    Fallback,
    FallbackAction,
    OverflowStep,
    QueueConfig,
    SkillRequirement,
)
from acd.records import AgentRecord
from tests.fakes.acd_factories import item


def decision() -> RouteDecision:
    return RouteDecision(
        "i1", "a1", "i1~1", 5.0, "item_arrived", "sales", 3.5, 2.0, 1,
        ("skill score", "overflow step 1"), (CandidateScore("a1", False, 4.0, 10.0),), 1,
    )  # fmt: skip


def test_decision_round_trips_through_json() -> None:
    d = decision()
    assert RouteDecision.from_json(d.to_json()) == d
    assert json.loads(d.to_json())["rules"] == ["skill score", "overflow step 1"]


def test_errors_have_stable_codes_and_params() -> None:
    err = UnknownQueue(queue="billing")
    assert isinstance(err, AcdError)
    assert (err.code, err.params) == ("acd.unknown_queue", {"queue": "billing"})
    assert "'billing'" in err.message
    t = IllegalTransition(agent_id="a", action="pause", state="reserved", reason="r")
    assert t.code == "acd.illegal_transition"


def test_codec_round_trips_queue_agent_and_item() -> None:
    q = QueueConfig(
        "billing",
        skills=(SkillRequirement("billing", 3),),
        overflow=(OverflowStep(10, 1, ((SkillRequirement("x", 2),),), None),),
        max_wait_seconds=60,
        fallback=Fallback(FallbackAction.TRANSFER, "+49301"),
    )
    assert codec.queue_from(json.loads(json.dumps(codec.queue_to(q)))) == q
    a = AgentRecord(
        Agent("a1", {"s": 2}), AgentState.BUSY, 3, {Channel.CHAT: 2}, 1.0, 2.0, None, None, 1, None
    )
    assert codec.agent_record_from(json.loads(json.dumps(codec.agent_record_to(a)))) == a
    w = item("i1", 12.5, skills=(SkillRequirement("s", 2),))
    assert codec.item_from(json.loads(json.dumps(codec.item_to(w)))) == w
