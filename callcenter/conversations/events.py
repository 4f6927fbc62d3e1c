"""Facts about conversations the engine publishes on the bus (the web adapter maps them to
``/ws`` messages; the visitor's socket gets those of its own conversation)."""

from __future__ import annotations

import dataclasses

from acd.model import Channel
from callcenter.conversations.api import ConversationStatus, Sender, StoredMessage
from crm_core.lookup import LookupResult


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationOffered:
    """An agent is offered a chat or an e-mail: the same screen pop as a call."""

    agent_id: str
    offer_id: str
    conversation_id: str
    channel: Channel
    queue: str
    customer_name: str
    subject: str
    waited_s: float
    customer: LookupResult | None
    decision_rules: tuple[str, ...]
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationMessageAdded:
    """A stored message; ``agent_id`` and ``supervisors`` are who should see it besides the customer."""

    message: StoredMessage
    channel: Channel
    agent_id: str | None
    supervisors: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationTyping:
    conversation_id: str
    sender: Sender
    who: str
    agent_id: str | None
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationStatusChanged:
    """Status, owner or place changed (waiting position updates are sent at most every 2 s)."""

    conversation_id: str
    channel: Channel
    status: ConversationStatus
    queue: str
    agent_id: str | None
    previous_agent_id: str | None
    position: int | None
    expected_wait_s: float | None
    at: float
