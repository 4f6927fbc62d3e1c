"""Where the routes find the conversation service the composition root built."""

from __future__ import annotations

from typing import Any, cast

from agent_desktop.errors import ApiError
from agent_desktop.state import desktop_of
from callcenter.conversations.api import ConversationPort


def conversations(holder: Any, language: str = "en") -> ConversationPort:
    """The engine's :class:`ConversationPort` (on the use cases or on the desktop state); 503
    ``chat.unavailable`` when this engine runs without conversations."""
    desktop = desktop_of(holder)
    port = getattr(desktop.services, "conversations", None) or getattr(desktop, "conversations", None)
    if port is None:
        raise ApiError(503, "chat.unavailable", language)
    return cast(ConversationPort, port)
