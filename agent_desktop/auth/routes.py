"""Sign-in, sign-out, who am I, and the user's own preferences (language, time zone)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import ROLES, CurrentUser, Role, require_role
from agent_desktop.auth.passwords import verify_password
from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.errors import ApiError, request_language
from agent_desktop.state import DesktopState, desktop_of
from crm_core.errors import CrmError
from crm_core.users import UserPatch, UserService, UserView

router = APIRouter(prefix="/api/auth")
AnyUser = Annotated[CurrentUser, Depends(require_role(*ROLES))]


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Preferences(BaseModel):
    language: str | None = None
    timezone: str | None = None


class _Clock:
    def __init__(self, desktop: DesktopState) -> None:
        self._desktop = desktop

    def now(self) -> float:
        return self._desktop.clock()


def current_user_of(view: UserView) -> CurrentUser:
    return CurrentUser(
        view.id, view.username, cast(Role, view.role), view.agent_id, view.language, view.timezone
    )


def me_json(user: CurrentUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "agent_id": user.agent_id,
        "language": user.language,
        "timezone": user.timezone,
    }


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login")
async def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    desktop = desktop_of(request)
    language = request_language(request)
    ip = _client_ip(request)
    wait = desktop.limiter.retry_after(body.username, ip)
    if wait > 0:
        seconds = max(1, round(wait))
        raise ApiError(
            429, "auth.rate_limited", language, {"seconds": seconds}, {"Retry-After": str(seconds)}
        )
    users = UserService(_Clock(desktop))

    def lookup() -> tuple[UserView, str] | None:
        with desktop.db() as session:
            return users.credentials(session, body.username)

    found = await asyncio.to_thread(lookup)
    ok = await asyncio.to_thread(verify_password, found[1] if found else None, body.password)
    if not ok or found is None or not found[0].active:
        desktop.limiter.failed(body.username, ip)
        raise ApiError(401, "auth.bad_credentials", language)
    desktop.limiter.succeeded(body.username, ip)
    user = current_user_of(found[0])
    token = desktop.sessions.create(user)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(desktop.sessions.absolute_s),
        httponly=True,
        samesite="strict",
        secure=desktop.cookie_secure,
        path="/",
    )
    response.set_cookie("lang", user.language, samesite="strict", secure=desktop.cookie_secure, path="/")
    return me_json(user)


@router.post("/logout")
async def logout(request: Request, response: Response) -> dict[str, bool]:
    desktop_of(request).sessions.delete(request.cookies.get(COOKIE_NAME))
    response.delete_cookie(COOKIE_NAME, path="/")
    return {"ok": True}


@router.get("/me")
async def me(user: AnyUser) -> dict[str, Any]:
    return me_json(user)


@router.patch("/me")
async def update_preferences(body: Preferences, user: AnyUser, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    users = UserService(_Clock(desktop))

    def save() -> UserView:
        with desktop.db.begin() as session:
            return users.update(session, user.id, UserPatch(language=body.language, timezone=body.timezone))

    try:
        view = await asyncio.to_thread(save)
    except CrmError as exc:
        raise ApiError(422, exc.code, user.language, exc.params) from exc
    updated = current_user_of(view)
    desktop.sessions.update_user(updated)
    return me_json(updated)
