"""E-mail conversations through the engine: a ticket and an ``email`` work item per new mail, the
agent's reply through the ReplySender port, the customer's reply re-queueing an ended thread."""

from __future__ import annotations

import dataclasses

import pytest

from callcenter.app import Engine
from callcenter.conversations.api import (
    ConversationStatus,
    ConversationView,
    IncomingEmail,
    Sender,
    StoredMessage,
)
from callcenter.conversations.errors import BadInput
from crm_core.models import Ticket
from tests.integration.engine.chat_desk import Offers, engine, visitor
from tests.integration.engine.conftest import sign_in_agents

__all__ = ["engine"]


@dataclasses.dataclass
class RecordingReplies:
    sent: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    async def send_reply(self, conversation: ConversationView, message: StoredMessage) -> None:
        self.sent.append((conversation.conversation_id, conversation.customer_address or "", message.text))


def mail(text: str, message_id: str, subject: str = "Broken kettle") -> IncomingEmail:
    return IncomingEmail(
        mailbox="support@example.com", from_address="wei@example.org", from_name="Wei Zhang", subject=subject,
        text=text, message_id=message_id, language="zh_CN", queue="support",
    )  # fmt: skip


async def test_given_a_new_mail_then_ticket_offer_reply_and_the_customers_answer_requeues_it(
    engine: Engine,
) -> None:
    await sign_in_agents(engine, "1002")
    replies = RecordingReplies()
    engine.conversations.set_reply_sender(replies)
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations

    view = await chats.open_email(mail("My kettle leaks.", "<m1@example.org>"))
    cid = view.conversation_id
    assert (view.channel.value, view.subject) == ("email", "Broken kettle")
    assert view.status in (ConversationStatus.WAITING, ConversationStatus.OFFERED)  # offered at once
    assert view.ticket_id is not None
    with engine.contact_center.sessions() as session:
        ticket = session.get(Ticket, view.ticket_id)
        assert ticket is not None
        assert (ticket.subject, ticket.description) == ("Broken kettle", "My kettle leaks.")
    offer = await offers.next_for(cid)
    assert (offer.channel.value, offer.subject, offer.customer_name) == (
        "email",
        "Broken kettle",
        "Wei Zhang",
    )
    await chats.accept("1002", offer.offer_id)
    await chats.post_agent(cid, "1002", "Sorry! A new one is on its way.", "r-1")
    assert replies.sent == [(cid, "wei@example.org", "Sorry! A new one is on its way.")]
    with engine.contact_center.sessions() as session:
        responded = session.get(Ticket, view.ticket_id)
        assert responded is not None
        assert responded.first_responded_at is not None  # the first-response SLA is met
    await chats.end(cid, Sender.AGENT, "1002")
    await chats.wrap_up(cid, "1002", None, None)
    assert (await chats.view(cid)).status is ConversationStatus.ENDED

    answer = await chats.add_customer_email(cid, mail("It arrived, but it is blue.", "<m2@example.org>"))
    again = await chats.add_customer_email(cid, mail("It arrived, but it is blue.", "<m2@example.org>"))
    assert again == answer  # the same Message-ID handed over twice is stored once
    assert (await chats.view(cid)).status in (ConversationStatus.WAITING, ConversationStatus.OFFERED)
    second = await offers.next_for(cid)
    assert second.agent_id == "1002"
    texts = [m.text for m in await chats.messages(cid) if m.sender is Sender.CUSTOMER]
    assert texts == ["My kettle leaks.", "It arrived, but it is blue."]


async def test_given_a_mail_for_an_unknown_queue_or_a_chat_then_refused(engine: Engine) -> None:
    with pytest.raises(BadInput) as unknown:
        await engine.conversations.open_email(dataclasses.replace(mail("x", "<m@x>"), queue="nope"))
    assert unknown.value.code == "conversation.unknown_queue"
    chat = (await engine.conversations.open_chat(visitor())).conversation.conversation_id
    with pytest.raises(BadInput) as not_email:
        await engine.conversations.add_customer_email(chat, mail("x", "<m@x>"))
    assert not_email.value.code == "conversation.not_email"
