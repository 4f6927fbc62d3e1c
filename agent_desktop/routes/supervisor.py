"""Supervisor console: listen / whisper / barge, forcing an agent's state, giving a waiting caller to
an agent, moving them (or a waiting chat or e-mail) to another queue or removing a stuck one, the
audit log.

Every intervention is audited before it is answered (who, which agent, which call, what mode).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, actor_of, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import PageSize
from agent_desktop.routes.softphone import browser_phone_settings
from agent_desktop.state import desktop_of
from callcenter.webrtc_phones import supervisor_phone
from telephony_config.errors import TelephonyConfigError

router = APIRouter(prefix="/api/supervisor")
Supervisor = Annotated[CurrentUser, Depends(require_role("supervisor", "admin"))]
_AGENT_ID = r"^[A-Za-z0-9_.-]{1,40}$"
_UNIQUEID = r"^[A-Za-z0-9_.-]{1,64}$"
_ITEM_ID = r"^[A-Za-z0-9_.:~-]{1,80}$"


class Supervise(BaseModel):
    mode: Literal["listen", "whisper", "barge"] | None


class ForceState(BaseModel):
    state: Literal["available", "paused", "logged_out"]
    reason: str | None = Field(None, max_length=32)


@router.get("/wallboard")
async def wallboard(user: Supervisor, request: Request) -> dict[str, Any]:
    return await desktop_of(request).hub.wallboard()


@router.get("/softphone")
async def softphone(user: Supervisor, request: Request, response: Response) -> dict[str, Any]:
    """The console's phone: the browser phone for a supervisor in ``webrtc.supervisors`` (their
    listen / whisper / barge rings it), else ``desk`` (their desk phone rings)."""
    desktop = desktop_of(request)
    if desktop.simulator_mode:
        return {"mode": "simulator"}
    try:
        phone = supervisor_phone(desktop.settings, user.username)
    except TelephonyConfigError as exc:
        raise ApiError(503, "desktop.webrtc_not_configured", user.language) from exc
    return {"mode": "desk"} if phone is None else browser_phone_settings(phone, response)


@router.post("/agents/{agent_id}/supervise")
async def supervise(
    agent_id: Annotated[str, Path(pattern=_AGENT_ID)], body: Supervise, user: Supervisor, request: Request
) -> dict[str, Any]:
    """Start, switch or stop (``mode: null``) listening to / whispering to / barging into a call."""
    await desktop_of(request).services.supervision.supervise(actor_of(user), agent_id, body.mode)
    return {"agent_id": agent_id, "mode": body.mode}


@router.post("/agents/{agent_id}/state")
async def force_state(
    agent_id: Annotated[str, Path(pattern=_AGENT_ID)], body: ForceState, user: Supervisor, request: Request
) -> dict[str, Any]:
    desk = desktop_of(request).services.supervision
    await desk.force_state(actor_of(user), agent_id, body.state, body.reason)
    return {"agent_id": agent_id, "state": body.state}


class GiveTo(BaseModel):
    agent_id: str = Field(pattern=_AGENT_ID)


class MoveTo(BaseModel):
    queue: str = Field(min_length=1, max_length=40)


@router.post("/waiting/{uniqueid}/agent")
async def give_waiting_call(
    uniqueid: Annotated[str, Path(pattern=_UNIQUEID)], body: GiveTo, user: Supervisor, request: Request
) -> dict[str, Any]:
    """The waiting caller is offered to this agent alone for a while (skills waived), keeping
    their place; then to their queue again. 409 when they are no longer waiting."""
    await desktop_of(request).services.supervision.give_waiting_call(actor_of(user), uniqueid, body.agent_id)
    return {"uniqueid": uniqueid, "agent_id": body.agent_id}


@router.post("/waiting/{uniqueid}/queue")
async def move_waiting_call(
    uniqueid: Annotated[str, Path(pattern=_UNIQUEID)], body: MoveTo, user: Supervisor, request: Request
) -> dict[str, Any]:
    """The waiting caller moves to another queue, keeping their wait time."""
    await desktop_of(request).services.supervision.move_waiting_call(actor_of(user), uniqueid, body.queue)
    return {"uniqueid": uniqueid, "queue": body.queue}


@router.post("/items/{item_id}/queue")
async def move_waiting_item(
    item_id: Annotated[str, Path(pattern=_ITEM_ID)], body: MoveTo, user: Supervisor, request: Request
) -> dict[str, Any]:
    """A waiting chat or e-mail moves to another queue, keeping its wait time (audited). 409 when it
    is no longer waiting, or when it is a caller (moved by ``/waiting/{uniqueid}/queue``)."""
    desk = desktop_of(request).services.supervision
    moved = await desk.move_waiting_item(actor_of(user), item_id, body.queue)
    return {"item_id": item_id, "channel": moved.channel.value, "from": moved.queue, "queue": body.queue}


@router.post("/waiting/{uniqueid}/remove")
async def remove_waiting_call(
    uniqueid: Annotated[str, Path(pattern=_UNIQUEID)], user: Supervisor, request: Request
) -> dict[str, Any]:
    """A stuck waiting caller leaves the queue (counted as abandoned); if Asterisk still has the
    channel, it is hung up. 409 when they are no longer waiting."""
    hung_up = await desktop_of(request).services.supervision.remove_waiting_call(actor_of(user), uniqueid)
    return {"uniqueid": uniqueid, "hung_up": hung_up}


@router.get("/audit")
async def audit_log(
    user: Supervisor, request: Request, limit: PageSize = 100, action: str | None = None
) -> list[dict[str, Any]]:
    entries = await desktop_of(request).services.supervision.audit_log(limit, action)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "actor_role": e.actor_role,
            "action": e.action,
            "target": e.target,
            "details": e.details,
        }
        for e in entries
    ]
