"""The conversation seam: what the web chat and the e-mail channel ask of the engine.

One :class:`ConversationPort` serves both channels. A conversation is one ACD work item
(``Channel.CHAT`` or ``Channel.EMAIL``) with an ordered list of messages; ``seq`` numbers the
messages of one conversation 1, 2, 3… with no gap, so a reconnecting client asks for what came
after the last ``seq`` it saw and gets it exactly once, in order. ``client_id`` is the sender's own
id for a message: posting the same ``client_id`` twice stores it once (a retry after a network drop).
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Protocol

from acd.model import Channel
from callcenter.conversations.voicemail_types import IncomingVoicemail


class ConversationStatus(StrEnum):
    WAITING = "waiting"  # queued in the ACD
    OFFERED = "offered"  # offered to an agent, not accepted yet
    ACTIVE = "active"  # an agent has it
    WRAP_UP = "wrap_up"  # ended; the agent is writing the wrap-up
    ENDED = "ended"
    LEFT_MESSAGE = "left_message"  # nobody could take it (no agent signed in, out of hours): a ticket


class Sender(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"  # texts are codes the clients translate (``conversation.system.*``)


@dataclasses.dataclass(frozen=True, slots=True)
class AttachmentRef:
    attachment_id: str
    filename: str
    content_type: str
    size: int


@dataclasses.dataclass(frozen=True, slots=True)
class StoredMessage:
    conversation_id: str
    seq: int
    message_id: str
    client_id: str | None
    sender: Sender
    author: str  # agent or supervisor id, the customer's display name, or "system"
    text: str  # plain text, never interpreted as HTML by anyone
    attachments: tuple[AttachmentRef, ...]
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class ChatRequest:
    """A visitor starting a chat: the pre-chat form, or a signed customer token from the site."""

    name: str
    topic: str  # maps to a queue and skills (``chat.topics``)
    language: str  # "en" | "zh_CN"
    address: str  # the visitor's IP address (limits per address)
    phone: str | None = None
    email: str | None = None
    customer_token: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class IncomingEmail:
    """A parsed mail the e-mail channel hands over (already stored raw by the channel)."""

    mailbox: str
    from_address: str
    from_name: str
    subject: str
    text: str  # plain text (the channel keeps the sanitized HTML itself)
    message_id: str
    language: str
    queue: str
    skills: tuple[tuple[str, int], ...] = ()
    attachments: tuple[AttachmentRef, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ConversationView:
    conversation_id: str
    channel: Channel
    status: ConversationStatus
    queue: str
    language: str
    customer_id: int | None
    customer_name: str
    customer_address: str | None  # e-mail address or phone given, when known
    subject: str
    agent_id: str | None
    supervisors: tuple[str, ...]  # supervisors who joined
    ticket_id: int | None
    opened_at: float
    last_seq: int


@dataclasses.dataclass(frozen=True, slots=True)
class ChatOpened:
    conversation: ConversationView
    visitor_key: str  # the visitor's secret for this conversation (only its hash is stored)


@dataclasses.dataclass(frozen=True, slots=True)
class WaitInfo:
    status: ConversationStatus
    position: int | None  # 1-based place in the queue while waiting
    expected_wait_s: float | None


class ReplySender(Protocol):
    """Sends an agent's reply on an e-mail conversation (the e-mail channel's SMTP side)."""

    async def send_reply(self, conversation: ConversationView, message: StoredMessage) -> None: ...


class TranscriptMailer(Protocol):
    """E-mails a chat's transcript to the visitor."""

    async def send_transcript(
        self, conversation: ConversationView, messages: tuple[StoredMessage, ...], to_address: str
    ) -> None: ...


class ConversationPort(Protocol):
    """The use cases of both conversation channels. Every method raises coded
    :class:`callcenter.errors.CallCenterError` subclasses on bad input (``conversation.*`` codes)."""

    # -- visitors (web chat) -------------------------------------------------------------
    async def open_chat(self, request: ChatRequest) -> ChatOpened: ...

    async def authenticate_visitor(self, conversation_id: str, visitor_key: str) -> ConversationView: ...

    async def post_customer(
        self, conversation_id: str, text: str, client_id: str, attachments: tuple[str, ...] = ()
    ) -> StoredMessage: ...

    async def wait_info(self, conversation_id: str) -> WaitInfo: ...

    async def email_transcript(self, conversation_id: str, to_address: str) -> None: ...

    # -- agents ----------------------------------------------------------------------------
    async def accept(self, agent_id: str, offer_id: str) -> ConversationView: ...

    async def decline(self, agent_id: str, offer_id: str) -> None: ...

    def offer_open(self, agent_id: str, offer_id: str) -> bool: ...

    async def post_agent(
        self,
        conversation_id: str,
        agent_id: str,
        text: str,
        client_id: str,
        attachments: tuple[str, ...] = (),
    ) -> StoredMessage: ...

    async def transfer(
        self, conversation_id: str, agent_id: str, to_queue: str | None = None, to_agent: str | None = None
    ) -> ConversationView: ...

    async def end(self, conversation_id: str, by: Sender, who: str) -> ConversationView: ...

    async def wrap_up(
        self, conversation_id: str, agent_id: str, disposition: str | None, notes: str | None
    ) -> None: ...

    # -- supervisors -----------------------------------------------------------------------
    async def join(self, conversation_id: str, supervisor: str) -> ConversationView: ...

    async def post_supervisor(
        self, conversation_id: str, supervisor: str, text: str, client_id: str
    ) -> StoredMessage: ...

    # -- both sides ------------------------------------------------------------------------
    async def typing(self, conversation_id: str, sender: Sender, who: str) -> None: ...

    async def messages(
        self, conversation_id: str, after_seq: int = 0, limit: int = 500
    ) -> list[StoredMessage]: ...

    async def view(self, conversation_id: str) -> ConversationView: ...

    async def live(self, agent_id: str | None = None) -> list[ConversationView]: ...

    async def add_attachment(
        self, conversation_id: str, uploader: str, filename: str, content_type: str, data: bytes
    ) -> AttachmentRef: ...

    async def read_attachment(
        self, conversation_id: str, attachment_id: str
    ) -> tuple[AttachmentRef, bytes]: ...

    # -- e-mail ----------------------------------------------------------------------------
    async def open_email(self, mail: IncomingEmail) -> ConversationView: ...

    async def add_customer_email(self, conversation_id: str, mail: IncomingEmail) -> StoredMessage: ...

    async def open_voicemail(self, message: IncomingVoicemail) -> ConversationView: ...
    async def open_fax(
        self, fax_ref: str, number: str, station_id: str, queue: str, failed: bool = False
    ) -> ConversationView: ...
