"""The HTML pages (static shells; data comes from the API and ``/ws``) and the UI catalogue.

A page needs a valid session with the right role, else the browser goes to ``/login``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.errors import request_language
from agent_desktop.state import desktop_of
from callcenter.i18n import SUPPORTED_LANGUAGES, catalogue
from callcenter.webrtc_phones import ws_url as softphone_ws_url

router = APIRouter()
STATIC: Final = Path(__file__).resolve().parent / "static"
_PAGES: Final = {
    "agent": ("agent",),
    "supervisor": ("supervisor", "admin"),
    "admin": ("admin",),
}
_HOME: Final = {"agent": "/agent", "supervisor": "/supervisor", "admin": "/admin"}
_ASSETS: Final = frozenset(
    {"wire.js", "common.js", "agent.js", "agent_wrapup.js", "callbacks.js", "softphone.js", "supervisor.js"}
    | {"admin.js", "login.js", "supervisor_waiting.js", "agent_customers.js", "agent_email.js"}
    | {"agent_chat.js", "supervisor_chats.js"}
    | {"style.css", "favicon.svg"}
    | {"supervisor_channels.js"}
    | {"agent_recordings.js"}
    | {"agent_voicemail.js"}
    | {"agent_fax.js"}
)
# Build outputs of ./run.sh (agent_desktop/softphone/): absent when npm was missing.
_VENDOR: Final = frozenset({"jssip.js"})
_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _page(name: str, connect: str = "") -> FileResponse:
    """``connect``: one more origin the page may open connections to (the browser phone's WebSocket)."""
    headers = dict(_SECURITY_HEADERS)
    if connect:
        policy = headers["Content-Security-Policy"]
        headers["Content-Security-Policy"] = policy.replace(
            "connect-src 'self'", f"connect-src 'self' {connect}"
        )
    return FileResponse(STATIC / f"{name}.html", headers=headers)


def _softphone_origin(request: Request) -> str:
    """The origin of Asterisk's SIP WebSocket, which the agent page's (and the supervisor console's)
    browser phone opens."""
    desktop = desktop_of(request)
    if desktop.simulator_mode:
        return ""
    parts = urlsplit(softphone_ws_url(desktop.settings))
    return f"{parts.scheme}://{parts.netloc}"


@router.get("/login", response_model=None)
async def login_page() -> Response:
    return _page("login")


@router.get("/home", response_model=None)
async def home(request: Request) -> Response:
    user = desktop_of(request).sessions.get(request.cookies.get(COOKIE_NAME))
    return RedirectResponse(_HOME[user.role] if user else "/login", 303)


@router.get("/favicon.ico", response_model=None)
async def favicon() -> Response:
    """Browsers ask for it on every page; the pages name the SVG, this answers the others."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


@router.get("/{page}", response_model=None)
async def app_page(page: str, request: Request) -> Response:
    roles = _PAGES.get(page)
    if roles is None:
        return JSONResponse({"code": "desktop.not_found", "message": "not found"}, 404)
    user = desktop_of(request).sessions.get(request.cookies.get(COOKIE_NAME))
    if user is None or user.role not in roles:
        return RedirectResponse("/login", 303)
    return _page(page, _softphone_origin(request) if page in ("agent", "supervisor") else "")


@router.get("/static/vendor/{name}", response_model=None)
async def vendor_asset(name: str) -> Response:
    if name not in _VENDOR or not (STATIC / "vendor" / name).is_file():
        return JSONResponse({"code": "desktop.not_found", "message": "not found"}, 404)
    return FileResponse(STATIC / "vendor" / name, headers={"X-Content-Type-Options": "nosniff"})


@router.get("/static/{name}", response_model=None)
async def asset(name: str) -> Response:
    if name not in _ASSETS:
        return JSONResponse({"code": "desktop.not_found", "message": "not found"}, 404)
    return FileResponse(STATIC / name, headers={"X-Content-Type-Options": "nosniff"})


@router.get("/api/i18n", response_model=None)
async def ui_catalogue(request: Request, lang: str | None = None) -> Response:
    """The UI texts (``ui.*``) in one language, for the pages' script, with the conversations' system
    lines (``conversation.system.*``: the agent's conversation pane shows them translated)."""
    language = lang if lang in SUPPORTED_LANGUAGES else request_language(request)
    texts = catalogue(language, "ui.") | catalogue(language, "conversation.system.")
    return JSONResponse({"language": language, "texts": texts})
