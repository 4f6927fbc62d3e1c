"""Supervisor console: listen / whisper / barge, forcing an agent's state, giving a waiting caller to
an agent, moving them to another queue or removing a stuck one, the audit log.

Every intervention is audited before it is answered (who, which agent, which call, what mode).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, audit_async, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import PageSize
from agent_desktop.routes.softphone import browser_phone_settings
from agent_desktop.state import desktop_of
from callcenter.webrtc_phones import supervisor_phone
from crm_core.audit import AuditLog
from telephony_config.errors import TelephonyConfigError

router = APIRouter(prefix="/api/supervisor")
Supervisor = Annotated[CurrentUser, Depends(require_role("supervisor", "admin"))]
_AGENT_ID = r"^[A-Za-z0-9_.-]{1,40}$"
_UNIQUEID = r"^[A-Za-z0-9_.-]{1,64}$"


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
    if desktop.engine.simulator_mode:
        return {"mode": "simulator"}
    try:
        phone = supervisor_phone(desktop.engine.settings, user.username)
    except TelephonyConfigError as exc:
        raise ApiError(503, "desktop.webrtc_not_configured", user.language) from exc
    return {"mode": "desk"} if phone is None else browser_phone_settings(phone, response)


@router.post("/agents/{agent_id}/supervise")
async def supervise(
    agent_id: Annotated[str, Path(pattern=_AGENT_ID)], body: Supervise, user: Supervisor, request: Request
) -> dict[str, Any]:
    """Start, switch or stop (``mode: null``) listening to / whispering to / barging into a call."""
    desktop = desktop_of(request)
    call = desktop.cc.call_of_agent(agent_id)
    await desktop.cc.supervise(user.username, agent_id, body.mode)
    await audit_async(
        request,
        user,
        f"supervise.{body.mode or 'stop'}",
        f"agent:{agent_id}",
        {"call": call.uniqueid if call else "", "caller": call.caller_number if call else ""},
    )
    return {"agent_id": agent_id, "mode": body.mode}


@router.post("/agents/{agent_id}/state")
async def force_state(
    agent_id: Annotated[str, Path(pattern=_AGENT_ID)], body: ForceState, user: Supervisor, request: Request
) -> dict[str, Any]:
    desktop = desktop_of(request)
    cc = desktop.cc
    if body.state == "logged_out":
        await cc.agent_logout(agent_id)
    elif body.state == "paused":
        await cc.agent_pause(agent_id, body.reason or "supervisor")
    else:
        snapshot = await cc.snapshot()
        state = next((a.state.value for a in snapshot.agents if a.agent_id == agent_id), "logged_out")
        if agent_id in snapshot.pending_pauses:
            await cc.agent_available(agent_id)  # the pause waiting for the call or wrap-up is called off
            if state == "wrap_up":
                await cc.end_wrap_up(agent_id)
        elif state == "logged_out":
            if agent_id not in desktop.agent_skills:
                raise ApiError(404, "desktop.unknown_agent", user.language, {"agent_id": agent_id})
            await desktop.login_agent(agent_id)
        elif state == "wrap_up":
            await cc.end_wrap_up(agent_id)
        else:
            await cc.agent_available(agent_id)
    details = {"state": body.state, "reason": body.reason or ""}
    await audit_async(request, user, "agent.force_state", f"agent:{agent_id}", details)
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
    await desktop_of(request).cc.waiting.give_to_agent(uniqueid, body.agent_id)
    await audit_async(request, user, "waiting.give", f"call:{uniqueid}", {"agent": body.agent_id})
    return {"uniqueid": uniqueid, "agent_id": body.agent_id}


@router.post("/waiting/{uniqueid}/queue")
async def move_waiting_call(
    uniqueid: Annotated[str, Path(pattern=_UNIQUEID)], body: MoveTo, user: Supervisor, request: Request
) -> dict[str, Any]:
    """The waiting caller moves to another queue, keeping their wait time."""
    desktop = desktop_of(request)
    if body.queue == desktop.engine.settings.dialplan.outbound_queue:
        raise ApiError(422, "desktop.bad_transfer_target", user.language)
    await desktop.cc.waiting.move(uniqueid, body.queue)
    await audit_async(request, user, "waiting.move", f"call:{uniqueid}", {"queue": body.queue})
    return {"uniqueid": uniqueid, "queue": body.queue}


@router.post("/waiting/{uniqueid}/remove")
async def remove_waiting_call(
    uniqueid: Annotated[str, Path(pattern=_UNIQUEID)], user: Supervisor, request: Request
) -> dict[str, Any]:
    """A stuck waiting caller leaves the queue (counted as abandoned); if Asterisk still has the
    channel, it is hung up. 409 when they are no longer waiting."""
    hung_up = await desktop_of(request).cc.waiting.remove(uniqueid)
    await audit_async(request, user, "waiting.remove", f"call:{uniqueid}", {"hung_up": str(hung_up).lower()})
    return {"uniqueid": uniqueid, "hung_up": hung_up}


@router.get("/audit")
async def audit_log(
    user: Supervisor, request: Request, limit: PageSize = 100, action: str | None = None
) -> list[dict[str, Any]]:
    desktop = desktop_of(request)

    def read() -> list[dict[str, Any]]:
        with desktop.db() as session:
            entries = AuditLog().recent(session, limit=limit, action_prefix=action)
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

    return await asyncio.to_thread(read)
