"""Every message of protocol 1 with its direction and audience, and the JSON Schema of each, as
``GET /api/ws-protocol`` serves it (the pages' ``static/wire.js`` names the same messages)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from agent_desktop.protocol.base import PROTOCOL_VERSION, WireMessage
from agent_desktop.protocol.messages import Error, Hello, Ping, Pong, Snapshot, Wallboard
from agent_desktop.protocol.routing import ROUTES

AGENT: Final = "agent"
SUPERVISOR: Final = "supervisor"  # supervisors and admins


@dataclass(frozen=True, slots=True)
class Entry:
    message: type[WireMessage]
    direction: str  # to_browser | to_server
    audience: tuple[str, ...]  # who receives it (to_browser)


def _entries() -> dict[str, Entry]:
    both = (AGENT, SUPERVISOR)
    entries = [
        Entry(Hello, "to_browser", both),
        Entry(Snapshot, "to_browser", (AGENT,)),
        Entry(Wallboard, "to_browser", (SUPERVISOR,)),
        Entry(Pong, "to_browser", both),
        Entry(Error, "to_browser", both),
        Entry(Ping, "to_server", ()),
    ]
    for route in ROUTES.values():
        audience = ((AGENT,) if route.to_agent else ()) + ((SUPERVISOR,) if route.to_supervisors else ())
        entries.append(Entry(route.message, "to_browser", audience))
    return {entry.message.wire_name(): entry for entry in entries}


MESSAGES: Final[Mapping[str, Entry]] = _entries()


def protocol_schema() -> dict[str, Any]:
    """``{"protocol": 1, "messages": {"hello": {"direction": "to_browser", "audience": [...],
    "schema": {...JSON Schema...}}, ...}}``"""
    return {
        "protocol": PROTOCOL_VERSION,
        "messages": {
            name: {
                "direction": entry.direction,
                "audience": list(entry.audience),
                "schema": entry.message.model_json_schema(mode="serialization"),
            }
            for name, entry in sorted(MESSAGES.items())
        },
    }
