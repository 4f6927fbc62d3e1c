"""Who is calling: the signed-in user from the session cookie, role checks, and the audit trail.

A stable interface other routers (the IVR editor) import::

    user: CurrentUser = Depends(require_role("supervisor", "admin"))
    user = await websocket_user(websocket)       # closes with 4401 / 4403 otherwise
    audit(request, user, "supervise.whisper", "agent:1001", {"call": uniqueid})
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, WebSocket, WebSocketException

from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.auth.users import ROLES as ROLES
from agent_desktop.auth.users import CurrentUser as CurrentUser
from agent_desktop.auth.users import Role as Role
from agent_desktop.errors import ApiError, request_language
from agent_desktop.state import desktop_of
from callcenter.services.audit import Actor
from crm_core.audit import AuditLog

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def actor_of(user: CurrentUser) -> Actor:
    """The person a use case acts for."""
    return Actor(user.username, user.role, user.agent_id, user.id)


def own_scope(user: CurrentUser) -> str | None:
    """The agent whose own work (conversations, faxes) this user may see; None for supervisors and
    admins, who see all. An agent account without an agent id owns nothing."""
    if user.role != "agent":
        return None
    return user.agent_id or "-"


def origin_allowed(origin: str | None, host: str | None, allowed: frozenset[str]) -> bool:
    """Same origin as the Host the browser connected to, or explicitly allowed."""
    if not origin:
        return False
    if origin in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc == host


def require_role(*roles: str) -> Callable[..., Awaitable[CurrentUser]]:
    """A FastAPI dependency: the signed-in user, if their role is one of ``roles``.

    401 ``auth.not_signed_in`` without a valid session (also when it expired), 403
    ``auth.forbidden`` for another role, 403 ``auth.bad_origin`` for a cross-site write.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    async def dependency(request: Request) -> CurrentUser:
        desktop = desktop_of(request)
        user = desktop.sessions.get(request.cookies.get(COOKIE_NAME))
        if user is None:
            raise ApiError(401, "auth.not_signed_in", request_language(request))
        if request.method not in _SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin is not None and not origin_allowed(
                origin, request.headers.get("host"), desktop.allowed_origins
            ):
                raise ApiError(403, "auth.bad_origin", user.language)
        if roles and user.role not in roles:
            raise ApiError(403, "auth.forbidden", user.language)
        return user

    return dependency


async def websocket_user(websocket: WebSocket, roles: tuple[str, ...] = ROLES) -> CurrentUser:
    """Authenticate a WebSocket before accepting it: Origin, then the session cookie, then the role.

    Refused sockets are closed with 4403 (wrong Origin or role) or 4401 (no valid session).
    """
    desktop = desktop_of(websocket)
    if not origin_allowed(
        websocket.headers.get("origin"), websocket.headers.get("host"), desktop.allowed_origins
    ):
        raise WebSocketException(4403, "origin not allowed")
    user = desktop.sessions.get(websocket.cookies.get(COOKIE_NAME))
    if user is None:
        raise WebSocketException(4401, "not signed in or session expired")
    if user.role not in roles:
        raise WebSocketException(4403, "role not allowed")
    return user


def audit(
    request_or_app_state: Any, actor: CurrentUser, action: str, target: str, details: Mapping[str, str]
) -> None:
    """Write an audit entry now (a small synchronous insert): who did what to whom, when."""
    desktop = desktop_of(request_or_app_state)
    with desktop.db.begin() as session:
        AuditLog().record(session, desktop.clock(), actor.username, actor.role, action, target, dict(details))


async def audit_async(
    request_or_app_state: Any, actor: CurrentUser, action: str, target: str, details: Mapping[str, str]
) -> None:
    """:func:`audit` off the event loop."""
    desktop = desktop_of(request_or_app_state)
    await asyncio.to_thread(audit, desktop, actor, action, target, details)
