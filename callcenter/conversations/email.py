"""E-mail conversations: a new mail opens one (with a ticket) and queues it as an ``email`` item;
the customer's reply joins it, and re-queues it when it had ended."""

from __future__ import annotations

import hashlib

from acd.model import Channel
from callcenter.conversations import rules
from callcenter.conversations.agents import AgentSide
from callcenter.conversations.api import (
    ConversationStatus,
    ConversationView,
    IncomingEmail,
    Sender,
    StoredMessage,
)
from callcenter.conversations.core import ALL_STATUSES, new_id
from callcenter.conversations.errors import BadInput
from callcenter.conversations.store import view_of
from crm_core import conversations as db

S = ConversationStatus
EMAIL_TEXT_MAX = 20_000


def mail_client_id(message_id: str) -> str:
    """The same Message-ID handed over twice is stored once (a channel retrying after a crash)."""
    return "mid:" + hashlib.sha256(message_id.encode()).hexdigest()[:40]


class EmailSide(AgentSide):
    async def open_email(self, mail: IncomingEmail) -> ConversationView:
        if mail.queue not in self.queues():
            raise BadInput("conversation.unknown_queue", queue=mail.queue[:40])
        identity = await self.customers.by_contact(mail.from_address, None)
        now = self.clock()
        conversation_id = new_id("c")
        name = " ".join(mail.from_name.split())[:200] or mail.from_address[:200]
        text = mail.text[:EMAIL_TEXT_MAX]
        first = db.NewMessage(
            new_id("m"), Sender.CUSTOMER.value, name, text, now, mail_client_id(mail.message_id)
        )
        record = await self.store.create(
            first, id=conversation_id, channel=Channel.EMAIL.value, status=S.WAITING.value,
            queue=mail.queue, skills=tuple(mail.skills), language=mail.language[:16],
            customer_id=identity.customer_id, customer_name=name,
            customer_address=mail.from_address[:254], tier=identity.tier.value,
            subject=mail.subject[:200], address=None, opened_at=now, queued_at=now,
            interaction_ref=f"email:{conversation_id}",
        )  # fmt: skip
        await self.store.open_ticket(conversation_id, mail.subject or "-", identity.customer_id, text)
        await self.route(record, Channel.EMAIL, identity.pop, identity.tier)
        return view_of(await self.store.get(conversation_id))

    async def add_customer_email(self, conversation_id: str, mail: IncomingEmail) -> StoredMessage:
        record = await self.store.get(conversation_id)
        if record.channel != Channel.EMAIL.value:
            raise BadInput("conversation.not_email")
        rules.check_text(mail.text[:EMAIL_TEXT_MAX], EMAIL_TEXT_MAX, 1)
        stored = await self.append(
            conversation_id, Sender.CUSTOMER, record.customer_name, mail.text[:EMAIL_TEXT_MAX],
            ALL_STATUSES, mail_client_id(mail.message_id), tuple(a.attachment_id for a in mail.attachments),
        )  # fmt: skip
        if record.status in (S.ENDED.value, S.WRAP_UP.value) and conversation_id not in self.tracked:
            reopened = await self.store.change(
                conversation_id, [S.ENDED.value, S.WRAP_UP.value], status=S.WAITING.value, agent_id=None,
                queued_at=self.clock(), ended_at=None,
            )  # fmt: skip
            if reopened is not None:
                identity = await self.customers.by_contact(record.customer_address, None)
                await self.route(reopened, Channel.EMAIL, identity.pop, identity.tier, record.agent_id)
                self.status_changed(reopened, previous_agent=record.agent_id)
        return stored
