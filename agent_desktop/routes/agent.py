"""The agent's own work: state, the offered call, the call in progress, wrap-up, softphone settings.

Every route acts on the signed-in agent's own ``agent_id`` (never one from the request).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from acd.errors import AcdError
from acd.model import AgentState
from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.state import DesktopState, desktop_of
from agent_desktop.wire import agent_snapshot_json
from crm_core.interactions import InteractionLog

router = APIRouter(prefix="/api/agent")
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]

PAUSE_REASONS = ("break", "lunch", "training", "meeting", "coaching", "technical")
DEFAULT_DISPOSITIONS: dict[str, tuple[str, ...]] = {
    "resolved": ("information_given", "order_placed", "problem_fixed"),
    "follow_up": ("callback_promised", "ticket_opened", "escalated"),
    "not_resolved": ("customer_hung_up", "wrong_queue", "technical_issue"),
    "sales": ("sold", "quote_sent", "not_interested"),
}


class StateChange(BaseModel):
    state: Literal["available", "paused", "logged_out"]
    reason: str | None = Field(None, max_length=32)


class RecordingChange(BaseModel):
    paused: bool


class Transfer(BaseModel):
    agent_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")


class WrapUp(BaseModel):
    uniqueid: str = Field(min_length=1, max_length=64)
    disposition: str = Field(min_length=1, max_length=32)
    sub_disposition: str | None = Field(None, max_length=32)
    notes: str | None = Field(None, max_length=2000)


def _agent_id(user: CurrentUser) -> str:
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    return user.agent_id


async def _current_state(desktop: DesktopState, agent_id: str) -> AgentState:
    snapshot = await desktop.cc.snapshot()
    mine = next((a for a in snapshot.agents if a.agent_id == agent_id), None)
    return mine.state if mine else AgentState.LOGGED_OUT


@router.get("/state")
async def get_state(user: Agent, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    agent = _agent_id(user)
    hub = desktop.hub
    return await agent_snapshot_json(desktop.cc, agent, hub.reasons.get(agent), hub.offers.get(agent))


@router.post("/state")
async def set_state(body: StateChange, user: Agent, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    cc, agent = desktop.cc, _agent_id(user)
    current = await _current_state(desktop, agent)
    if body.state == "logged_out":
        await cc.agent_logout(agent)
    elif body.state == "paused":
        if body.reason not in PAUSE_REASONS:
            raise ApiError(422, "desktop.bad_pause_reason", user.language)
        if current is AgentState.LOGGED_OUT:
            await cc.agent_login(agent, desktop.agent_skills.get(agent, {}), paused_reason=body.reason)
        else:
            await cc.agent_pause(agent, body.reason)
    elif current is AgentState.LOGGED_OUT:
        await cc.agent_login(agent, desktop.agent_skills.get(agent, {}))
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
        "wrap_up_s": {q.name: q.wrap_up_s for q in desktop.engine.settings.queues},
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
    desktop = desktop_of(request)
    if body.agent_id not in desktop.agent_skills or body.agent_id == user.agent_id:
        raise ApiError(422, "desktop.bad_transfer_target", user.language)
    await desktop.cc.transfer_to_agent(_agent_id(user), body.agent_id)
    return {"ok": True}


@router.post("/call/{action}")
async def phone_action(action: Literal["hold", "unhold", "mute", "unmute", "dtmf"], user: Agent) -> None:
    """Hold, mute and DTMF are done by the softphone against Asterisk; the engine has no such
    command for the simulated phone yet."""
    raise ApiError(501, "desktop.phone_action_unavailable", user.language, {"action": action})


@router.post("/wrap-up")
async def wrap_up(body: WrapUp, user: Agent, request: Request) -> dict[str, bool]:
    """Store the disposition (``code/sub-code``) and notes, then leave wrap-up."""
    desktop = desktop_of(request)
    subs = desktop.dispositions.get(body.disposition)
    if subs is None or (body.sub_disposition is not None and body.sub_disposition not in subs):
        raise ApiError(422, "desktop.bad_disposition", user.language)
    code = body.disposition + (f"/{body.sub_disposition}" if body.sub_disposition else "")
    try:
        await desktop.cc.wrap_up(_agent_id(user), body.uniqueid, code, body.notes or None)
    except AcdError:
        # The disposition is stored; the queue's wrap-up time had already ended by itself.
        return {"ok": True, "left_wrap_up": False}
    return {"ok": True, "left_wrap_up": True}


@router.get("/history")
async def history(user: Agent, request: Request, limit: int = 20) -> list[dict[str, Any]]:
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


@router.get("/softphone")
async def softphone(user: Agent, request: Request) -> dict[str, Any]:
    """How the browser phone connects: simulated in demo mode, SIP over WSS to Asterisk otherwise."""
    desktop = desktop_of(request)
    settings, agent = desktop.engine.settings, _agent_id(user)
    endpoint = settings.dialplan.agent_endpoint_template.format(agent=agent)
    if desktop.engine.simulator_mode:
        return {"mode": "simulator", "endpoint": endpoint}
    host = settings.ami.host
    return {
        "mode": "webrtc",
        "endpoint": endpoint,
        "ws_url": f"wss://{host}:8089/ws",
        "sip_uri": f"sip:{endpoint}@{host}",
    }
