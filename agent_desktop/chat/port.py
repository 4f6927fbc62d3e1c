"""Where the routes find the conversation service the composition root built."""

from __future__ import annotations

from typing import Any

from agent_desktop.state import desktop_of
from callcenter.conversations.api import ConversationPort


def conversations(holder: Any) -> ConversationPort:
    """The engine's :class:`ConversationPort` (on the use cases)."""
    return desktop_of(holder).services.conversations
