"""Administration: users (role, agent link, language, time zone), agents' skills and queues.

Queue and skill changes go straight to the router (in memory: they last until the engine restarts;
the settings file stays the source at start-up). Every change is audited.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from acd.model import AgentState, QueueConfig, SkillRequirement
from agent_desktop.auth.deps import CurrentUser, audit_async, require_role
from agent_desktop.auth.passwords import hash_password
from agent_desktop.auth.routes import current_user_of
from agent_desktop.state import desktop_of
from crm_core.users import UserDraft, UserPatch, UserService, UserView

router = APIRouter(prefix="/api/admin")
Admin = Annotated[CurrentUser, Depends(require_role("admin"))]
_NAME = r"^[A-Za-z0-9_.-]{1,40}$"
Skills = dict[Annotated[str, Field(pattern=_NAME)], Annotated[int, Field(ge=1, le=5)]]


class _Clock:
    def __init__(self, request: Request) -> None:
        self._desktop = desktop_of(request)

    def now(self) -> float:
        return self._desktop.clock()


class NewUser(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9_.@-]{2,64}$")
    password: str = Field(min_length=10, max_length=256)
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
    password: str | None = Field(None, min_length=10, max_length=256)


class AgentSkills(BaseModel):
    skills: Skills


class QueueChange(BaseModel):
    skills: Skills = Field(default_factory=dict)
    wrap_up_s: float = Field(5.0, ge=0, le=3600)
    offer_timeout_s: float = Field(30.0, gt=0, le=600)
    max_missed_offers: int = Field(3, ge=0, le=100)
    service_level_s: float = Field(20.0, gt=0, le=3600)


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
async def change_user(user_id: int, body: UserChange, user: Admin, request: Request) -> dict[str, Any]:
    desktop, users = desktop_of(request), UserService(_Clock(request))
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


@router.get("/agents")
async def list_agents(user: Admin, request: Request) -> dict[str, dict[str, int]]:
    return desktop_of(request).agent_skills


@router.put("/agents/{agent_id}")
async def set_agent_skills(
    agent_id: Annotated[str, Path(pattern=_NAME)], body: AgentSkills, user: Admin, request: Request
) -> dict[str, Any]:
    """Skills (levels 1-5); a logged-in agent is logged in again at once with the new ones."""
    desktop = desktop_of(request)
    desktop.agent_skills[agent_id] = dict(body.skills)
    snapshot = await desktop.cc.snapshot()
    state = next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)
    if state in (AgentState.AVAILABLE, AgentState.PAUSED):
        # The router takes new skills at login: sign the idle agent out and in again at once.
        reason = desktop.hub.reasons.get(agent_id) if state is AgentState.PAUSED else None
        await desktop.cc.agent_logout(agent_id)
        await desktop.cc.agent_login(agent_id, dict(body.skills), paused_reason=reason)
    details = {f"skill.{k}": str(v) for k, v in body.skills.items()}
    await audit_async(request, user, "admin.agent_skills", f"agent:{agent_id}", details)
    applied = state in (AgentState.AVAILABLE, AgentState.PAUSED)
    return {"agent_id": agent_id, "skills": body.skills, "applied_now": applied}


@router.get("/queues")
async def list_queues(user: Admin, request: Request) -> list[dict[str, Any]]:
    snapshot = await desktop_of(request).cc.snapshot()
    return [{"name": q.queue, "waiting": q.waiting} for q in snapshot.queues]


@router.put("/queues/{name}")
async def set_queue(
    name: Annotated[str, Path(pattern=_NAME)], body: QueueChange, user: Admin, request: Request
) -> dict[str, Any]:
    queue = QueueConfig(
        name=name,
        skills=tuple(SkillRequirement(s, level) for s, level in body.skills.items()),
        wrap_up_seconds=body.wrap_up_s,
        offer_timeout_seconds=body.offer_timeout_s,
        max_missed_offers=body.max_missed_offers,
        service_level_seconds=body.service_level_s,
    )
    await desktop_of(request).cc.router.add_queue(queue)
    details = {k: str(v) for k, v in body.model_dump().items()}
    await audit_async(request, user, "admin.queue", f"queue:{name}", details)
    return {"name": name, **body.model_dump()}
