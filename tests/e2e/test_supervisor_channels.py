"""The supervisor console in Chromium: "Queues by channel" shows each queue's phone, chat and e-mail
figures with their own targets (from the settings file), the waiting chats and e-mails are listed
beside the callers and one is moved to another queue from the browser (audited); in English, then
in Simplified Chinese after the supervisor switches language."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from acd.model import Channel, Customer, WorkItem
from callcenter.app import Engine
from tests.e2e.conftest import RINGING_PHONES, live_desktop, sign_in
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser

QUEUES = [
    {"name": "sales", "skills": {"sales": 2}, "service_level_chat_s": 10, "service_level_email_h": 2},
    {"name": "support", "skills": {"support": 2}},
]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    """Nobody signed in: the chat and the e-mail stay waiting."""
    settings = engine_settings(tmp_path, simulator=RINGING_PHONES, queues=QUEUES)
    async with live_desktop(settings) as running:
        yield running


async def test_the_console_shows_queues_by_channel_and_moves_a_waiting_chat_in_both_languages(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    now = time.time()
    await engine.router.enqueue(WorkItem("chat-7", Channel.CHAT, "sales", Customer("c1"), now - 5))
    await engine.router.enqueue(WorkItem("mail-9", Channel.EMAIL, "sales", Customer("c2"), now - 3 * 3600))

    boss = await sign_in(browser, url, "supervisor")
    await expect(boss.locator("h2[data-i18n='ui.chstats.title']")).to_have_text("Queues by channel")
    chat = boss.locator("#channels tr[data-queue='sales'][data-channel='chat']")
    mail = boss.locator("#channels tr[data-queue='sales'][data-channel='email']")
    await expect(chat.locator("td.channel")).to_have_text("Chat")
    await expect(chat.locator("td.waiting")).to_have_text("1")
    await expect(chat.locator("td.offered")).to_have_text("1")
    await expect(chat.locator("td.target")).to_have_text("answered within 10 s")
    await expect(chat.locator("td.sl")).to_have_text("–")
    await expect(mail.locator("td.channel")).to_have_text("E-mail")
    await expect(mail.locator("td.target")).to_have_text("first response within 2 h")
    await expect(mail.locator("td.longest")).to_have_text(re.compile(r"^3:00:\d\d$"))
    support_chat = boss.locator("#channels tr[data-queue='support'][data-channel='chat']")
    await expect(support_chat.locator("td.target")).to_have_text("answered within 30 s")
    await expect(
        boss.locator("#channels tr[data-queue='sales'][data-channel='voice'] td.channel")
    ).to_have_text("Phone")

    row = boss.locator("#waiting tr[data-item='chat-7']")
    await expect(row.locator("td.channel")).to_have_text("Chat")
    await expect(row.locator("td[data-queue]")).to_have_text("sales")
    await expect(row.locator("td.waited")).to_have_text(re.compile(r"^0:0[5-9]$"))
    await expect(boss.locator("#waiting tr[data-item='mail-9'] td.channel")).to_have_text("E-mail")
    await expect(boss.locator("#waiting-empty")).to_be_hidden()
    await row.locator("select[data-role='queue']").select_option("support")
    await row.locator("button[data-action='move']").click()
    await expect(boss.locator("#toast")).to_have_text("Moved to the other queue, keeping its wait time.")
    await expect(row.locator("td[data-queue]")).to_have_text("support")
    await expect(support_chat.locator("td.waiting")).to_have_text("1")
    await expect(chat.locator("td.waiting")).to_have_text("0")
    moved = boss.locator("#audit tr[data-action='waiting.move_item']")
    await expect(moved).to_contain_text("Waiting chat / e-mail moved")
    await expect(moved).to_contain_text("chat:chat-7")
    waiting = await engine.router.waiting_item("chat-7")
    assert waiting is not None
    assert (waiting.queue, waiting.arrived_at) == ("support", now - 5)

    await boss.select_option("#lang", "zh_CN")  # saved on the account; the page reloads
    await expect(boss.locator("h2[data-i18n='ui.chstats.title']")).to_have_text("各渠道队列")
    await expect(chat.locator("td.channel")).to_have_text("在线聊天")
    await expect(chat.locator("td.target")).to_have_text("10 秒内接待")
    await expect(mail.locator("td.channel")).to_have_text("电子邮件")
    await expect(mail.locator("td.target")).to_have_text("2 小时内首次回复")
    await expect(boss.locator("#channels th").nth(1)).to_have_text("渠道")
    await expect(boss.locator("#waiting tr[data-item='mail-9'] td.channel")).to_have_text("电子邮件")
    await expect(boss.locator("#waiting tr[data-item='mail-9'] button[data-action='move']")).to_have_text(
        re.compile(r"\S")
    )
    await expect(moved).to_contain_text("等待中的聊天 / 邮件被转移")
