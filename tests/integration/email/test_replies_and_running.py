"""Agent replies over a real SMTP server (threaded, quoted, retried), and the running channel (IDLE)."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from acd.model import Channel
from callcenter.conversations.api import ConversationStatus, ConversationView, Sender, StoredMessage
from callcenter.email.channel import EmailChannel, build_email_channel
from crm_core import mail_outbox
from tests.crm_conftest_helpers import Db, FakeClock
from tests.email_servers import ImapServer, SmtpServer, make_mail
from tests.fakes.conversations import FakeConversations
from tests.integration.email.mail_helpers import email_settings, take_in


async def _opened(
    db: Db, imap: ImapServer, smtp: SmtpServer, clock: FakeClock
) -> tuple[EmailChannel, FakeConversations]:
    fake = FakeConversations(first_ticket=9)
    channel = build_email_channel(email_settings(imap, smtp), db.sessions, fake, clock)
    imap.deliver(make_mail(message_id="<ask@customer.example>", body="Where is my order 1234?\nThanks"))
    await take_in(channel)
    await smtp.wait_for(1)
    return channel, fake


async def _reply(channel: EmailChannel, fake: FakeConversations, text: str) -> StoredMessage:
    message = await fake.post_agent("e1", "1001", text, "c-1")
    await channel.replies.send_reply(await fake.view("e1"), message)
    await channel.outbox.flush()
    return message


async def test_given_an_agent_reply_when_sent_then_it_is_threaded_quoted_signed_and_tagged(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel, fake = await _opened(db, imap_server, smtp_server, clock)
    ack = smtp_server.received[0].message

    await _reply(channel, fake, "It ships tomorrow.")

    reply = (await smtp_server.wait_for(2))[1]
    message = reply.message
    assert reply.rcpt_tos == ("alice@customer.example",)
    assert message["Subject"] == "Re: My order has not arrived [#T-9]"
    assert message["In-Reply-To"] == "<ask@customer.example>"
    assert message["References"].split() == ["<ask@customer.example>", str(ack["Message-ID"])]
    assert message["Auto-Submitted"] == "no"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("It ships tomorrow.\n\n-- \nExample Ltd. support team\n\n")
    assert "Alice Customer wrote:\n> Where is my order 1234?\n> Thanks" in body
    await channel.intake.close()


async def test_given_the_customer_answers_our_reply_when_taken_in_then_it_threads_by_our_message_id(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel, fake = await _opened(db, imap_server, smtp_server, clock)
    await _reply(channel, fake, "It ships tomorrow.")
    ours = (await smtp_server.wait_for(2))[1].message
    imap_server.deliver(make_mail(subject="Re: whatever", headers={"In-Reply-To": str(ours["Message-ID"])}))
    await channel.intake.fetch_new()
    await channel.processor.process_pending()
    assert [cid for cid, _mail in fake.added] == ["e1"]
    await channel.intake.close()


async def test_given_smtp_is_down_when_a_reply_is_sent_then_it_waits_and_goes_out_once_when_back(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel, fake = await _opened(db, imap_server, smtp_server, clock)
    smtp_server.stop()
    message = await _reply(channel, fake, "It ships tomorrow.")
    await channel.replies.send_reply(await fake.view("e1"), message)  # the service retrying: same mail
    assert await channel.outbox.flush() == 0
    with db.sessions() as session:
        [waiting] = mail_outbox.pending(session)
    assert (waiting.kind, waiting.attempts) == ("reply", 2)

    smtp_server.start()
    runner = asyncio.create_task(channel.outbox.run())
    try:
        received = await smtp_server.wait_for(2)
        await asyncio.sleep(0.5)  # a few more retry rounds: nothing more may go out
    finally:
        runner.cancel()
    assert len(smtp_server.received) == 2
    assert received[1].message["Message-ID"] == waiting.message_id
    with db.sessions() as session:
        assert mail_outbox.pending(session) == []
    await channel.intake.close()


def _ended_chat(conversation_id: str, language: str, customer_name: str, last_seq: int) -> ConversationView:
    """A support chat agent 1001 ended, whose transcript is to be mailed."""
    return ConversationView(
        conversation_id, Channel.CHAT, ConversationStatus.ENDED, "support", language, None, customer_name,
        None, "", "1001", (), None, 0.0, last_seq,
    )  # fmt: skip


async def test_given_a_chat_transcript_when_mailed_then_it_lists_the_messages_in_order(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel = build_email_channel(
        email_settings(imap_server, smtp_server), db.sessions, FakeConversations(), clock
    )
    view = _ended_chat("chat-1", "zh_CN", "王芳", last_seq=2)
    messages = (
        StoredMessage("chat-1", 1, "m1", "c1", Sender.CUSTOMER, "王芳", "你好", (), 1_700_000_000.0),
        StoredMessage(
            "chat-1", 2, "m2", "c2", Sender.AGENT, "1001", "您好，请问有什么可以帮您？", (), 1_700_000_010.0
        ),
    )
    await channel.transcripts.send_transcript(view, messages, "wang@customer.example")
    await channel.outbox.flush()
    [mail] = await smtp_server.wait_for(1)
    assert mail.message["Subject"] == "您的在线聊天记录"
    lines = mail.message.get_content().splitlines()  # CRLF or LF alike
    assert lines[0] == "以下是您与我们的聊天记录。"
    assert lines[2].endswith("王芳: 你好")
    assert lines[3].endswith("1001: 您好，请问有什么可以帮您？")


async def test_given_a_recipient_refused_for_good_when_sending_then_it_is_rejected_and_the_rest_goes_out(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel = build_email_channel(
        email_settings(imap_server, smtp_server), db.sessions, FakeConversations(), clock
    )
    smtp_server.refuse.add("gone@customer.example")
    view = _ended_chat("chat-2", "en", "Ann", last_seq=0)
    await channel.transcripts.send_transcript(view, (), "gone@customer.example")
    await channel.transcripts.send_transcript(view, (), "ann@customer.example")

    assert await channel.outbox.flush() == 1
    assert await channel.outbox.flush() == 0  # the refused one is not tried again

    [mail] = smtp_server.received
    assert mail.rcpt_tos == ("ann@customer.example",)
    with db.sessions() as session:
        assert mail_outbox.pending(session) == []
        statuses = [(m.to_address, m.status) for m in mail_outbox.all_for(session, "chat-2")]
    assert statuses == [("gone@customer.example", "rejected"), ("ann@customer.example", "sent")]


async def test_given_the_started_channel_when_mail_arrives_then_idle_takes_it_in_and_no_secret_is_logged(
    db: Db,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeConversations()
    settings = email_settings(imap_server, smtp_server, poll_interval_s=30.0)  # only IDLE can be this quick
    channel = build_email_channel(settings, db.sessions, fake, clock)
    await channel.start()
    try:
        await asyncio.sleep(0.3)  # connected and idling
        started = time.monotonic()
        imap_server.deliver(make_mail())
        await smtp_server.wait_for(1, within_s=10)
        assert time.monotonic() - started < 5
        assert len(fake.opened) == 1
    finally:
        await channel.stop()
    assert any(r.name == "aioimaplib.aioimaplib" for r in caplog.records)  # its DEBUG lines do reach us
    password = imap_server.password
    escaped = password.replace("\\", "\\\\").replace('"', '\\"')
    for record in caplog.records:
        text = record.getMessage()
        assert password not in text
        assert escaped not in text
        assert "Se\\\\cret" not in text
        assert " LOGIN " not in text
        assert "cret-7f3a" not in text  # any escaping of it
