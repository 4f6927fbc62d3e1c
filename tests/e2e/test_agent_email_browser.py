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
from tests.integration.email.mail_helpers import accepted_mail, email_options
from tests.integration.engine.conftest import engine_settings

__all__ = ["imap_server", "smtp_server"]


@pytest.fixture
async def server(
    tmp_path: Path, imap_server: ImapServer, smtp_server: SmtpServer
) -> AsyncIterator[tuple[Engine, str]]:
    # No skills asked: Li Na (sales) and Bob (support) both take it.
    email = email_options(imap_server, smtp_server, default_queue="general")
    async with live_desktop(engine_settings(tmp_path, email=email)) as running:
        yield running


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
    cid = await accepted_mail(engine, imap_server, agent)
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
