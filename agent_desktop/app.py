"""The web app: status page, sign-in, agent desktop, supervisor console, admin, and ``/ws``.

``create_desktop_app(engine)`` builds it around a started :class:`callcenter.app.Engine`; the app's
lifespan (or :func:`close_desktop`) stops the WebSocket hub.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

from fastapi import FastAPI, WebSocketException
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_desktop import pages, ws
from agent_desktop.auth import routes as auth_routes
from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.session_journal import SessionJournal
from agent_desktop.auth.sessions import SessionStore
from agent_desktop.errors import (
    DOMAIN_ERRORS,
    ApiError,
    api_error_handler,
    domain_error_handler,
    http_error_handler,
    invalid_request_handler,
    websocket_refusal_handler,
)
from agent_desktop.hub import Hub
from agent_desktop.ivr_editor import EditorContext
from agent_desktop.ivr_editor import make_router as make_ivr_editor_router
from agent_desktop.openapi import install_openapi
from agent_desktop.routes import admin, agent, callbacks, crm, softphone, supervisor, wrap_up
from agent_desktop.routes.agent import DEFAULT_DISPOSITIONS
from agent_desktop.state import DesktopState, desktop_of

if TYPE_CHECKING:
    from callcenter.app import Engine


def create_desktop_app(
    engine: Engine,
    *,
    clock: Callable[[], float] = time.time,
    idle_timeout_s: float = 30 * 60,
    absolute_timeout_s: float = 12 * 3600,
    allowed_origins: frozenset[str] = frozenset(),
    cookie_secure: bool = False,
    login_limits: tuple[int, int, float] = (5, 20, 300.0),
    wallboard_interval_s: float = 0.25,
) -> FastAPI:
    from agent_desktop.server import add_status_routes

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await close_desktop(app)

    app = FastAPI(title="callcenter", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    journal = SessionJournal(engine.contact_center.sessions)
    sessions = SessionStore(clock, idle_timeout_s, absolute_timeout_s, listener=journal.record)
    journal.restore(sessions)
    per_user, per_ip, window = login_limits
    app.state.desktop = DesktopState(
        engine=engine,
        sessions=sessions,
        limiter=LoginRateLimiter(clock, per_user, per_ip, window),
        clock=clock,
        hub=Hub(engine.contact_center, wallboard_interval_s),
        session_journal=journal,
        allowed_origins=allowed_origins,
        cookie_secure=cookie_secure,
        dispositions=dict(DEFAULT_DISPOSITIONS),
        agent_skills={a.agent_id: dict(a.skills) for a in engine.settings.agents},
    )
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, invalid_request_handler)
    app.add_exception_handler(WebSocketException, websocket_refusal_handler)
    for error in DOMAIN_ERRORS:
        app.add_exception_handler(error, domain_error_handler)
    add_status_routes(app, engine)
    for router in (
        auth_routes.router,
        agent.router,
        wrap_up.router,
        softphone.router,
        callbacks.router,
        crm.router,
        supervisor.router,
        admin.router,
    ):
        app.include_router(router)
    app.include_router(ws.router)
    flows = getattr(engine, "flows", None)  # the versioned flow repository (settings.ivr.use_flows)
    if flows is not None:
        default_queue = engine.settings.queues[0].name if engine.settings.queues else "general"
        app.include_router(
            make_ivr_editor_router(flows, EditorContext(default_queue=default_queue, crm=engine.flow_crm))
        )
    install_openapi(app)  # /api/openapi.json and /api/docs (FastAPI's own stay off)
    app.include_router(pages.router)
    if cookie_secure:
        app.add_middleware(StrictTransportSecurity)
    return app


class StrictTransportSecurity:
    """Adds ``Strict-Transport-Security`` to every HTTP answer (the app is served over HTTPS)."""

    HEADER: Final = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.HEADER]
            await send(message)

        await self.app(scope, receive, send_with_header)


async def close_desktop(app: FastAPI) -> None:
    desktop = desktop_of(app.state)
    await desktop.hub.stop()
    await desktop.session_journal.close()
