"""Conversation values as the chat API and the visitor's socket send them (JSON-ready dicts).

The visitor's socket speaks its own small protocol (not ``/ws``): the client sends ``auth`` first,
then ``typing`` or ``ping``; the server sends ``welcome``, ``message``, ``typing``, ``status``,
``pong`` and ``error``. Texts stay plain: the pages set them as ``textContent``.
"""

from __future__ import annotations

from typing import Any

from agent_desktop.protocol.plain import plain_object
from callcenter.conversations.api import ConversationView, StoredMessage, WaitInfo
from callcenter.conversations.events import ConversationStatusChanged, ConversationTyping


def message_json(message: StoredMessage) -> dict[str, Any]:
    return plain_object(message)


def conversation_json(view: ConversationView) -> dict[str, Any]:
    return plain_object(view)


def visitor_conversation_json(view: ConversationView) -> dict[str, Any]:
    """What the visitor may see of their conversation (no CRM ids, no ticket, no supervisors)."""
    return {
        "conversation_id": view.conversation_id,
        "status": view.status.value,
        "queue": view.queue,
        "language": view.language,
        "customer_name": view.customer_name,
        "agent_id": view.agent_id,
        "last_seq": view.last_seq,
    }


def wait_json(info: WaitInfo) -> dict[str, Any]:
    return {
        "status": info.status.value,
        "position": info.position,
        "expected_wait_s": info.expected_wait_s,
    }


def visitor_message_text(message: StoredMessage) -> dict[str, Any]:
    return {"type": "message", "message": message_json(message)}


def visitor_typing(event: ConversationTyping) -> dict[str, Any]:
    return {"type": "typing", "sender": event.sender.value, "who": event.who}


def visitor_status(event: ConversationStatusChanged) -> dict[str, Any]:
    return {
        "type": "status",
        "status": event.status.value,
        "agent_id": event.agent_id,
        "position": event.position,
        "expected_wait_s": event.expected_wait_s,
    }
