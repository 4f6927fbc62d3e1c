"""What the chat routes answer besides success, for the API schema (the shared ``{code, message}``
body); :mod:`agent_desktop.openapi` adds 401/403 for signed-in routes and 422 for input."""

from __future__ import annotations

from typing import Any, Final

from agent_desktop.openapi_routes import error_response

_STATE: Final = error_response("Not in this conversation's state: ended, offer gone… (the code says).")
_UNKNOWN: Final = error_response("No such conversation or file (conversation.not_found, …).")
_LIMIT: Final = error_response("Too many messages or chats: wait (conversation.rate_limited, …).")
_FILE: Final[dict[int | str, dict[str, Any]]] = {
    413: error_response("The file is larger than chat.max_attachment_bytes (chat.attachment_too_large)."),
    415: error_response("A kind of file that cannot be sent (conversation.attachment_type, …)."),
}
_UNAVAILABLE: Final = error_response("Not available now (conversation.transcript_unavailable, …).")

VISITOR: Final[dict[int | str, dict[str, Any]]] = {
    401: error_response("No visitor key in X-Chat-Key (chat.key_required)."),
    403: error_response("The key does not open this conversation, or there is none (chat.not_your_chat)."),
    404: _UNKNOWN,
    409: _STATE,
    429: _LIMIT,
    503: _UNAVAILABLE,
    **_FILE,
}
AGENT: Final[dict[int | str, dict[str, Any]]] = {
    403: error_response(
        "Not this agent's conversation or offer (chat.not_your_chat, conversation.not_yours)."
    ),
    404: _UNKNOWN,
    409: _STATE,
    503: _UNAVAILABLE,
    **_FILE,
}
SUPERVISOR: Final[dict[int | str, dict[str, Any]]] = {404: _UNKNOWN, 409: _STATE}


def page(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}}
