"""The visitor's side through the engine: identification, limits, files, the transcript by e-mail."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.conversations import rules
from callcenter.conversations.api import ConversationStatus, ConversationView, Sender, StoredMessage
from callcenter.conversations.errors import (
    BadAttachment,
    BadInput,
    BadVisitorKey,
    ConversationClosed,
    NotYours,
    OfferGone,
    RateLimited,
    Unavailable,
)
from crm_core.lookup import KnownCaller
from crm_core.models import Customer, CustomerEmail
from tests.integration.engine.chat_desk import Offers, engine, visitor
from tests.integration.engine.conftest import engine_settings, sign_in_agents

__all__ = ["engine"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclasses.dataclass
class RecordingMailer:
    sent: list[tuple[str, tuple[int, ...], str]] = dataclasses.field(default_factory=list)

    async def send_transcript(
        self, conversation: ConversationView, messages: tuple[StoredMessage, ...], to_address: str
    ) -> None:
        self.sent.append((conversation.conversation_id, tuple(m.seq for m in messages), to_address))


async def _a_known_customer(engine: Engine) -> tuple[int, str]:
    with engine.contact_center.sessions() as session:
        row = session.execute(
            select(Customer.id, CustomerEmail.email).join(
                CustomerEmail, CustomerEmail.customer_id == Customer.id
            )
        ).first()
    assert row is not None
    return row[0], row[1]


async def test_given_a_known_email_or_a_signed_token_then_the_agent_gets_the_customers_pop(
    tmp_path: Path,
) -> None:
    secret = "site-secret"
    engine = Engine(engine_settings(tmp_path, chat={"customer_token_secret": secret}), simulator_mode=True)
    await engine.start()
    try:
        await sign_in_agents(engine, "1002")
        customer_id, email = await _a_known_customer(engine)
        offers = Offers(engine.bus.subscribe())
        chats = engine.conversations
        by_mail = await chats.open_chat(visitor(email=email.upper()))
        assert by_mail.conversation.customer_id == customer_id
        pop = (await offers.next_for(by_mail.conversation.conversation_id)).customer
        assert isinstance(pop, KnownCaller)
        assert pop.matches[0].profile.id == customer_id

        token = rules.sign_customer(customer_id, secret)
        by_token = await chats.open_chat(visitor(name="x", address="198.51.100.1", customer_token=token))
        assert by_token.conversation.customer_id == customer_id
        assert by_token.conversation.customer_name == pop.matches[0].profile.display_name
        forged = token[:-1] + ("1" if token.endswith("0") else "0")
        with pytest.raises(BadInput) as refused:
            await chats.open_chat(visitor(address="198.51.100.2", customer_token=forged))
        assert refused.value.code == "conversation.bad_token"
    finally:
        await engine.stop()


async def test_given_the_visitor_key_then_only_it_opens_the_chat(engine: Engine) -> None:
    opened = await engine.conversations.open_chat(visitor())
    cid = opened.conversation.conversation_id
    assert (await engine.conversations.authenticate_visitor(cid, opened.visitor_key)).conversation_id == cid
    for conversation_id, key in ((cid, opened.visitor_key + "x"), (cid, ""), ("c-nope", opened.visitor_key)):
        with pytest.raises(BadVisitorKey):
            await engine.conversations.authenticate_visitor(conversation_id, key)


async def test_given_bad_input_then_coded_refusals_and_nothing_stored(engine: Engine) -> None:
    chats = engine.conversations
    for request, code in (
        (visitor(name=" "), "conversation.name_required"),
        (visitor(topic="nope"), "conversation.unknown_topic"),
        (dataclasses.replace(visitor(), language="fr"), "conversation.bad_language"),
        (visitor(email="not-an-address"), "conversation.bad_email"),
    ):
        with pytest.raises(BadInput) as refused:
            await chats.open_chat(request)
        assert refused.value.code == code
    assert await chats.live() == []
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    with pytest.raises(BadInput) as too_long:
        await chats.post_customer(cid, "x" * 2001, "v-1")
    assert too_long.value.params == {"length": 2001, "max_length": 2000}
    assert [m.sender for m in await chats.messages(cid)] == [Sender.SYSTEM]


async def test_given_a_chatty_visitor_then_rate_and_open_chat_limits_apply(engine: Engine) -> None:
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    for n in range(10):
        await chats.post_customer(cid, f"m{n}", f"v-{n}")
    with pytest.raises(RateLimited) as fast:
        await chats.post_customer(cid, "one more", "v-x")
    assert fast.value.code == "conversation.rate_limited"
    for _ in range(2):
        await chats.open_chat(visitor())
    with pytest.raises(RateLimited) as many:
        await chats.open_chat(visitor())
    assert (many.value.code, many.value.params) == ("conversation.too_many_open_chats", {"max_open": 3})
    await chats.end(cid, Sender.CUSTOMER, "Ann")
    await chats.open_chat(visitor())  # one ended: room again
    with pytest.raises(RateLimited) as burst:
        await chats.open_chat(visitor())
    assert burst.value.code in ("conversation.too_many_new_chats", "conversation.too_many_open_chats")
    for _ in range(5):  # each left at once: never too many open, but too many new ones
        left = await chats.open_chat(visitor(address="192.0.2.9"))
        await chats.end(left.conversation.conversation_id, Sender.CUSTOMER, "x")
    with pytest.raises(RateLimited) as per_minute:
        await chats.open_chat(visitor(address="192.0.2.9"))
    assert per_minute.value.code == "conversation.too_many_new_chats"


async def test_given_files_then_checked_sent_with_a_message_and_read_back(engine: Engine) -> None:
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    ref = await chats.add_attachment(cid, "Ann", "../shot.png", "image/png", PNG)
    assert (ref.filename, ref.content_type, ref.size) == ("shot.png", "image/png", len(PNG))
    sent = await chats.post_customer(cid, "", "v-1", (ref.attachment_id,))
    assert sent.attachments == (ref,)
    assert await chats.read_attachment(cid, ref.attachment_id) == (ref, PNG)
    with pytest.raises(BadAttachment) as disguised:
        await chats.add_attachment(cid, "Ann", "x.pdf", "application/pdf", PNG)
    assert disguised.value.code == "conversation.attachment_mismatch"
    with pytest.raises(BadAttachment):
        await chats.add_attachment(cid, "Ann", "big.txt", "text/plain", b"x" * (5 * 1024 * 1024 + 1))


async def test_given_a_transcript_asked_then_mailed_when_a_mailer_is_set(engine: Engine) -> None:
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    with pytest.raises(Unavailable):
        await chats.email_transcript(cid, "ann@example.com")
    mailer = RecordingMailer()
    chats.set_transcript_mailer(mailer)
    await chats.post_customer(cid, "hello", "v-1")
    await chats.email_transcript(cid, " Ann@Example.com ")
    assert mailer.sent == [(cid, (1, 2), "ann@example.com")]
    with pytest.raises(BadInput):
        await chats.email_transcript(cid, "nobody")


async def test_given_offers_then_only_their_agent_takes_them_and_only_once(engine: Engine) -> None:
    await sign_in_agents(engine, "1002", "1003")
    offers = Offers(engine.bus.subscribe())
    chats = engine.conversations
    cid = (await chats.open_chat(visitor())).conversation.conversation_id
    offer = await offers.next_for(cid)
    other = "1003" if offer.agent_id == "1002" else "1002"
    with pytest.raises(NotYours):
        await chats.accept(other, offer.offer_id)
    await chats.decline(offer.agent_id, offer.offer_id)
    second = await offers.next_for(cid)
    assert second.agent_id == other
    with pytest.raises(OfferGone):
        await chats.accept(offer.agent_id, offer.offer_id)
    await chats.accept(other, second.offer_id)
    with pytest.raises(NotYours):
        await chats.post_agent(cid, offer.agent_id, "me too", "a-1")
    await chats.end(cid, Sender.CUSTOMER, "Ann")
    assert (await chats.view(cid)).status is ConversationStatus.WRAP_UP
    with pytest.raises(ConversationClosed):
        await chats.post_customer(cid, "still there?", "v-9")


async def test_given_the_queue_closed_when_a_visitor_chats_then_a_left_message_though_agents_are_in(
    tmp_path: Path,
) -> None:
    closed = {"support": {"timezone": "Asia/Shanghai", "days": []}}  # open on no day
    engine = Engine(engine_settings(tmp_path, chat={"hours": closed}), simulator_mode=True)
    await engine.start()
    try:
        await sign_in_agents(engine, "1002")
        opened = await engine.conversations.open_chat(visitor())
        assert opened.conversation.status is ConversationStatus.LEFT_MESSAGE
        general = await engine.conversations.open_chat(visitor(topic="general", address="198.51.100.5"))
        assert general.conversation.status is not ConversationStatus.LEFT_MESSAGE  # no hours: always open
    finally:
        await engine.stop()
