"""Sign-in, sign-out, who am I, and the user's own preferences (language, time zone)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import ROLES, CurrentUser, require_role
from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.auth.users import current_user_of, me_json
from agent_desktop.errors import ApiError, request_language
from agent_desktop.state import desktop_of
from callcenter.services.errors import BadCredentials, SignInThrottled
from crm_core.errors import CrmError

router = APIRouter(prefix="/api/auth")
AnyUser = Annotated[CurrentUser, Depends(require_role(*ROLES))]


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Preferences(BaseModel):
    language: str | None = None
    timezone: str | None = None


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login")
async def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    desktop = desktop_of(request)
    language = request_language(request)
    try:
        signed_in = await desktop.services.accounts.sign_in(body.username, body.password, _client_ip(request))
    except SignInThrottled as exc:
        seconds = {"Retry-After": str(exc.seconds)}
        raise ApiError(429, exc.code, language, {"seconds": exc.seconds}, seconds) from exc
    except BadCredentials as exc:
        raise ApiError(401, exc.code, language) from exc
    user = current_user_of(signed_in.user)
    response.set_cookie(
        COOKIE_NAME,
        signed_in.token,
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
    accounts = desktop_of(request).services.accounts
    try:
        view = await accounts.update_preferences(user.id, body.language, body.timezone)
    except CrmError as exc:
        raise ApiError(422, exc.code, user.language, exc.params) from exc
    return me_json(current_user_of(view))
