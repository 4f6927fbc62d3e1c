"""Shared by the e-mail tests: the ``email`` settings that reach the test's dovecot and aiosmtpd, a
hostile HTML mail, and that mail's conversation accepted by an agent."""

from __future__ import annotations

from email.message import EmailMessage

from callcenter.app import Engine
from callcenter.email.channel import EmailChannel
from callcenter.email.processing import Outcome
from callcenter.settings_email import EmailSettings
from tests.email_servers import ImapServer, SmtpServer
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import sign_in_agents
from tests.waiting import wait_until


def email_options(imap: ImapServer, smtp: SmtpServer, **overrides: object) -> dict[str, object]:
    """The ``email`` settings (as in a settings file) for these servers, polling every 0.5 s."""
    return {
        "enabled": True,
        "imap_host": imap.host,
        "imap_port": imap.port,
        "imap_ssl": False,
        "imap_user": imap.user,
        "imap_password": imap.password,
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_starttls": False,
        "poll_interval_s": 0.5,
        **overrides,
    }


def email_settings(imap: ImapServer, smtp: SmtpServer, **overrides: object) -> EmailSettings:
    """A channel's settings for these servers: our address, quick retries, a support signature."""
    values: dict[str, object] = {
        "address": "support@example.com",
        "retry_interval_s": 0.2,
        "signatures": {"support": "Example Ltd. support team"},
        **overrides,
    }
    return EmailSettings.model_validate(email_options(imap, smtp, **values))


async def take_in(channel: EmailChannel) -> dict[Outcome, int]:
    """One round of the channel by hand: fetch what is new, process it, send what that wrote."""
    await channel.intake.fetch_new()
    outcomes = await channel.processor.process_pending()
    await channel.outbox.flush()
    return outcomes


def html_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Carol <carol@newcustomer.example>"
    message["To"] = "support@example.com"
    message["Subject"] = "Refund for my kettle"
    message["Message-ID"] = "<html-1@newcustomer.example>"
    message.set_content("Please refund my kettle.")
    message.add_alternative(
        '<p onclick="steal()">Please <b>refund</b> my kettle.</p><script>alert(1)</script>'
        '<img src="https://tracker.example/pixel.gif"><a href="javascript:alert(2)">x</a>',
        subtype="html",
    )
    message.add_attachment(b"%PDF-1.4 receipt", maintype="application", subtype="pdf", filename="receipt.pdf")
    return message.as_bytes()


async def accepted_mail(engine: Engine, imap: ImapServer, agent_id: str) -> str:
    """Sign ``agent_id`` in, deliver :func:`html_mail` and accept its conversation as them: its id."""
    await sign_in_agents(engine, agent_id)
    offers = Offers(engine.bus.subscribe())
    imap.deliver(html_mail())

    async def opened() -> bool:
        return bool(await engine.conversations.live())

    await wait_until(opened, timeout=10, what="the mail's conversation")
    cid = (await engine.conversations.live())[0].conversation_id
    offer = await offers.next_for(cid)
    await engine.conversations.accept(agent_id, offer.offer_id)
    return cid
