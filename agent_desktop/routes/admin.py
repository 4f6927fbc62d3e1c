"""Administration: users (role, agent link, language, time zone), agents' routing profiles, queues.

Agents' skills and capacities and the queues live in the database (:mod:`crm_core.routing_store`
states the rule: the settings file only seeds them; stored rows win over it, also after a restart).
Each change is validated, written with its audit entry in one transaction, then applied to the
live router: a queue at once; an agent's profile at once if the agent is idle, else at their next
login. The router cannot drop a queue: a deleted one serves the contacts already in it until restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from acd.errors import AcdError
from agent_desktop.auth.deps import CurrentUser, audit_async, require_role
from agent_desktop.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from agent_desktop.auth.routes import current_user_of
from agent_desktop.errors import ApiError
from agent_desktop.inputs import RowId
from agent_desktop.state import DesktopState, desktop_of
from callcenter.app import queue_config, routing_agent
from callcenter.i18n import translate
from crm_core.audit import AuditLog
from crm_core.errors import CrmError, NotFound
from crm_core.routing_profiles import (
    AgentProfile,
    QueueProfile,
    agent_profile_from,
    check_skills_known,
    queue_profile_from,
)
from crm_core.routing_store import SEEDED_BY, RoutingProfileStore, Stored
from crm_core.users import UserDraft, UserPatch, UserService, UserView

if TYPE_CHECKING:
    from callcenter.app import Engine

router = APIRouter(prefix="/api/admin")
Admin = Annotated[CurrentUser, Depends(require_role("admin"))]
_NAME = r"^[A-Za-z0-9_.-]{1,40}$"
# Ids past what SQLite and PostgreSQL BIGINT hold are refused as input (the database would raise).
T = TypeVar("T")
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


class _Clock:
    def __init__(self, request: Request) -> None:
        self._desktop = desktop_of(request)

    def now(self) -> float:
        return self._desktop.clock()


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
    desktop, users = desktop_of(request), UserService(_Clock(request))

    def read() -> list[UserView]:
        with desktop.db() as session:
            return users.list(session)

    return [_user_json(v) for v in await asyncio.to_thread(read)]


@router.post("/users", status_code=201)
async def create_user(body: NewUser, user: Admin, request: Request) -> dict[str, Any]:
    desktop, users = desktop_of(request), UserService(_Clock(request))
    hashed = await asyncio.to_thread(hash_password, body.password)
    draft = UserDraft(
        body.username, hashed, body.role, body.agent_id, body.display_name, body.language, body.timezone
    )

    def write() -> UserView:
        with desktop.db.begin() as session:
            return users.create(session, draft)

    view = await asyncio.to_thread(write)
    details = {"role": view.role, "agent_id": view.agent_id or ""}
    await audit_async(request, user, "admin.user_create", f"user:{view.username}", details)
    return _user_json(view)


@router.patch("/users/{user_id}")
async def change_user(user_id: RowId, body: UserChange, user: Admin, request: Request) -> dict[str, Any]:
    desktop, users = desktop_of(request), UserService(_Clock(request))
    if user_id == user.id and (body.role not in (None, user.role) or body.active is False):
        raise ApiError(409, "desktop.own_account", user.language)  # the site would lose its admin
    hashed = await asyncio.to_thread(hash_password, body.password) if body.password else None
    fields = body.model_dump(exclude_unset=True, exclude={"password"})
    patch = UserPatch(**fields, password_hash=hashed)

    def write() -> UserView:
        with desktop.db.begin() as session:
            return users.update(session, user_id, patch)

    view = await asyncio.to_thread(write)
    if not view.active or hashed:
        desktop.sessions.revoke_user(view.id)
    else:
        desktop.sessions.update_user(current_user_of(view))
    details = {k: str(v) for k, v in fields.items()} | ({"password": "changed"} if hashed else {})
    await audit_async(request, user, "admin.user_change", f"user:{view.username}", details)
    return _user_json(view)


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


async def _in_transaction(desktop: DesktopState, user: CurrentUser, work: Callable[[Session], T]) -> T:
    """``work`` in one database transaction, off the event loop; a refusal rolls all of it back."""

    def run() -> T:
        with desktop.db.begin() as session:
            return work(session)

    try:
        return await asyncio.to_thread(run)
    except (CrmError, AcdError) as exc:
        raise _refusal(exc, user.language) from exc


def _audit(
    session: Session,
    desktop: DesktopState,
    user: CurrentUser,
    action: str,
    target: str,
    details: dict[str, str],
) -> None:
    AuditLog().record(session, desktop.clock(), user.username, user.role, action, target, details)


def _settings_details(created: bool, skills: Mapping[str, int], **values: object) -> dict[str, str]:
    return (
        {"change": "created" if created else "changed"}
        | {f"skill.{k}": str(v) for k, v in skills.items()}
        | {k: str(v) for k, v in values.items()}
    )


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


@router.get("/agents")
async def list_agents(user: Admin, request: Request) -> list[dict[str, Any]]:
    """Every stored agent profile with the agent's live routing state."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))

    def read() -> list[Stored[AgentProfile]]:
        with desktop.db() as session:
            return store.agents(session)

    stored = await asyncio.to_thread(read)
    states = {a.agent_id: a.state.value for a in (await desktop.cc.snapshot()).agents}
    return [
        _agent_json(s.profile) | _revision_json(s) | {"state": states.get(s.profile.agent_id, "logged_out")}
        for s in stored
    ]


@router.put("/agents/{agent_id}")
async def save_agent(agent_id: str, user: Admin, request: Request) -> dict[str, Any]:
    """Create or change a profile: ``{"skills": {"sales": 3}, "capacity": {"chat": 2}}``. Settings
    left out keep their value (a new agent: no skills, voice 1, chat 3, email 5)."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))
    data = await _json_object(request, user)

    def write(session: Session) -> AgentProfile:
        current = store.agent(session, agent_id)
        profile = agent_profile_from(agent_id, data, current)
        routing_agent(profile)  # the router's own checks, before anything is stored
        check_skills_known(profile, current, (stored.profile for stored in store.queues(session)))
        store.save_agent(session, profile, user.username)
        capacity = {f"capacity.{k}": v for k, v in profile.capacity.items()}
        details = _settings_details(current is None, profile.skills, **capacity)
        _audit(session, desktop, user, "admin.agent_skills", f"agent:{agent_id}", details)
        return profile

    async with desktop.routing_lock:
        profile = await _in_transaction(desktop, user, write)
        desktop.remember_agent(profile)
        desktop.engine.known_skills.update(profile.skills)
        applied = await desktop.apply_agent_profile(agent_id)
    return _agent_json(profile) | {"applied_now": applied}


@router.delete("/agents/{agent_id}")
async def delete_agent(agent_id: str, user: Admin, request: Request) -> dict[str, Any]:
    """Remove the profile (it stays removed after restarts); an idle agent leaves routing now."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))

    def write(session: Session) -> None:
        store.delete_agent(session, agent_id, user.username)
        _audit(session, desktop, user, "admin.agent_delete", f"agent:{agent_id}", {})

    async with desktop.routing_lock:
        await _in_transaction(desktop, user, write)
        desktop.forget_agent(agent_id)
        applied = await desktop.log_out_if_idle(agent_id)
    return {"agent_id": agent_id, "deleted": True, "applied_now": applied}


@router.get("/queues")
async def list_queues(user: Admin, request: Request) -> list[dict[str, Any]]:
    """Every stored queue with the number of contacts waiting in it now."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))

    def read() -> list[Stored[QueueProfile]]:
        with desktop.db() as session:
            return store.queues(session)

    stored = await asyncio.to_thread(read)
    waiting = {q.queue: q.waiting for q in (await desktop.cc.snapshot()).queues}
    return [
        _queue_json(s.profile) | _revision_json(s) | {"waiting": waiting.get(s.profile.name, 0)}
        for s in stored
    ]


@router.put("/queues/{name}")
async def save_queue(name: str, user: Admin, request: Request) -> dict[str, Any]:
    """Create or change a queue (skills, wrap_up_s, offer_timeout_s, max_missed_offers,
    service_level_s); settings left out keep their value. Applied to the router at once."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))
    data = await _json_object(request, user)

    def write(session: Session) -> QueueProfile:
        current = store.queue(session, name)
        profile = queue_profile_from(name, data, current)
        queue_config(profile)  # the router's own checks, before anything is stored
        store.save_queue(session, profile, user.username)
        numbers = {k: v for k, v in _queue_json(profile).items() if k not in ("name", "skills")}
        details = _settings_details(current is None, profile.skills, **numbers)
        _audit(session, desktop, user, "admin.queue", f"queue:{name}", details)
        return profile

    async with desktop.routing_lock:
        profile = await _in_transaction(desktop, user, write)
        await desktop.cc.router.add_queue(queue_config(profile))
        desktop.engine.known_queues.add(profile.name)
        desktop.engine.known_skills.update(profile.skills)
    return _queue_json(profile) | {"applied_now": True}


def _flows_using_queue(engine: Engine, queue: str) -> list[str]:
    """Published IVR flows that send callers to ``queue`` (a queue step or the flow's fallback)."""
    flows = getattr(engine, "flows", None)  # only with settings.ivr.use_flows
    if flows is None:
        return []
    return [
        name
        for name in flows.flow_names()
        if (version := flows.published(name)) is not None
        and _mentions_queue(flows.load(name, version.number).model_dump(), queue)
    ]


def _mentions_queue(value: object, queue: str) -> bool:
    if isinstance(value, dict):
        return any(
            (key in ("queue", "fallback") and item == queue) or _mentions_queue(item, queue)
            for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return any(_mentions_queue(item, queue) for item in value)
    return False


@router.delete("/queues/{name}")
async def delete_queue(name: str, user: Admin, request: Request) -> dict[str, Any]:
    """Remove a queue no published IVR flow uses. The router keeps serving the contacts already in
    it until the engine restarts (it has no way to drop a queue); new IVR flows cannot use it."""
    desktop, store = desktop_of(request), RoutingProfileStore(_Clock(request))
    flows = await asyncio.to_thread(_flows_using_queue, desktop.engine, name)
    if flows:
        raise ApiError(409, "desktop.queue_in_use", user.language, {"queue": name, "flow": ", ".join(flows)})

    def write(session: Session) -> None:
        store.delete_queue(session, name, user.username)
        _audit(session, desktop, user, "admin.queue_delete", f"queue:{name}", {})

    async with desktop.routing_lock:
        await _in_transaction(desktop, user, write)
        desktop.engine.known_queues.discard(name)
    return {"name": name, "deleted": True, "applied_now": False}
