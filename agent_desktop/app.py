"""The web app: status page, sign-in, agent desktop, supervisor console, admin, and ``/ws``.

``create_desktop_app(desktop)`` builds it around the shared state (use cases, session store, limiter,
hub) that :mod:`callcenter.composition` built; the app's lifespan (or :func:`close_desktop`) stops
the WebSocket hub and the session journal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from fastapi import FastAPI, WebSocketException
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_desktop import pages, ws
from agent_desktop.auth import routes as auth_routes
from agent_desktop.chat.cors import ChatCors
from agent_desktop.chat.relay import ChatRelay
from agent_desktop.errors import (
    DOMAIN_ERRORS,
    ApiError,
    api_error_handler,
    domain_error_handler,
    http_error_handler,
    invalid_request_handler,
    websocket_refusal_handler,
)
from agent_desktop.ivr_editor import EditorContext
from agent_desktop.ivr_editor import make_router as make_ivr_editor_router
from agent_desktop.openapi import install_openapi
from agent_desktop.routes import (
    admin,
    agent,
    callbacks,
    chat_agent,
    chat_pages,
    chat_supervisor,
    chat_visitor,
    crm,
    email,
    fax,
    recordings,
    softphone,
    supervisor,
    voicemail,
    wrap_up,
)
from agent_desktop.server import add_status_routes
from agent_desktop.state import DesktopState, desktop_of
from ivr_flows.store import FileFlowRepository

FlowEditor = tuple[FileFlowRepository, EditorContext]


def create_desktop_app(desktop: DesktopState, flow_editor: FlowEditor | None = None) -> FastAPI:
    """The app around collaborators the composition root built (``flow_editor``: the versioned IVR
    flows and the editor's context, with ``ivr.use_flows``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await close_desktop(app)

    app = FastAPI(title="callcenter", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.desktop = desktop
    app.state.chat_relay = ChatRelay(desktop.cc.bus)
    app.state.chat_relay.start()
    _add_error_handlers(app)
    add_status_routes(app, desktop.services.status, public=desktop.simulator_mode)
    for router in (
        auth_routes.router,
        agent.router,
        wrap_up.router,
        softphone.router,
        callbacks.router,
        crm.router,
        supervisor.router,
        admin.router,
        email.router,
        recordings.router,
        voicemail.router,
        fax.router,
        ws.router,
        chat_visitor.router,
        chat_agent.router,
        chat_supervisor.router,
        chat_pages.router,
    ):
        app.include_router(router)
    if flow_editor is not None:
        app.include_router(make_ivr_editor_router(*flow_editor))
    install_openapi(app)  # /api/openapi.json and /api/docs (FastAPI's own stay off)
    app.include_router(pages.router)
    app.add_middleware(ChatCors)
    if desktop.cookie_secure:
        app.add_middleware(StrictTransportSecurity)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, invalid_request_handler)
    app.add_exception_handler(WebSocketException, websocket_refusal_handler)
    for error in DOMAIN_ERRORS:
        app.add_exception_handler(error, domain_error_handler)


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
    app.state.chat_relay.stop()
    await desktop.hub.stop()
    await desktop.session_journal.close()
