"""Which domain event becomes which ``/ws`` message, and who receives it: the one table.

A message carries the fields its model declares, read from the event by name; a field the event
gains reaches the browser only once the model declares it (a test lists any field left behind).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from acd.events import AgentAutoPaused, AgentStateChanged, FallbackRequired
from agent_desktop.protocol.base import WireMessage
from agent_desktop.protocol.chat_messages import (
    ConversationMessageAddedMessage,
    ConversationOfferedMessage,
    ConversationStatusChangedMessage,
    ConversationTypingMessage,
)
from agent_desktop.protocol.event_messages import (
    AgentAutoPausedMessage,
    AgentStateChangedMessage,
    CallbackChangedMessage,
    CallConnectedMessage,
    CallDialingMessage,
    CallEndedMessage,
    CallHeldMessage,
    CallMutedMessage,
    CallOfferedMessage,
    CallTransferredMessage,
    ConsultEndedMessage,
    ConsultStartedMessage,
    FallbackRequiredMessage,
    RecordingPausedMessage,
    SupervisionChangedMessage,
)
from agent_desktop.protocol.plain import plain, plain_object
from callcenter import events as call_events
from callcenter.conversations import events as chat_events
from crm_core.lookup import KnownCaller, LookupResult


@dataclass(frozen=True, slots=True)
class Route:
    message: type[WireMessage]
    to_agent: bool  # the agent the event names (``agent_id``)
    to_supervisors: bool  # every supervisor's and admin's console


def _agent(message: type[WireMessage]) -> Route:
    return Route(message, to_agent=True, to_supervisors=False)


# Calls and agent states reach supervisors summarized in the wallboard, not one by one.
ROUTES: Final[Mapping[type, Route]] = {
    call_events.CallOffered: _agent(CallOfferedMessage),
    call_events.CallConnected: _agent(CallConnectedMessage),
    call_events.CallEnded: _agent(CallEndedMessage),
    call_events.RecordingPaused: _agent(RecordingPausedMessage),
    call_events.CallHeld: _agent(CallHeldMessage),
    call_events.CallMuted: _agent(CallMutedMessage),
    call_events.CallDialing: _agent(CallDialingMessage),
    call_events.CallTransferred: _agent(CallTransferredMessage),
    call_events.ConsultStarted: _agent(ConsultStartedMessage),
    call_events.ConsultEnded: _agent(ConsultEndedMessage),
    AgentStateChanged: _agent(AgentStateChangedMessage),
    call_events.CallbackChanged: Route(CallbackChangedMessage, to_agent=True, to_supervisors=True),
    call_events.SupervisionChanged: Route(SupervisionChangedMessage, to_agent=False, to_supervisors=True),
    AgentAutoPaused: Route(AgentAutoPausedMessage, to_agent=False, to_supervisors=True),
    FallbackRequired: Route(FallbackRequiredMessage, to_agent=False, to_supervisors=True),
    # Conversations: the agent who has one gets all of it; supervisors get status changes (the live
    # chats list) and read a conversation's messages when they open it.
    chat_events.ConversationOffered: _agent(ConversationOfferedMessage),
    chat_events.ConversationMessageAdded: _agent(ConversationMessageAddedMessage),
    chat_events.ConversationTyping: _agent(ConversationTypingMessage),
    chat_events.ConversationStatusChanged: Route(
        ConversationStatusChangedMessage, to_agent=True, to_supervisors=True
    ),
}


def caller_card(customer: LookupResult | None) -> dict[str, Any] | None:
    """The screen pop's customer, tagged ``KnownCaller`` or ``UnknownCaller`` for the page."""
    if customer is None:
        return None
    tag = "KnownCaller" if isinstance(customer, KnownCaller) else "UnknownCaller"
    return {"type": tag, **plain_object(customer)}


def event_json(event: object) -> dict[str, Any]:
    """The message of a routed event, JSON-ready:
    ``CallHeld("1001", "u1", True, 5.0)`` → ``{"type": "CallHeld", "agent_id": "1001", "uniqueid": "u1",
    "held": true, "at": 5.0}``. Raises ``KeyError`` for an event no page receives."""
    message = ROUTES[type(event)].message
    data: dict[str, Any] = {"type": message.wire_name()}
    for name in message.model_fields:
        if name != "type":
            value = getattr(event, name)
            data[name] = caller_card(value) if name == "customer" else plain(value)
    return data


def event_text(event: object) -> str:
    return json.dumps(event_json(event), ensure_ascii=False)
