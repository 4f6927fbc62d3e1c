"""Cross-origin access to the visitors' chat API for the sites that embed the widget.

Only ``/api/chat/…`` answers other origins, and only those in ``chat.allowed_origins`` (plus the
app's own). No cookies cross: the visitor API is authenticated by the visitor key header, so
``Access-Control-Allow-Credentials`` is never sent. Everything else of the app stays same-origin.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_desktop.state import desktop_of

PREFIX: Final = "/api/chat/"
_ALLOW_HEADERS: Final = b"content-type, x-chat-key, x-chat-lang"


def chat_origins(holder: Any) -> frozenset[str]:
    desktop = desktop_of(holder)
    return frozenset(desktop.settings.chat.allowed_origins) | desktop.allowed_origins


def chat_origin_allowed(holder: Any, origin: str | None) -> bool:
    """No Origin (not a browser), the app's own host, or a site of ``chat.allowed_origins``."""
    if not origin:
        return True
    host = getattr(holder, "headers", {}).get("host")
    return origin in chat_origins(holder) or (bool(host) and urlsplit(origin).netloc == host)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class ChatCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or not str(scope.get("path", "")).startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        allowed = origin in chat_origins(scope["app"].state)
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            await _preflight(send, origin if allowed else None)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and allowed:
                headers = [*message.get("headers", [])]
                headers += [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(send: Send, origin: str | None) -> None:
    headers = [(b"vary", b"Origin"), (b"content-length", b"0")]
    if origin is not None:
        headers += [
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-allow-methods", b"GET, POST"),
            (b"access-control-allow-headers", _ALLOW_HEADERS),
            (b"access-control-max-age", b"600"),
        ]
    await send({"type": "http.response.start", "status": 204 if origin else 403, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
