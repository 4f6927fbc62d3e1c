"""The agent desktop's e-mail use cases: read a thread safely, reply, suggestions, link the sender;
for admins the quarantine.

The HTML a customer sent is rendered through nh3 (an allow-list: no script, no style, no event
attribute, no remote image that would tell the sender the mail was read); links get
``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime

import nh3
from sqlalchemy.orm import Session, sessionmaker

from acd.model import Channel
from callcenter.conversations.api import ConversationPort, ConversationView, StoredMessage
from callcenter.email.errors import EmailError, MailNotFound, NotAnEmailConversation
from callcenter.email.parsing import ParsedMail, parse_mail
from callcenter.settings_email import EmailSettings
from crm_core import conversations as conversation_store
from crm_core import mail_outbox, mail_store
from crm_core.clock import Clock
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.knowledge import ArticleHit, KnowledgeBase

_TAGS = nh3.ALLOWED_TAGS - {"img"}
MAX_REPLY_CHARS = 50_000


class NotYourEmail(EmailError):
    code = "email.not_yours"


class EmptyReply(EmailError):
    code = "email.empty_reply"


class BadCustomerLink(EmailError):
    code = "email.bad_customer_link"


@dataclasses.dataclass(frozen=True, slots=True)
class AttachmentInfo:
    index: int
    filename: str
    content_type: str
    size: int


@dataclasses.dataclass(frozen=True, slots=True)
class MailView:
    raw_id: int
    direction: str  # "in" | "out"
    from_address: str
    from_name: str
    subject: str
    at: datetime
    text: str
    safe_html: str | None
    attachments: tuple[AttachmentInfo, ...]
    status: str  # "processed" | "quarantined" for mail in; "pending" | "sent" for mail out


def safe_html(markup: str) -> str:
    return nh3.clean(
        markup, tags=_TAGS, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"
    )


def _mail_in(row: mail_store.RawMailView, max_bytes: int) -> MailView:
    parsed = parse_mail(row.raw, max_bytes)
    if not isinstance(parsed, ParsedMail):
        return MailView(
            row.id,
            "in",
            row.from_address or "",
            "",
            row.subject or "",
            row.received_at,
            "",
            None,
            (),
            row.status,
        )
    attachments = tuple(
        AttachmentInfo(i, a.filename, a.content_type, len(a.data)) for i, a in enumerate(parsed.attachments)
    )
    html = safe_html(parsed.html) if parsed.html else None
    return MailView(
        row.id,
        "in",
        parsed.from_address,
        parsed.from_name,
        parsed.subject,
        row.received_at,
        parsed.text,
        html,
        attachments,
        row.status,
    )


class EmailDesk:
    def __init__(
        self,
        settings: EmailSettings,
        sessions: sessionmaker[Session],
        conversations: ConversationPort,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._conversations = conversations
        self._clock = clock

    async def _email_view(self, conversation_id: str, agent_id: str | None) -> ConversationView:
        """The conversation, if it is an e-mail one and (for an agent) theirs."""
        view = await self._conversations.view(conversation_id)
        if view.channel != Channel.EMAIL:
            raise NotAnEmailConversation
        if agent_id is not None and view.agent_id != agent_id:
            raise NotYourEmail
        return view

    async def mine(self, agent_id: str | None) -> list[ConversationView]:
        """The open e-mail conversations of this agent (None: everyone's), oldest first."""
        views = await self._conversations.live(agent_id)
        return sorted((v for v in views if v.channel == Channel.EMAIL), key=lambda v: v.opened_at)

    async def mails(
        self, conversation_id: str, agent_id: str | None
    ) -> tuple[ConversationView, list[MailView]]:
        """Every mail of the conversation, both ways, oldest first (agent_id None: a supervisor)."""
        view = await self._email_view(conversation_id, agent_id)

        def read() -> list[MailView]:
            with self._sessions() as session:
                rows = mail_store.conversation_mails(session, conversation_id)
                sent = mail_outbox.all_for(session, conversation_id)
            found = [_mail_in(row, self._settings.max_mail_bytes) for row in rows]
            for mail in sent:
                parsed = parse_mail(mail.raw, self._settings.max_mail_bytes)
                if isinstance(parsed, ParsedMail):
                    found.append(
                        MailView(
                            -mail.id,
                            "out",
                            self._settings.address,
                            self._settings.display_name,
                            parsed.subject,
                            mail.created_at,
                            parsed.text,
                            None,
                            (),
                            mail.status,
                        )
                    )
            return sorted(found, key=lambda m: m.at)

        return view, await asyncio.to_thread(read)

    async def attachment(
        self, conversation_id: str, agent_id: str | None, raw_id: int, index: int
    ) -> tuple[str, str, bytes]:
        await self._email_view(conversation_id, agent_id)

        def read() -> mail_store.RawMailView | None:
            with self._sessions() as session:
                return mail_store.raw_mail(session, raw_id)

        row = await asyncio.to_thread(read)
        if row is None or row.conversation_id != conversation_id:
            raise MailNotFound
        parsed = parse_mail(row.raw, self._settings.max_mail_bytes)
        if not isinstance(parsed, ParsedMail) or not 0 <= index < len(parsed.attachments):
            raise MailNotFound
        found = parsed.attachments[index]
        return found.filename, found.content_type, found.data

    async def reply(self, conversation_id: str, agent_id: str, text: str, client_id: str) -> StoredMessage:
        """The agent's answer: stored in the conversation; the service hands it to the SMTP side."""
        await self._email_view(conversation_id, agent_id)
        if not text.strip():
            raise EmptyReply
        return await self._conversations.post_agent(
            conversation_id, agent_id, text[:MAX_REPLY_CHARS], client_id
        )

    async def suggestions(self, conversation_id: str, agent_id: str | None) -> tuple[ArticleHit, ...]:
        """Knowledge-base articles for the customer's last mail."""
        _view, mails = await self.mails(conversation_id, agent_id)
        last = next((m for m in reversed(mails) if m.direction == "in"), None)
        if last is None:
            return ()

        def search() -> tuple[ArticleHit, ...]:
            with self._sessions() as session:
                return KnowledgeBase(self._clock).suggest_for_email(session, last.subject, last.text)

        return await asyncio.to_thread(search)

    async def link_sender(
        self, conversation_id: str, agent_id: str | None, customer_id: int | None, new_name: str | None
    ) -> int:
        """Give the sender's address to an existing customer, or create one with it; the customer id."""
        view = await self._email_view(conversation_id, agent_id)
        if (customer_id is None) == (not new_name or not new_name.strip()):
            raise BadCustomerLink

        def write() -> int:
            service = CustomerService(self._clock)
            with self._sessions.begin() as session:
                thread = mail_store.thread(session, conversation_id)
                address = thread.address if thread else (view.customer_address or "")
                if "@" not in address:
                    raise MailNotFound
                if customer_id is not None:
                    service.add_email(session, customer_id, address)
                    linked = customer_id
                else:
                    assert new_name is not None
                    draft = CustomerDraft(display_name=new_name.strip(), emails=(address,))
                    linked = service.create(session, draft)
                # This conversation and its ticket are the customer's now too (the CRM timeline).
                conversation_store.change(session, conversation_id, customer_id=linked)
                if view.ticket_id is not None:
                    mail_store.ticket_customer(session, view.ticket_id, linked)
                return linked

        return await asyncio.to_thread(write)

    async def quarantined(self, limit: int, offset: int) -> list[mail_store.RawMailView]:
        def read() -> list[mail_store.RawMailView]:
            with self._sessions() as session:
                return mail_store.quarantined(session, limit, offset)

        return await asyncio.to_thread(read)

    async def raw(self, raw_id: int) -> mail_store.RawMailView:
        def read() -> mail_store.RawMailView | None:
            with self._sessions() as session:
                return mail_store.raw_mail(session, raw_id)

        row = await asyncio.to_thread(read)
        if row is None:
            raise MailNotFound
        return row
