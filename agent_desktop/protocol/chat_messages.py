"""Conversation events (web chat and e-mail) as the agents' and supervisors' ``/ws`` carries them.

Wire names of protocol 1, added compatibly: ``ConversationOffered`` is the chat counterpart of
``CallOffered`` (the same customer card), the others carry one conversation's messages, typing and
status. :mod:`agent_desktop.protocol.routing` says who gets which.
"""

from __future__ import annotations

from typing import Literal

from agent_desktop.protocol.base import Shape, WireMessage
from agent_desktop.protocol.event_messages import CallerCard

ChannelName = Literal["voice", "chat", "email", "fax", "voicemail", "callback"]
SenderName = Literal["customer", "agent", "supervisor", "system"]
StatusName = Literal["waiting", "offered", "active", "wrap_up", "ended", "left_message"]


class AttachmentShape(Shape):
    attachment_id: str
    filename: str
    content_type: str
    size: int


class ChatMessageShape(Shape):
    """One stored message: ``seq`` numbers a conversation's messages 1, 2, 3… with no gap."""

    conversation_id: str
    seq: int
    message_id: str
    client_id: str | None
    sender: SenderName
    author: str
    text: str  # plain text: the pages set it as textContent, never as HTML
    attachments: list[AttachmentShape]
    at: float


class ConversationOfferedMessage(WireMessage):
    type: Literal["ConversationOffered"] = "ConversationOffered"
    agent_id: str
    offer_id: str
    conversation_id: str
    channel: ChannelName
    queue: str
    customer_name: str
    subject: str
    waited_s: float
    customer: CallerCard | None
    decision_rules: list[str]
    at: float


class ConversationMessageAddedMessage(WireMessage):
    type: Literal["ConversationMessageAdded"] = "ConversationMessageAdded"
    message: ChatMessageShape
    channel: ChannelName
    agent_id: str | None
    supervisors: list[str]


class ConversationTypingMessage(WireMessage):
    type: Literal["ConversationTyping"] = "ConversationTyping"
    conversation_id: str
    sender: SenderName
    who: str
    agent_id: str | None
    at: float


class ConversationStatusChangedMessage(WireMessage):
    type: Literal["ConversationStatusChanged"] = "ConversationStatusChanged"
    conversation_id: str
    channel: ChannelName
    status: StatusName
    queue: str
    agent_id: str | None
    previous_agent_id: str | None
    position: int | None
    expected_wait_s: float | None
    at: float
