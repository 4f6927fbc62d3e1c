"""A queue that asks for it (``voicemail.notify``) is told of each new voicemail by e-mail with the
audio attached, through the e-mail channel's outbox (real aiosmtpd; dovecot for the channel's intake)."""

from __future__ import annotations

from pathlib import Path

from callcenter.i18n import translate
from tests.email_servers import ImapServer, SmtpServer, imap_server, smtp_server
from tests.integration.email.mail_helpers import email_options
from tests.integration.voicemail.engine_helpers import after_hours, leave_message, voicemail_row

__all__ = ["imap_server", "smtp_server"]


async def test_given_a_queue_with_an_address_when_a_voicemail_is_left_then_the_team_gets_the_audio(
    tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer
) -> None:
    email = email_options(imap_server, smtp_server, address="support@example.com", retry_interval_s=0.2)
    async with after_hours(tmp_path, email=email, notify={"general": "team@example.com"}) as desk:
        await leave_message(desk.engine, "2125550149")
        row = await voicemail_row(desk.engine)
        [mail] = await smtp_server.wait_for(1)

    message = mail.message
    assert mail.rcpt_tos == ("team@example.com",)
    assert message["Subject"] == translate("voicemail.mail.subject", "en", caller="Test Caller")
    assert "2125550149" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [audio] = list(message.iter_attachments())
    assert audio.get_content_type() == "audio/wav"
    assert audio.get_content() == Path(row.file_path).read_bytes()
