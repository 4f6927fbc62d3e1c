"""The ``/ws`` protocol from the server's side: fixed wire names, every forwarded event valid against its
schema, nothing a domain event carries left behind unnoticed, and class names off the wire."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from acd.model import AgentState
from acd.queries import Snapshot
from acd.stats import AgentStats, QueueStats
from agent_desktop.protocol.base import PROTOCOL_VERSION
from agent_desktop.protocol.routing import ROUTES, event_json
from agent_desktop.protocol.schema import MESSAGES, protocol_schema
from agent_desktop.wire import wallboard_json
from callcenter import events as ev
from callcenter.contact_center import LiveCallView
from tests.wire_check import check_message
from tests.wire_samples import sample_events

# Protocol 1 as the pages know it. Changing this list is changing the protocol: bump
# PROTOCOL_VERSION and static/wire.js with it.
WIRE_NAMES_V1 = {
    "hello": ("to_browser", ["agent", "supervisor"]),
    "ping": ("to_server", []),
    "pong": ("to_browser", ["agent", "supervisor"]),
    "error": ("to_browser", ["agent", "supervisor"]),
    "snapshot": ("to_browser", ["agent"]),
    "wallboard": ("to_browser", ["supervisor"]),
    "CallOffered": ("to_browser", ["agent"]),
    "CallConnected": ("to_browser", ["agent"]),
    "CallEnded": ("to_browser", ["agent"]),
    "RecordingPaused": ("to_browser", ["agent"]),
    "CallHeld": ("to_browser", ["agent"]),
    "CallMuted": ("to_browser", ["agent"]),
    "CallDialing": ("to_browser", ["agent"]),
    "CallTransferred": ("to_browser", ["agent"]),
    "ConsultStarted": ("to_browser", ["agent"]),
    "ConsultEnded": ("to_browser", ["agent"]),
    "AgentStateChanged": ("to_browser", ["agent"]),
    "CallbackChanged": ("to_browser", ["agent", "supervisor"]),
    "SupervisionChanged": ("to_browser", ["supervisor"]),
    "AgentAutoPaused": ("to_browser", ["supervisor"]),
    "FallbackRequired": ("to_browser", ["supervisor"]),
    "ConversationOffered": ("to_browser", ["agent"]),
    "ConversationMessageAdded": ("to_browser", ["agent"]),
    "ConversationTyping": ("to_browser", ["agent"]),
    "ConversationStatusChanged": ("to_browser", ["agent", "supervisor"]),
}


def _wire(event: object) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(json.dumps(event_json(event)))  # what a browser parses
    return parsed


def test_the_wire_names_directions_and_audiences_are_those_of_protocol_1() -> None:
    assert PROTOCOL_VERSION == 1
    assert {name: (e.direction, list(e.audience)) for name, e in MESSAGES.items()} == WIRE_NAMES_V1
    assert set(protocol_schema()["messages"]) == set(WIRE_NAMES_V1)


@pytest.mark.parametrize("event", list(sample_events()), ids=lambda e: type(e).__name__)
def test_given_a_forwarded_event_when_put_on_the_wire_then_it_validates_against_its_schema(
    event: object,
) -> None:
    message = ROUTES[type(event)].message
    wire = _wire(event)
    check_message(wire)
    assert wire["type"] == message.wire_name()


def test_every_routed_event_has_a_sample_here() -> None:
    assert {type(e) for e in sample_events()} == set(ROUTES)


@pytest.mark.parametrize("kind", list(ROUTES), ids=lambda k: k.__name__)
def test_no_field_of_a_forwarded_event_is_left_behind_by_its_message(kind: type) -> None:
    """A field added to a domain event must be declared in its wire message (or this test says so)."""
    fields = {f.name for f in dataclasses.fields(kind)}
    assert fields - set(ROUTES[kind].message.model_fields) == set()


def test_given_a_renamed_event_class_when_put_on_the_wire_then_the_message_is_unchanged() -> None:
    before = event_json(ev.CallHeld("1001", "u1", True, 6.6))
    ev.CallHeld.__name__ = "CallPutOnHold"  # what a rename does to the class (the reflection read it)
    try:
        renamed = event_json(ev.CallHeld("1001", "u1", True, 6.6))
    finally:
        ev.CallHeld.__name__ = "CallHeld"
    assert (
        renamed
        == before
        == {"type": "CallHeld", "agent_id": "1001", "uniqueid": "u1", "held": True, "at": 6.6}
    )


def test_given_a_screen_pop_when_put_on_the_wire_then_the_card_is_tagged_and_the_ticket_keeps_its_type() -> (
    None
):
    wire = _wire(next(iter(sample_events())))
    customer = wire["customer"]
    assert customer["type"] == "KnownCaller"
    assert customer["matches"][0]["open_tickets"][0]["type"] == "complaint"  # was "TicketSummary"
    assert "type" not in customer["matches"][0]["profile"]  # no class names below the card


def test_the_wallboard_validates_against_its_schema() -> None:
    snapshot = Snapshot(
        at=10.0,
        queues=(QueueStats("sales", 1, 4.0, 3, 2, 0, 0, 1.0, 0.0, 3.5, 60.0, None),),
        agents=(
            AgentStats("1001", AgentState.BUSY, 12.34, 2, 0.5),
            AgentStats("1002", AgentState.PAUSED, 1, 0, None),
        ),
        agents_by_state={AgentState.BUSY: ("1001",), AgentState.PAUSED: ("1002",)},
    )
    calls = [
        LiveCallView("u1", "+1415", "Li", "talking", "sales", "1001", 1.0, 1.0, 2.0, ("1",), False, "inbound",
                     False, False),
        LiveCallView("u2", "+1416", "", "queued", "sales", None, 3.0, 3.0, None, (), False, "inbound",
                     False, False),
    ]  # fmt: skip
    wire = json.loads(json.dumps(wallboard_json(snapshot, calls, {"1001": ("sup", "listen")})))
    check_message(wire)
