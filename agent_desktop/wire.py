"""The ``/ws`` messages built from the engine's state: ``hello``, an agent's ``snapshot``, the
``wallboard`` (shapes and names: :mod:`agent_desktop.protocol`).

Caller numbers go to the wallboard in full (supervisors may call back); the public status page
masks them (see :mod:`agent_desktop.server`).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Final

from acd.model import Channel
from acd.queries import Snapshot
from agent_desktop.auth.users import CurrentUser, me_json
from agent_desktop.protocol.base import PROTOCOL_VERSION
from agent_desktop.protocol.messages import Error, Hello, Pong, Wallboard
from agent_desktop.protocol.messages import Snapshot as SnapshotMessage
from agent_desktop.protocol.plain import plain_object
from callcenter.contact_center import ContactCenter, LiveCallView

PONG_TEXT: Final = json.dumps({"type": Pong.wire_name()})
# Waiting callers are listed from the live calls (``waiting``), scheduled callbacks on their own.
PHONE: Final = frozenset({Channel.VOICE, Channel.CALLBACK})


def hello_json(user: CurrentUser) -> dict[str, Any]:
    return {"type": Hello.wire_name(), "protocol": PROTOCOL_VERSION, "user": me_json(user)}


def error_json(code: str, message: str) -> dict[str, Any]:
    return {"type": Error.wire_name(), "code": code, "message": message}


def call_json(call: LiveCallView | None) -> dict[str, Any] | None:
    return None if call is None else plain_object(call)


def wallboard_json(
    snapshot: Snapshot, calls: list[LiveCallView], supervising: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    """``supervising``: agent id → (supervisor, mode) of the interventions in progress."""
    by_agent = {c.agent_id: c for c in calls if c.agent_id and c.phase in ("offering", "talking")}
    return {
        "type": Wallboard.wire_name(),
        "at": snapshot.at,
        "queues": [dataclasses.asdict(q) for q in snapshot.queues],
        "agents_by_state": {state.value: len(ids) for state, ids in snapshot.agents_by_state.items()},
        "agents": [
            {
                "agent_id": a.agent_id,
                "state": a.state.value,
                "in_state_seconds": round(a.in_state_seconds, 1),
                "handled": a.handled,
                "pending_pause": snapshot.pending_pauses.get(a.agent_id),
                "call": call_json(by_agent.get(a.agent_id)),
                "supervision": (
                    {"supervisor": supervising[a.agent_id][0], "mode": supervising[a.agent_id][1]}
                    if a.agent_id in supervising
                    else None
                ),
            }
            for a in snapshot.agents
        ],
        "calls_waiting": sum(1 for c in calls if c.phase == "queued"),
        "waiting": [
            {
                "uniqueid": c.uniqueid,
                "caller_number": c.caller_number,
                "caller_name": c.caller_name,
                "queue": c.queue,
                "queued_at": c.queued_at,
            }
            for c in sorted(calls, key=lambda c: c.queued_at or 0.0)
            if c.phase == "queued"
        ],
        "calls_live": len(calls),
        "channels": [dataclasses.asdict(c) for c in snapshot.channels],
        "waiting_items": [dataclasses.asdict(w) for w in snapshot.waiting_items if w.channel not in PHONE],
    }


async def agent_snapshot_json(
    cc: ContactCenter, agent_id: str, offer: dict[str, Any] | None
) -> dict[str, Any]:
    snapshot = await cc.snapshot()
    mine = next((a for a in snapshot.agents if a.agent_id == agent_id), None)
    call = cc.call_of_agent(agent_id)
    return {
        "type": SnapshotMessage.wire_name(),
        "at": snapshot.at,
        "agent": {
            "agent_id": agent_id,
            "state": mine.state.value if mine else "logged_out",
            "in_state_seconds": round(mine.in_state_seconds, 1) if mine else 0.0,
            "handled": mine.handled if mine else 0,
            "reason": snapshot.pause_reasons.get(agent_id),
            "pending_pause": snapshot.pending_pauses.get(agent_id),
        },
        "call": call_json(call),
        # The screen pop survives a reconnect while the call is still with this agent.
        "offer": offer if call is not None else None,
    }
