"""The agent's own work: state, the offered call, the call in progress, wrap-up, softphone settings.

Every route acts on the signed-in agent's own ``agent_id`` (never one from the request).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from acd.model import AgentState
from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import ROW_ID_MAX, PageSize
from agent_desktop.state import DesktopState, desktop_of
from agent_desktop.wire import agent_snapshot_json
from crm_core.interactions import InteractionLog

router = APIRouter(prefix="/api/agent")
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]

PAUSE_REASONS = ("break", "lunch", "training", "meeting", "coaching", "technical")


class StateChange(BaseModel):
    state: Literal["available", "paused", "logged_out"]
    reason: str | None = Field(None, max_length=32)


class RecordingChange(BaseModel):
    paused: bool


class Transfer(BaseModel):
    kind: Literal["agent", "queue", "number"]
    # An agent id, a queue name, or a phone number as typed (checked in the default region).
    target: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.+() -]+$")


class Toggle(BaseModel):
    on: bool


class Dtmf(BaseModel):
    digits: str = Field(pattern=r"^[0-9*#]{1,32}$")


class Dial(BaseModel):
    number: str = Field(min_length=1, max_length=40, pattern=r"^[0-9+() .-]+$")
    customer_id: int | None = Field(None, ge=1, le=ROW_ID_MAX)


def _agent_id(user: CurrentUser) -> str:
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    return user.agent_id


async def _current_state(desktop: DesktopState, agent_id: str) -> tuple[AgentState, bool]:
    """The agent's state, and whether a pause waits for their call or wrap-up to end."""
    snapshot = await desktop.cc.snapshot()
    mine = next((a for a in snapshot.agents if a.agent_id == agent_id), None)
    return (mine.state if mine else AgentState.LOGGED_OUT), agent_id in snapshot.pending_pauses


@router.get("/state")
async def get_state(user: Agent, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    agent = _agent_id(user)
    return await agent_snapshot_json(desktop.cc, agent, desktop.hub.offers.get(agent))


@router.post("/state")
async def set_state(body: StateChange, user: Agent, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    cc, agent = desktop.cc, _agent_id(user)
    current, pause_pending = await _current_state(desktop, agent)
    if body.state == "logged_out":
        await cc.agent_logout(agent)
    elif body.state == "paused":
        if body.reason not in PAUSE_REASONS:
            raise ApiError(422, "desktop.bad_pause_reason", user.language)
        if current is AgentState.LOGGED_OUT:
            await desktop.login_agent(agent, paused_reason=body.reason)
        else:
            await cc.agent_pause(agent, body.reason)
    elif current is AgentState.LOGGED_OUT:
        await desktop.login_agent(agent)
    elif pause_pending:
        await cc.agent_available(agent)  # the pause waiting for this call or wrap-up is called off
        if current is AgentState.WRAP_UP:
            await cc.end_wrap_up(agent)
    elif current is AgentState.WRAP_UP:
        await cc.end_wrap_up(agent)
    elif current is AgentState.PAUSED:
        await cc.agent_available(agent)
    # Already available, ringing or talking: nothing to change (a double click is harmless).
    return await get_state(user, request)


@router.get("/options")
async def options(user: Agent, request: Request) -> dict[str, Any]:
    """Pause reasons, disposition codes (two levels) and the agents one can transfer to."""
    desktop = desktop_of(request)
    return {
        "pause_reasons": list(PAUSE_REASONS),
        "dispositions": {k: list(v) for k, v in desktop.dispositions.items()},
        "transfer_targets": sorted(a for a in desktop.agent_skills if a != user.agent_id),
        "transfer_queues": [q.name for q in desktop.settings.queues],
        "wrap_up_s": {q.name: q.wrap_up_s for q in desktop.settings.queues},
        "disposition_required": {q.name: q.disposition_required for q in desktop.settings.queues},
    }


@router.post("/offer/accept")
async def accept(user: Agent, request: Request) -> dict[str, Any]:
    """Answer the offered call. Against Asterisk the softphone answers (SIP 200 OK); in demo mode
    the engine tells the simulated phone to answer (until it can, the phone answers by itself)."""
    cc, agent = desktop_of(request).cc, _agent_id(user)
    if cc.call_of_agent(agent) is None:
        raise ApiError(409, "desktop.no_offer", user.language)
    answer = getattr(cc, "answer", None)
    if callable(answer):
        await answer(agent)
        return {"answered": "engine"}
    return {"answered": "phone"}


@router.post("/offer/decline")
async def decline(user: Agent, request: Request) -> dict[str, bool]:
    cc, agent = desktop_of(request).cc, _agent_id(user)
    release = getattr(cc, "decline", None)
    if not callable(release):
        raise ApiError(501, "desktop.decline_unavailable", user.language)
    await release(agent)
    return {"ok": True}


@router.post("/call/recording")
async def recording(body: RecordingChange, user: Agent, request: Request) -> dict[str, bool]:
    await desktop_of(request).cc.set_recording_paused(_agent_id(user), body.paused)
    return {"paused": body.paused}


@router.post("/call/hangup")
async def hang_up(user: Agent, request: Request) -> dict[str, bool]:
    await desktop_of(request).cc.hang_up(_agent_id(user))
    return {"ok": True}


@router.post("/call/transfer")
async def transfer(body: Transfer, user: Agent, request: Request) -> dict[str, bool]:
    """Blind transfer to an agent (reserved for them, then their queue), a queue, or a number."""
    desktop = desktop_of(request)
    queues = {q.name for q in desktop.settings.queues}
    if (
        body.kind == "agent" and (body.target not in desktop.agent_skills or body.target == user.agent_id)
    ) or (body.kind == "queue" and body.target not in queues):
        raise ApiError(422, "desktop.bad_transfer_target", user.language)
    await desktop.cc.transfer(_agent_id(user), body.kind, body.target)
    return {"ok": True}


class Consult(BaseModel):
    kind: Literal["agent", "number"]
    target: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.+() -]+$")


@router.post("/call/consult")
async def consult(body: Consult, user: Agent, request: Request) -> dict[str, bool]:
    """Hold the caller and call a colleague or a number; then complete or cancel."""
    desktop = desktop_of(request)
    if body.kind == "agent" and (body.target not in desktop.agent_skills or body.target == user.agent_id):
        raise ApiError(422, "desktop.bad_transfer_target", user.language)
    await desktop.cc.consult(_agent_id(user), body.kind, body.target)
    return {"ok": True}


@router.post("/call/consult/{step}")
async def consult_step(step: Literal["complete", "cancel"], user: Agent, request: Request) -> dict[str, bool]:
    cc, agent = desktop_of(request).cc, _agent_id(user)
    if step == "complete":
        await cc.complete_consult(agent)
    else:
        await cc.cancel_consult(agent)
    return {"ok": True}


@router.post("/call/hold")
async def hold(body: Toggle, user: Agent, request: Request) -> dict[str, bool]:
    """Demo mode: the simulated phone holds. With Asterisk the softphone holds (SIP re-INVITE) and
    the engine learns it from the ``Hold`` event."""
    await desktop_of(request).cc.hold(_agent_id(user), body.on)
    return {"held": body.on}


@router.post("/call/mute")
async def mute(body: Toggle, user: Agent, request: Request) -> dict[str, bool]:
    await desktop_of(request).cc.mute(_agent_id(user), body.on)
    return {"muted": body.on}


@router.post("/call/dtmf")
async def dtmf(body: Dtmf, user: Agent, request: Request) -> dict[str, bool]:
    await desktop_of(request).cc.send_dtmf(_agent_id(user), body.digits)
    return {"ok": True}


@router.post("/dial")
async def dial(body: Dial, user: Agent, request: Request) -> dict[str, str]:
    """Click-to-dial: the agent's phone rings first; answering it dials the number."""
    uniqueid = await desktop_of(request).cc.dial(_agent_id(user), body.number, body.customer_id)
    return {"uniqueid": uniqueid}


@router.get("/history")
async def history(user: Agent, request: Request, limit: PageSize = 20) -> list[dict[str, Any]]:
    """The agent's own recent interactions, newest first."""
    desktop, agent = desktop_of(request), _agent_id(user)

    def read() -> list[dict[str, Any]]:
        with desktop.db() as session:
            rows = InteractionLog(desktop.cc.default_region).recent(session, limit=limit, agent_id=agent)
        return [
            {
                "uniqueid": r.external_ref,
                "customer_id": r.customer_id,
                "caller_number": r.caller_number,
                "queue": r.queue,
                "started_at": r.started_at.isoformat(),
                "duration_s": r.duration_seconds,
                "outcome": r.outcome,
                "disposition": r.disposition,
                "notes": r.notes,
            }
            for r in rows
        ]

    return await asyncio.to_thread(read)
