"""Administration: users (role, agent link, language, time zone), agents' routing profiles, queues.

The rules live in :mod:`callcenter.services.routing_admin` and :mod:`callcenter.services.accounts`;
these routes parse, authorize (admins only), call one use case and translate its refusal.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from acd.errors import AcdError
from agent_desktop.auth.deps import CurrentUser, actor_of, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import RowId
from agent_desktop.state import desktop_of
from callcenter.i18n import translate
from callcenter.services.accounts import NewUser as NewAccount
from callcenter.services.routing_admin import AgentRow, QueueRow
from crm_core.errors import CrmError, NotFound
from crm_core.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from crm_core.routing_profiles import AgentProfile, QueueProfile
from crm_core.routing_store import SEEDED_BY, Stored
from crm_core.users import UserView

router = APIRouter(prefix="/api/admin")
Admin = Annotated[CurrentUser, Depends(require_role("admin"))]
_NAME = r"^[A-Za-z0-9_.-]{1,40}$"
# Error params naming a field or a channel are shown with the admin page's own labels.
_LABELS = {
    "agent_id": "ui.agent_id",
    "queue": "ui.queue",
    "skill": "ui.skill",
    "wrap_up_s": "ui.wrap_up_s",
    "offer_timeout_s": "ui.offer_timeout_s",
    "max_missed_offers": "ui.max_missed_offers",
    "service_level_s": "ui.service_level_s",
    "voice": "ui.channel.voice",
    "chat": "ui.channel.chat",
    "email": "ui.channel.email",
}


class NewUser(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9_.@-]{2,64}$")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Literal["agent", "supervisor", "admin"]
    agent_id: str | None = Field(None, pattern=_NAME)
    display_name: str = Field("", max_length=200)
    language: Literal["en", "zh_CN"] = "en"
    timezone: str = Field("UTC", max_length=64)


class UserChange(BaseModel):
    role: Literal["agent", "supervisor", "admin"] | None = None
    agent_id: str | None = Field(None, pattern=_NAME)
    clear_agent: bool = False
    display_name: str | None = Field(None, max_length=200)
    language: Literal["en", "zh_CN"] | None = None
    timezone: str | None = Field(None, max_length=64)
    active: bool | None = None
    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


def _user_json(view: UserView) -> dict[str, Any]:
    return dataclasses.asdict(view)


@router.get("/users")
async def list_users(user: Admin, request: Request) -> list[dict[str, Any]]:
    return [_user_json(v) for v in await desktop_of(request).services.accounts.list_users()]


@router.post("/users", status_code=201)
async def create_user(body: NewUser, user: Admin, request: Request) -> dict[str, Any]:
    new = NewAccount(**body.model_dump())
    return _user_json(await desktop_of(request).services.accounts.create_user(actor_of(user), new))


@router.patch("/users/{user_id}")
async def change_user(user_id: RowId, body: UserChange, user: Admin, request: Request) -> dict[str, Any]:
    fields = body.model_dump(exclude_unset=True, exclude={"password"})
    accounts = desktop_of(request).services.accounts
    return _user_json(await accounts.change_user(actor_of(user), user_id, fields, body.password))


# ---- agents' routing profiles and queues ---------------------------------------------------


def _refusal(exc: CrmError | AcdError, language: str) -> ApiError:
    params = {
        k: translate(_LABELS[str(v)], language) if k in ("field", "channel") and str(v) in _LABELS else v
        for k, v in exc.params.items()
    }
    return ApiError(404 if isinstance(exc, NotFound) else 422, exc.code, language, params)


async def _json_object(request: Request, user: CurrentUser) -> dict[str, object]:
    """The body as a JSON object; its fields are checked by crm_core.routing_profiles."""
    try:
        data = json.loads(await request.body())
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(422, "desktop.bad_json", user.language)
    return data


def _agent_json(profile: AgentProfile) -> dict[str, Any]:
    return {"agent_id": profile.agent_id, "skills": dict(profile.skills), "capacity": dict(profile.capacity)}


def _queue_json(profile: QueueProfile) -> dict[str, Any]:
    return dataclasses.asdict(profile) | {"skills": dict(profile.skills)}


def _revision_json(stored: Stored[Any]) -> dict[str, Any]:
    return {
        "updated_by": stored.updated_by,
        "seeded": stored.updated_by == SEEDED_BY,
        "updated_at": stored.updated_at.isoformat(),
    }


def _agent_row_json(row: AgentRow) -> dict[str, Any]:
    return _agent_json(row.stored.profile) | _revision_json(row.stored) | {"state": row.state}


def _queue_row_json(row: QueueRow) -> dict[str, Any]:
    return _queue_json(row.stored.profile) | _revision_json(row.stored) | {"waiting": row.waiting}


@router.get("/agents")
async def list_agents(user: Admin, request: Request) -> list[dict[str, Any]]:
    """Every stored agent profile with the agent's live routing state."""
    return [_agent_row_json(row) for row in await desktop_of(request).services.routing.list_agents()]


@router.put("/agents/{agent_id}")
async def save_agent(agent_id: str, user: Admin, request: Request) -> dict[str, Any]:
    """Create or change a profile: ``{"skills": {"sales": 3}, "capacity": {"chat": 2}}``. Settings
    left out keep their value (a new agent: no skills, voice 1, chat 3, email 5)."""
    data = await _json_object(request, user)
    try:
        profile, applied = await desktop_of(request).services.routing.save_agent(
            actor_of(user), agent_id, data
        )
    except (CrmError, AcdError) as exc:
        raise _refusal(exc, user.language) from exc
    return _agent_json(profile) | {"applied_now": applied}


@router.delete("/agents/{agent_id}")
async def delete_agent(agent_id: str, user: Admin, request: Request) -> dict[str, Any]:
    """Remove the profile (it stays removed after restarts); an idle agent leaves routing now."""
    try:
        applied = await desktop_of(request).services.routing.delete_agent(actor_of(user), agent_id)
    except (CrmError, AcdError) as exc:
        raise _refusal(exc, user.language) from exc
    return {"agent_id": agent_id, "deleted": True, "applied_now": applied}


@router.get("/queues")
async def list_queues(user: Admin, request: Request) -> list[dict[str, Any]]:
    """Every stored queue with the number of contacts waiting in it now."""
    return [_queue_row_json(row) for row in await desktop_of(request).services.routing.list_queues()]


@router.put("/queues/{name}")
async def save_queue(name: str, user: Admin, request: Request) -> dict[str, Any]:
    """Create or change a queue (skills, wrap_up_s, offer_timeout_s, max_missed_offers,
    service_level_s); settings left out keep their value. Applied to the router at once."""
    data = await _json_object(request, user)
    try:
        profile = await desktop_of(request).services.routing.save_queue(actor_of(user), name, data)
    except (CrmError, AcdError) as exc:
        raise _refusal(exc, user.language) from exc
    return _queue_json(profile) | {"applied_now": True}


@router.delete("/queues/{name}")
async def delete_queue(name: str, user: Admin, request: Request) -> dict[str, Any]:
    """Remove a queue no published IVR flow uses. The router keeps serving the contacts already in
    it until the engine restarts (it has no way to drop a queue); new IVR flows cannot use it."""
    try:
        await desktop_of(request).services.routing.delete_queue(actor_of(user), name)
    except (CrmError, AcdError) as exc:
        raise _refusal(exc, user.language) from exc
    return {"name": name, "deleted": True, "applied_now": False}
