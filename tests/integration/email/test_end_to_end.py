"""The e-mail channel end to end: the engine (simulator, real conversation service and ACD) with a
real dovecot mailbox and a real SMTP server.

New mail → acknowledgement with the ticket number → ticket → ``email`` work item offered to an agent
→ the agent's reply goes out by SMTP in the thread → the customer's answer joins the same
conversation and ticket. An auto-reply gets no acknowledgement; a broken MIME mail is quarantined
and kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from acd.model import Channel
from callcenter.app import Engine
from callcenter.clock import SystemClock
from callcenter.conversations.api import ConversationStatus, IncomingEmail, Sender
from callcenter.email.channel import build_email_channel
from callcenter.email.parsing import ParsedMail, parse_mail
from callcenter.email.processing import Outcome
from callcenter.email.rules import tagged_ticket
from crm_core import mail_store
from crm_core.models import Ticket
from crm_core.models_mail import RawMail
from tests.email_servers import ImapServer, SmtpServer, make_mail
from tests.integration.email.mail_helpers import email_options, email_settings
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.unit.email.test_parsing import BROKEN_MULTIPART
from tests.waiting import wait_until


@pytest.fixture
async def engine(tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer) -> AsyncIterator[Engine]:
    email = email_options(
        imap_server,
        smtp_server,
        address="support@example.com",
        retry_interval_s=0.2,
        signatures={"support": "Example Ltd. support"},
    )
    running = Engine(engine_settings(tmp_path, email=email), simulator_mode=True)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_given_a_new_mail_then_ack_ticket_offer_reply_and_the_answer_threads_back(
    engine: Engine, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    await sign_in_agents(engine, "1002")
    offers = Offers(engine.bus.subscribe())
    imap_server.deliver(make_mail(message_id="<kettle-1@customer.example>", subject="Broken kettle"))

    [ack] = await smtp_server.wait_for(1)
    ticket_id = tagged_ticket(str(ack.message["Subject"]))
    assert ticket_id is not None
    assert ack.rcpt_tos == ("alice@customer.example",)
    assert ack.message["In-Reply-To"] == "<kettle-1@customer.example>"
    with engine.contact_center.sessions() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        assert ticket.subject == "Broken kettle"
        raw = session.scalars(select(RawMail)).one()
        # The e-mail first-response SLA (email.first_response_sla_h, 4 h by default) runs from intake.
        assert ticket.first_response_due_at - raw.received_at == timedelta(hours=4)
        assert ticket.first_responded_at is None
    cid = raw.conversation_id
    assert cid is not None
    offer = await offers.next_for(cid)
    assert (offer.agent_id, offer.channel, offer.subject) == ("1002", Channel.EMAIL, "Broken kettle")
    view = await engine.conversations.accept("1002", offer.offer_id)
    assert (view.status, view.ticket_id) == (ConversationStatus.ACTIVE, ticket_id)

    assert engine.email is not None
    await engine.email.desk.reply(cid, "1002", "A new kettle is on its way.", "r-1")
    reply = (await smtp_server.wait_for(2))[1].message
    assert reply["Subject"] == f"Re: Broken kettle [#T-{ticket_id}]"
    assert reply["In-Reply-To"] == "<kettle-1@customer.example>"
    assert (
        reply.get_content()
        .replace("\r\n", "\n")
        .startswith("A new kettle is on its way.\n\n-- \nExample Ltd. support\n")
    )
    with engine.contact_center.sessions() as session:
        answered_ticket = session.get(Ticket, ticket_id)
        assert answered_ticket is not None
        assert answered_ticket.first_responded_at is not None  # the timer stopped at the reply

    imap_server.deliver(
        make_mail(
            subject=f"Re: Broken kettle [#T-{ticket_id}]",
            body="Thank you!",
            message_id="<kettle-2@customer.example>",
            headers={"In-Reply-To": str(reply["Message-ID"]), "References": str(reply["Message-ID"])},
        )
    )

    async def answered() -> bool:
        return any(m.text == "Thank you!" for m in await engine.conversations.messages(cid))

    await wait_until(answered, timeout=10, what="the customer's answer in the conversation")
    texts = [(m.sender, m.text) for m in await engine.conversations.messages(cid)]
    assert texts[-2:] == [
        (Sender.AGENT, "A new kettle is on its way."),
        (Sender.CUSTOMER, "Thank you!"),
    ]
    assert (await engine.conversations.view(cid)).ticket_id == ticket_id
    assert len(smtp_server.received) == 2  # the answer got no second acknowledgement


async def test_given_an_auto_reply_then_it_is_queued_but_never_acknowledged(
    engine: Engine, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    imap_server.deliver(make_mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    imap_server.deliver(make_mail(sender="Bob <bob@customer.example>", subject="A real question"))

    [ack] = await smtp_server.wait_for(1)
    assert ack.rcpt_tos == ("bob@customer.example",)
    live = await engine.conversations.live()
    assert sorted(v.subject for v in live) == ["A real question", "Out of office"]
    email = engine.email
    assert email is not None
    # The two mails are processed side by side: Bob's acknowledgement can go out before the
    # out-of-office's record (and its refusal) is written.
    await wait_until(
        lambda: email.processor.acknowledgements_refused == {"auto_submitted": 1},
        what="the auto-reply's acknowledgement refused",
    )


async def test_given_a_broken_mime_mail_then_it_is_quarantined_kept_and_nothing_is_queued(
    engine: Engine, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    imap_server.deliver(BROKEN_MULTIPART)

    def quarantined() -> bool:
        with engine.contact_center.sessions() as session:
            return bool(mail_store.quarantined(session))

    await wait_until(quarantined, timeout=10, what="the broken mail in quarantine")
    with engine.contact_center.sessions() as session:
        [kept] = mail_store.quarantined(session)
    assert kept.raw == BROKEN_MULTIPART
    assert kept.reason == "email.quarantine.broken_mime"
    assert await engine.conversations.live() == []
    assert smtp_server.received == []


async def test_given_a_crash_after_the_service_took_a_mail_when_processed_again_then_no_second_conversation(
    tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    """The state a crash between ``open_email`` and the channel's own commit leaves: the mail is
    stored raw and still ``new`` with one attempt counted, and the service has the conversation."""
    running = Engine(engine_settings(tmp_path), simulator_mode=True)  # e-mail off: the test drives it
    await running.start()
    try:
        sessions = running.contact_center.sessions
        channel = build_email_channel(
            email_settings(imap_server, smtp_server), sessions, running.conversations, SystemClock()
        )
        imap_server.deliver(make_mail(message_id="<crash-1@customer.example>"))
        await channel.intake.fetch_new()
        with sessions.begin() as session:
            [raw_id] = mail_store.unprocessed(session)
            mail_store.begin_attempt(session, raw_id)
        parsed = parse_mail(stored_raw(sessions, raw_id), 10_000_000)
        assert isinstance(parsed, ParsedMail)
        first = await running.conversations.open_email(
            IncomingEmail("support@example.com", parsed.from_address, parsed.from_name, parsed.subject,
                          parsed.text, parsed.message_id, parsed.language, "support")
        )  # fmt: skip

        assert await channel.processor.process_pending() == {Outcome.OPENED: 1}
        await channel.outbox.flush()

        assert [v.conversation_id for v in await running.conversations.live()] == [first.conversation_id]
        [ack] = await smtp_server.wait_for(1)
        assert ack.message["Subject"] == f"We received your message [#T-{first.ticket_id}]"
        with sessions() as session:
            thread = mail_store.thread(session, first.conversation_id)
        assert thread is not None
        await channel.intake.close()
    finally:
        await running.stop()


def stored_raw(sessions: sessionmaker[Session], raw_id: int) -> bytes:
    with sessions() as session:
        row = mail_store.raw_mail(session, raw_id)
    assert row is not None
    return row.raw


async def test_given_mails_without_text_then_they_open_and_join_conversations_all_the_same(
    engine: Engine, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    imap_server.deliver(
        make_mail(subject="Photo of the damage", body="", message_id="<empty-1@customer.example>")
    )
    [ack] = await smtp_server.wait_for(1)
    imap_server.deliver(
        make_mail(subject="Re: more", body="", headers={"In-Reply-To": "<empty-1@customer.example>"})
    )

    def all_processed() -> bool:
        with engine.contact_center.sessions() as session:
            return mail_store.count_by_status(session) == {"processed": 2}

    await wait_until(all_processed, timeout=10, what="both mails processed")
    [view] = await engine.conversations.live()
    texts = [m.text for m in await engine.conversations.messages(view.conversation_id)]
    assert texts == ["Photo of the damage", "Re: more"]  # the subject stands in for a missing text
    assert ack.message["Subject"].endswith(f"[#T-{view.ticket_id}]")
