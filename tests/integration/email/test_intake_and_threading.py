"""Intake from a real dovecot, raw first, threading and acknowledgements to a real SMTP server.

The conversation service is the recording fake here (tests/fakes/conversations.py); the end-to-end
tests with the real service are in test_end_to_end.py.
"""

from __future__ import annotations

from sqlalchemy import select

from callcenter.email.channel import EmailChannel, build_email_channel
from callcenter.email.processing import Outcome
from crm_core import mail_outbox, mail_store
from crm_core.models_mail import MailHeader, RawMail
from tests.crm_conftest_helpers import Db, FakeClock
from tests.email_servers import ImapServer, SmtpServer, make_mail
from tests.fakes.conversations import FakeConversations
from tests.integration.email.mail_helpers import email_settings, take_in
from tests.unit.email.test_parsing import BROKEN_MULTIPART


def _channel(
    db: Db, imap: ImapServer, smtp: SmtpServer, fake: FakeConversations, clock: FakeClock
) -> EmailChannel:
    return build_email_channel(email_settings(imap, smtp), db.sessions, fake, clock)


async def test_given_a_new_mail_when_taken_in_then_stored_raw_a_conversation_opens_and_an_ack_goes_out(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    fake = FakeConversations(first_ticket=41)
    channel = _channel(db, imap_server, smtp_server, fake, clock)
    raw = make_mail(message_id="<first@customer.example>")
    imap_server.deliver(raw)

    assert await take_in(channel) == {Outcome.OPENED: 1}

    with db.sessions() as session:
        stored = session.scalars(select(RawMail)).one()
        assert (stored.raw, stored.status, stored.conversation_id) == (raw, "processed", "e1")
    assert [(m.from_address, m.subject, m.queue, m.message_id) for m in fake.opened] == [
        ("alice@customer.example", "My order has not arrived", "support", "<first@customer.example>")
    ]
    [ack] = await smtp_server.wait_for(1)
    message = ack.message
    assert ack.rcpt_tos == ("alice@customer.example",)
    assert message["Subject"] == "We received your message [#T-41]"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<first@customer.example>"
    assert message["X-Loop"] == "support@example.com"
    assert "41" in message.get_content()
    await channel.intake.close()


async def test_given_a_chinese_mail_when_acknowledged_then_the_ack_is_in_chinese(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel = _channel(db, imap_server, smtp_server, FakeConversations(first_ticket=7), clock)
    imap_server.deliver(make_mail(subject="订单问题", body="你好，我的订单还没有到。"))
    await take_in(channel)
    [ack] = await smtp_server.wait_for(1)
    assert ack.message["Subject"] == "我们已收到您的来信 [#T-7]"
    assert "您的请求编号为 7" in ack.message.get_content()
    await channel.intake.close()


async def test_given_replies_by_header_and_by_tag_when_taken_in_then_they_join_the_first_conversation(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    fake = FakeConversations(first_ticket=5)
    channel = _channel(db, imap_server, smtp_server, fake, clock)
    imap_server.deliver(make_mail(message_id="<q1@customer.example>"))
    await take_in(channel)
    [ack] = await smtp_server.wait_for(1)
    imap_server.deliver(
        make_mail(
            subject="Re: We received your message [#T-5]",
            message_id="<q2@customer.example>",
            headers={"In-Reply-To": str(ack.message["Message-ID"])},
        )
    )
    imap_server.deliver(make_mail(subject="still waiting [#T-5]", message_id="<q3@customer.example>"))
    # Somebody else quoting the same tag does not get into Alice's conversation.
    imap_server.deliver(
        make_mail(sender="mallory@evil.example", subject="[#T-5]", message_id="<x@evil.example>")
    )

    assert await take_in(channel) == {Outcome.THREADED: 2, Outcome.OPENED: 1}

    assert [(cid, m.message_id) for cid, m in fake.added] == [
        ("e1", "<q2@customer.example>"),
        ("e1", "<q3@customer.example>"),
    ]
    assert [m.from_address for m in fake.opened] == ["alice@customer.example", "mallory@evil.example"]
    assert len(await smtp_server.wait_for(2)) == 2  # Alice's replies got no second acknowledgement
    with db.sessions() as session:
        seqs = session.scalars(
            select(MailHeader.seq).where(MailHeader.conversation_id == "e1", MailHeader.direction == "in")
        ).all()
    assert seqs == [1, 2, 3]
    await channel.intake.close()


async def test_given_auto_replies_and_bulk_mail_when_taken_in_then_they_open_conversations_but_get_no_ack(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    fake = FakeConversations()
    channel = _channel(db, imap_server, smtp_server, fake, clock)
    imap_server.deliver_many(
        [
            make_mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}),
            make_mail(subject="Newsletter", headers={"Precedence": "bulk", "List-Id": "<news.example>"}),
            make_mail(sender="support@example.com", subject="loop"),
        ]
    )
    assert await take_in(channel) == {Outcome.OPENED: 3}
    with db.sessions() as session:
        assert mail_outbox.pending(session) == []
        assert session.scalar(select(RawMail.id).where(RawMail.status != "processed")) is None
    assert smtp_server.received == []
    assert channel.processor.acknowledgements_refused == {"auto_submitted": 1, "bulk": 1, "ours": 1}
    await channel.intake.close()


async def test_given_a_broken_mime_mail_when_taken_in_then_it_is_quarantined_with_its_bytes_kept(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    fake = FakeConversations()
    channel = _channel(db, imap_server, smtp_server, fake, clock)
    imap_server.deliver(BROKEN_MULTIPART)
    imap_server.deliver(make_mail())

    assert await take_in(channel) == {Outcome.QUARANTINED: 1, Outcome.OPENED: 1}

    with db.sessions() as session:
        [kept] = mail_store.quarantined(session)
    assert kept.raw == BROKEN_MULTIPART
    assert (kept.reason, kept.detail) == ("email.quarantine.broken_mime", "StartBoundaryNotFoundDefect")
    assert len(fake.opened) == 1
    assert len(await smtp_server.wait_for(1)) == 1  # only the good mail was acknowledged
    await channel.intake.close()


async def test_given_the_service_refuses_once_when_retried_then_one_conversation_and_one_ack(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    fake = FakeConversations()
    channel = _channel(db, imap_server, smtp_server, fake, clock)
    imap_server.deliver(make_mail(message_id="<once@customer.example>"))
    fake.refuse_next = 1
    assert await take_in(channel) == {}
    with db.sessions() as session:
        assert mail_store.unprocessed(session) != []  # kept raw, still to do

    assert await take_in(channel) == {Outcome.OPENED: 1}
    # The same mail delivered again (a copy in the folder) is not a second message.
    imap_server.deliver(make_mail(message_id="<once@customer.example>"))
    assert await take_in(channel) == {Outcome.DUPLICATE: 1}
    assert len(fake.opened) == 1
    assert fake.added == []
    assert len(await smtp_server.wait_for(1)) == 1
    await channel.intake.close()


async def test_given_mail_already_fetched_when_fetched_again_then_nothing_is_stored_twice(
    db: Db, imap_server: ImapServer, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    channel = _channel(db, imap_server, smtp_server, FakeConversations(), clock)
    imap_server.deliver_many([make_mail(), make_mail()])
    assert await channel.intake.fetch_new() == 2
    assert await channel.intake.fetch_new() == 0
    await channel.intake.close()
    restarted = _channel(db, imap_server, smtp_server, FakeConversations(), clock)
    assert await restarted.intake.fetch_new() == 0
    imap_server.deliver(make_mail())
    assert await restarted.intake.fetch_new() == 1
    await restarted.intake.close()
