"""The visitors' pages: ``/chat`` (a standalone chat page) and ``/chat/widget.js`` (one ``<script>``
tag on any site opens a chat button and panel), with the widget's style sheet. Everything is served
from here (no CDN); the widget finds this server from its own ``src``."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from agent_desktop.chat.responses import page
from agent_desktop.pages import STATIC

router = APIRouter()

_PAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# Loaded by other sites: no referrer policy of theirs matters, only that nothing sniffs them.
_ASSET_HEADERS: Final = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"}


@router.get("/chat", response_model=None, responses=page("text/html", "The standalone chat page."))
async def chat_page() -> Response:
    return FileResponse(STATIC / "chat.html", headers=_PAGE_HEADERS)


@router.get("/chat/widget.js", response_model=None, responses=page("text/javascript", "The widget."))
async def widget_script() -> Response:
    return FileResponse(STATIC / "chat_widget.js", media_type="text/javascript", headers=_ASSET_HEADERS)


@router.get("/chat/widget.css", response_model=None, responses=page("text/css", "The widget's style."))
async def widget_style() -> Response:
    return FileResponse(STATIC / "chat_widget.css", media_type="text/css", headers=_ASSET_HEADERS)
