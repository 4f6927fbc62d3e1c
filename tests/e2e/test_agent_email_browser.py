"""The agent's e-mail pane in Chromium, with the real engine, dovecot and aiosmtpd: the mail shows
sanitized (no script ran, no remote image), a suggestion and the reply go out by SMTP; the sender
is linked to a new customer; in English and in Simplified Chinese."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from callcenter.clock import SystemClock
from crm_core.knowledge import ArticleDraft, KnowledgeBase
from tests.e2e.conftest import live_desktop, sign_in
from tests.email_servers import ImapServer, SmtpServer, imap_server, smtp_server
from tests.integration.email.test_email_routes import html_mail
from tests.integration.engine.chat_desk import Offers
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until

__all__ = ["imap_server", "smtp_server"]


@pytest.fixture
async def server(
    tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer
) -> AsyncIterator[tuple[Engine, str]]:
    email = {
        "enabled": True,
        "imap_host": imap_server.host,
        "imap_port": imap_server.port,
        "imap_ssl": False,
        "imap_user": imap_server.user,
        "imap_password": imap_server.password,
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "smtp_starttls": False,
        "poll_interval_s": 0.5,
        "default_queue": "general",  # no skills asked: Li Na (sales) and Bob (support) both take it
    }
    async with live_desktop(engine_settings(tmp_path, email=email)) as running:
        yield running


async def _accepted_by(engine: Engine, imap: ImapServer, agent_id: str) -> str:
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


@pytest.mark.parametrize(
    ("agent", "send_label", "linked"),
    [("1002", "Send reply", "Linked to the customer"), ("1001", "发送回复", "已关联到客户")],
)
async def test_given_an_email_for_the_agent_when_read_and_answered_in_the_browser_then_the_reply_is_mailed(
    browser: Browser,
    server: tuple[Engine, str],
    imap_server: ImapServer,
    smtp_server: SmtpServer,
    agent: str,
    send_label: str,
    linked: str,
) -> None:
    engine, url = server
    with engine.contact_center.sessions.begin() as session:
        KnowledgeBase(SystemClock()).add(
            session, ArticleDraft("Kettle refunds", "We refund a kettle within 30 days.")
        )
    cid = await _accepted_by(engine, imap_server, agent)
    page = await sign_in(browser, url, f"agent{agent}")
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await page.click(f"[data-email='{cid}']")
    html = page.locator("#email-thread .email.in .email-html")
    await expect(html).to_contain_text("Please refund my kettle.")
    assert await html.locator("script, img, [onclick]").count() == 0
    await expect(page.locator("#email-thread a[download='receipt.pdf']")).to_have_count(1)
    await expect(page.locator("#email-send")).to_have_text(send_label)
    await page.click("#email-suggestions button")
    await page.fill("#email-reply", "Refunded today. " + await page.input_value("#email-reply"))
    await page.click("#email-send")
    mails = await smtp_server.wait_for(2)
    body = mails[1].message.get_content()
    assert body.startswith("Refunded today. ")
    assert "kettle" in body
    await page.fill("#email-new-name", "Carol Jones")
    await page.click("#email-link-new")
    await expect(page.locator("#toast")).to_have_text(linked)
    assert dialogs == []  # the customer's script never ran
