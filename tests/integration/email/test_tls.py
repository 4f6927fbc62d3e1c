"""The e-mail channel over TLS: IMAPS from dovecot (``ssl = required``) and SMTP with STARTTLS
(aiosmtpd, ``require_starttls``), trusting a private CA given in ``email.tls_ca_file``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from acd.model import Channel
from callcenter.conversations.api import ConversationStatus, ConversationView
from callcenter.email.channel import EmailChannel, build_email_channel
from callcenter.settings_email import EmailSettings
from crm_core import mail_outbox, mail_store
from crm_core.models_mail import OutboxMail
from tests.crm_conftest_helpers import Db, FakeClock
from tests.email_servers import (
    ImapServer,
    MailCertificates,
    SmtpServer,
    TlsFiles,
    mail_certificates,
    make_mail,
    running_dovecot,
)
from tests.fakes.conversations import FakeConversations
from tests.integration.email.mail_helpers import email_settings

__all__ = ["mail_certificates"]

UNTRUSTED = {
    "foreign": "certificate verify failed: unable to get local issuer certificate",
    "wrong_name": "certificate verify failed: IP address mismatch",
}


@pytest.fixture
def imaps_server(mail_certificates: MailCertificates) -> Iterator[ImapServer]:
    with running_dovecot(mail_certificates.good) as server:
        yield server


@pytest.fixture
def starttls_server(mail_certificates: MailCertificates) -> Iterator[SmtpServer]:
    server = SmtpServer(mail_certificates.good)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _tls_settings(imap: ImapServer, smtp: SmtpServer, ca: Path, **overrides: object) -> EmailSettings:
    values: dict[str, object] = {"imap_ssl": True, "smtp_starttls": True, "tls_ca_file": str(ca)}
    return email_settings(imap, smtp, **(values | overrides))


def _certificates(which: str, certificates: MailCertificates) -> TlsFiles:
    return certificates.foreign if which == "foreign" else certificates.wrong_name


async def _logged(
    caplog: pytest.LogCaptureFixture, logger: str, within_s: float = 10.0, level: int = logging.ERROR
) -> logging.LogRecord:
    """The first record of ``logger`` at ``level`` about a TLS failure (waiting for it)."""
    deadline = time.monotonic() + within_s
    while True:
        for record in caplog.records:
            if record.name == logger and record.levelno == level and "TLS" in record.getMessage():
                return record
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    raise AssertionError(f"{logger} logged no TLS failure at {logging.getLevelName(level)}")


async def _transcript(channel: EmailChannel, to_address: str = "ann@customer.example") -> None:
    view = ConversationView(
        "chat-1",
        Channel.CHAT,
        ConversationStatus.ENDED,
        "support",
        "en",
        None,
        "Ann",
        None,
        "",
        "1001",
        (),
        None,
        0.0,
        0,
    )
    await channel.transcripts.send_transcript(view, (), to_address)


async def test_given_imaps_and_starttls_with_a_private_ca_when_mail_arrives_then_it_comes_in_and_is_answered(
    db: Db,
    imaps_server: ImapServer,
    starttls_server: SmtpServer,
    mail_certificates: MailCertificates,
    clock: FakeClock,
) -> None:
    fake = FakeConversations(first_ticket=9)
    settings = _tls_settings(imaps_server, starttls_server, mail_certificates.good.ca, poll_interval_s=30.0)
    channel = build_email_channel(settings, db.sessions, fake, clock)
    await channel.start()
    try:
        await asyncio.sleep(0.3)  # connected over TLS and idling: only IDLE can be this quick
        imaps_server.deliver(make_mail(message_id="<ask@customer.example>"))
        [ack] = await starttls_server.wait_for(1)
        assert [mail.message_id for mail in fake.opened] == ["<ask@customer.example>"]

        message = await fake.post_agent("e1", "1001", "It ships tomorrow.", "c-1")
        await channel.replies.send_reply(await fake.view("e1"), message)
        reply = (await starttls_server.wait_for(2))[1]
    finally:
        await channel.stop()
    assert ack.tls
    assert reply.tls
    assert reply.rcpt_tos == ("alice@customer.example",)
    assert reply.message["In-Reply-To"] == "<ask@customer.example>"
    assert imaps_server.count() == 1  # fetched with BODY.PEEK[], left in place


@pytest.mark.parametrize("which", ["foreign", "wrong_name"])
async def test_given_an_untrusted_imap_certificate_when_running_then_an_error_is_logged_and_the_mail_stays(
    db: Db,
    smtp_server: SmtpServer,
    mail_certificates: MailCertificates,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    which: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="callcenter.email.intake")  # the repeats are logged at DEBUG
    fake = FakeConversations()
    with running_dovecot(_certificates(which, mail_certificates)) as imap:
        imap.deliver(make_mail())
        settings = _tls_settings(imap, smtp_server, mail_certificates.good.ca, smtp_starttls=False)
        channel = build_email_channel(settings, db.sessions, fake, clock)
        await channel.start()
        try:
            record = await _logged(caplog, "callcenter.email.intake")
            await _logged(caplog, "callcenter.email.intake", level=logging.DEBUG)  # retried
        finally:
            await channel.stop()
        assert "TLS verification" in record.getMessage()
        assert "email.tls_ca_file" in record.getMessage()
        assert str(getattr(record, "reason", "")).startswith(UNTRUSTED[which])
        assert getattr(record, "server", "") == channel.intake.source
        errors = [r for r in caplog.records if r.name == record.name and r.levelno == logging.ERROR]
        assert errors == [record]  # once, not on every retry
        assert fake.opened == []
        assert smtp_server.received == []
        with db.sessions() as session:
            assert mail_store.count_by_status(session) == {}
        assert imap.count() == 1


async def test_given_the_servers_ca_is_configured_after_a_refusal_then_the_waiting_mail_comes_in(
    db: Db, smtp_server: SmtpServer, mail_certificates: MailCertificates, clock: FakeClock
) -> None:
    fake = FakeConversations()
    with running_dovecot(mail_certificates.foreign) as imap:
        imap.deliver(make_mail(message_id="<waiting@customer.example>"))
        refused = build_email_channel(
            _tls_settings(imap, smtp_server, mail_certificates.good.ca), db.sessions, fake, clock
        )
        with pytest.raises(OSError, match="unable to get local issuer certificate"):
            await refused.intake.fetch_new()
        await refused.intake.close()

        fixed = _tls_settings(imap, smtp_server, mail_certificates.foreign.ca)
        channel = build_email_channel(fixed, db.sessions, fake, clock)
        assert await channel.intake.fetch_new() == 1
        await channel.processor.process_pending()
        await channel.intake.close()
    assert [mail.message_id for mail in fake.opened] == ["<waiting@customer.example>"]


@pytest.mark.parametrize("which", ["foreign", "wrong_name"])
async def test_given_an_untrusted_smtp_certificate_when_sending_then_the_mail_waits_and_goes_out_once_fixed(
    db: Db,
    imap_server: ImapServer,
    mail_certificates: MailCertificates,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    which: str,
) -> None:
    caplog.set_level(logging.INFO)
    untrusted = SmtpServer(_certificates(which, mail_certificates))
    untrusted.start()
    try:
        settings = _tls_settings(imap_server, untrusted, mail_certificates.good.ca, imap_ssl=False)
        channel = build_email_channel(settings, db.sessions, FakeConversations(), clock)
        await _transcript(channel)
        assert await channel.outbox.flush() == 0
        assert await channel.outbox.flush() == 0  # tried again: still refused
    finally:
        untrusted.stop()
    assert untrusted.received == []
    record = await _logged(caplog, "callcenter.email.outbox", within_s=0)
    errors = [r for r in caplog.records if r.name == record.name and r.levelno == logging.ERROR]
    assert errors == [record]  # once, not on every retry
    assert "TLS verification" in record.getMessage()
    assert "email.tls_ca_file" in record.getMessage()
    assert str(getattr(record, "reason", "")).startswith(UNTRUSTED[which])
    with db.sessions() as session:
        [waiting] = mail_outbox.pending(session)
        row = session.get(OutboxMail, waiting.id)
        assert row is not None
        assert (row.last_error or "").startswith(UNTRUSTED[which])
    assert waiting.attempts == 2

    trusted = SmtpServer(mail_certificates.good, port=untrusted.port)  # the certificate is fixed
    trusted.start()
    runner = asyncio.create_task(channel.outbox.run())
    try:
        [mail] = await trusted.wait_for(1)
        await asyncio.sleep(0.5)  # more retry rounds: nothing more may go out
    finally:
        runner.cancel()
        trusted.stop()
    assert len(trusted.received) == 1
    assert mail.tls
    assert mail.message["Message-ID"] == waiting.message_id
    with db.sessions() as session:
        assert mail_outbox.pending(session) == []


async def test_given_starttls_is_required_when_the_server_does_not_offer_it_then_nothing_goes_out_in_clear(
    db: Db,
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    mail_certificates: MailCertificates,
    clock: FakeClock,
) -> None:
    settings = _tls_settings(imap_server, smtp_server, mail_certificates.good.ca, imap_ssl=False)
    channel = build_email_channel(settings, db.sessions, FakeConversations(), clock)
    await _transcript(channel)
    assert await channel.outbox.flush() == 0
    assert smtp_server.received == []
    with db.sessions() as session:
        [waiting] = mail_outbox.pending(session)
    assert waiting.attempts == 1
