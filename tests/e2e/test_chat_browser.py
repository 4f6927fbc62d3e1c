"""A visitor in one Chromium context chats with an agent in another, in English and in Chinese: the
pop, a quick answer, files both ways, a network drop on both sides (nothing lost, nothing twice), a
supervisor joining, a transfer to a colleague, and the transcript in the CRM."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, BrowserContext, Locator, Page, WebSocketRoute, expect
from sqlalchemy import select

from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.clock import SystemClock
from callcenter.i18n import translate
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.knowledge import ArticleDraft, KnowledgeBase
from crm_core.models import Interaction
from tests.e2e.conftest import go_available, live_desktop, sign_in
from tests.integration.desktop.chat_helpers import ROOMY_LIMITS
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 48


@pytest.fixture
async def chat_server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    async with live_desktop(engine_settings(tmp_path, chat=ROOMY_LIMITS)) as (engine, url):
        with engine.contact_center.sessions.begin() as session:
            CustomerService(SystemClock(), "US").create(
                session, CustomerDraft("Ann Lee", native_name="李安", emails=("ann@example.com",))
            )
            KnowledgeBase(SystemClock()).add(
                session, ArticleDraft("Refund policy", "Refunds are paid within 14 days. 退款14天内到账。")
            )
        yield engine, url


class Network:
    """A browser context's network, dropped and restored by the test: HTTP through Chromium's offline
    mode, WebSockets (which that mode leaves open) through Playwright's WebSocket routing: open ones
    are cut, new ones refused until the network is back."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.down = False
        self.sockets: list[WebSocketRoute] = []

    async def install(self, pattern: str) -> None:
        await self.context.route_web_socket(pattern, self._socket)

    async def _socket(self, ws: WebSocketRoute) -> None:
        if self.down:
            await ws.close(code=4000, reason="network down")
            return
        ws.connect_to_server()
        self.sockets.append(ws)

    async def drop(self) -> None:
        self.down = True
        await self.context.set_offline(True)
        for ws in self.sockets:
            await ws.close(code=4000, reason="network down")
        self.sockets.clear()

    async def restore(self) -> None:
        self.down = False
        await self.context.set_offline(False)


async def _agent(browser: Browser, url: str, username: str, language: str) -> tuple[Page, Network]:
    page = await sign_in(browser, url, username)
    await page.evaluate("(lang) => CC.api('PATCH', '/api/auth/me', { language: lang })", language)
    network = Network(page.context)
    await network.install("**/ws")
    await page.reload()
    await expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"), timeout=10_000)
    await go_available(page)
    return page, network


async def _visitor(browser: Browser, url: str, language: str) -> tuple[Page, Network]:
    """The visitor's browser speaks ``language``: the chat page follows it with no choice made."""
    context = await browser.new_context(locale="zh-CN" if language == "zh_CN" else "en-US")
    page = await context.new_page()
    network = Network(context)
    await network.install("**/api/chat/ws")
    await page.goto(url + "/chat")
    await expect(page.locator("#ccw-start")).to_have_text(translate("ui.chat.start", language))
    return page, network


async def _texts(log: Locator) -> list[str]:
    """The texts of rendered, stored messages."""
    script = "(els) => els.map((e) => e.querySelector('[class$=text]').textContent)"
    texts: list[str] = await log.evaluate_all(script)
    return texts


async def _stored_texts(engine: Engine, cid: str) -> list[str]:
    return [m.text for m in await engine.conversations.messages(cid) if m.sender.value != "system"]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_given_a_visitor_and_an_agent_when_they_chat_then_everything_arrives_once_in_both_languages(
    browser: Browser, chat_server: tuple[Engine, str], language: str, tmp_path: Path
) -> None:
    engine, url = chat_server

    def t(code: str) -> str:
        return translate(code, language)

    agent, agent_network = await _agent(browser, url, "agent1002", language)
    visitor, visitor_network = await _visitor(browser, url, language)

    # The pre-chat form; the agent gets the offer with the CRM pop.
    await visitor.fill("#ccw-name", "Ann Lee")
    await visitor.fill("#ccw-email", "ann@example.com")
    await visitor.select_option("#ccw-topic", "support")
    await visitor.click("#ccw-start")
    offer = agent.locator(".chat-offer")
    await expect(offer).to_have_count(1, timeout=10_000)
    await expect(offer.locator("#pop-customer")).to_contain_text("Ann Lee")
    await offer.locator(".chat-accept").click()
    await expect(visitor.locator("#ccw-status")).to_have_text(t("ui.chat.status.active"), timeout=10_000)
    cid = await visitor.evaluate("CCChat.state.conversation_id")

    # Messages both ways; HTML stays text.
    await visitor.fill("#ccw-input", "Hello <b>there</b> 你好")
    await visitor.press("#ccw-input", "Enter")
    view = agent.locator(f".chat-view[data-conversation='{cid}']")
    await expect(view.locator(".chat-msg.customer .chat-text")).to_have_text(["Hello <b>there</b> 你好"])
    await expect(view.locator(".chat-msg.customer b")).to_have_count(0)

    # A quick answer from the knowledge base.
    await view.locator(".chat-answers summary").click()
    await view.locator(".chat-kb-q").fill("refund")
    await view.locator(".chat-kb-q").press("Enter")
    await view.locator(".chat-kb-insert").first.click()
    await view.locator(".chat-send").click()
    answer = "Refunds are paid within 14 days. 退款14天内到账。"
    await expect(visitor.locator("li.ccw-agent .ccw-text")).to_have_text([answer])

    # Files both ways.
    picture = tmp_path / "parcel.png"
    picture.write_bytes(PNG)
    await visitor.set_input_files("#ccw-file", str(picture))
    await expect(view.locator(".chat-attachment")).to_have_text(["📎 parcel.png"])
    await view.locator(".chat-file").set_input_files(str(picture))
    await expect(visitor.locator(".ccw-agent .ccw-attachment")).to_have_text(["📎 parcel.png"])

    # Both sides lose the network; both write meanwhile; nothing is lost or doubled.
    await visitor_network.drop()
    await agent_network.drop()
    await expect(agent.locator("#live")).to_have_class(re.compile(r"\boff\b"), timeout=10_000)
    await expect(visitor.locator("#ccw")).to_have_attribute("data-live", "off")
    await visitor.fill("#ccw-input", "offline one")
    await visitor.press("#ccw-input", "Enter")
    await visitor.fill("#ccw-input", "offline two")
    await visitor.press("#ccw-input", "Enter")
    await view.locator(".chat-input").fill("agent while offline")
    await view.locator(".chat-send").click()
    await expect(visitor.locator("li.ccw-pending")).to_have_count(2)
    await expect(view.locator("li.pending")).to_have_count(1)
    await visitor_network.restore()  # the visitor's messages go while the agent is still away
    await expect(visitor.locator("li.ccw-pending")).to_have_count(0, timeout=20_000)
    await agent_network.restore()
    await expect(view.locator("li.pending")).to_have_count(0, timeout=20_000)
    await expect(agent.locator("#live")).to_have_class(re.compile(r"\bon\b"), timeout=20_000)
    stored = await _stored_texts(engine, cid)
    assert (
        stored.count("offline one") == stored.count("offline two") == stored.count("agent while offline") == 1
    )
    visitor_log = visitor.locator("#ccw-messages li[data-seq]:not([data-sender='system'])")
    agent_log = view.locator(".chat-log li[data-seq]:not([data-sender='system'])")
    await expect(visitor_log).to_have_count(len(stored), timeout=20_000)
    await expect(agent_log).to_have_count(len(stored), timeout=20_000)
    assert await _texts(visitor_log) == stored
    assert await _texts(agent_log) == stored

    # A supervisor reads the chat, joins it and writes.
    boss = await sign_in(browser, url, "supervisor")
    row = boss.locator(f"#live-chats tr[data-conversation='{cid}']")
    await row.locator(".chat-read").click()
    await expect(boss.locator("#reader-log")).to_contain_text("offline two")
    await boss.click("#reader-join")
    await boss.fill("#reader-input", "I am the team lead")
    await boss.click("#reader-send")
    await expect(visitor.locator("li.ccw-supervisor .ccw-text")).to_have_text(["I am the team lead"])

    # Transfer to a colleague, who ends it and wraps it up.
    colleague, _ = await _agent(browser, url, "agent1003", language)
    await view.locator(".chat-transfer-kind").select_option("agent")
    await view.locator(".chat-transfer-target").fill("1003")
    await view.locator(".chat-transfer-go").click()
    await expect(agent.locator(f".chat-view[data-conversation='{cid}']")).to_have_count(0)
    await colleague.locator(".chat-offer .chat-accept").click(timeout=10_000)
    theirs = colleague.locator(f".chat-view[data-conversation='{cid}']")
    await expect(theirs.locator(".chat-msg.customer .chat-text").first).to_have_text(
        "Hello <b>there</b> 你好"
    )
    await theirs.locator(".chat-end").click()
    await expect(visitor.locator("#ccw-status")).to_have_text(t("ui.chat.status.wrap_up"), timeout=10_000)
    await theirs.locator(".chat-disposition").select_option(index=1)
    await theirs.locator(".chat-wrap-save").click()
    await expect(theirs).to_have_count(0)

    with engine.contact_center.sessions() as session:
        row_ = session.scalars(select(Interaction).where(Interaction.external_ref == f"chat:{cid}")).one()
    assert row_.channel == "chat"
    assert row_.agent_id == "1003"
    assert row_.disposition
    assert row_.transcript is not None
    for text in (
        "Hello <b>there</b> 你好",
        answer,
        "offline one",
        "agent while offline",
        "I am the team lead",
    ):
        assert text in row_.transcript


@contextlib.asynccontextmanager
async def shop_site(page_html: dict[str, str]) -> AsyncIterator[str]:
    """Another site (another origin on this host) serving ``page_html["/"]``."""
    shop = FastAPI()

    @shop.get("/", response_class=HTMLResponse)
    async def home() -> str:
        return page_html["/"]

    async with running_server(shop) as url:
        yield url


async def test_given_a_site_with_the_widget_tag_then_a_visitor_chats_from_it_across_origins(
    browser: Browser, tmp_path: Path
) -> None:
    """One <script> tag on another site: the button opens the panel and the chat reaches the agent."""
    html: dict[str, str] = {}
    async with shop_site(html) as shop_url:
        settings = engine_settings(tmp_path, chat={**ROOMY_LIMITS, "allowed_origins": [shop_url]})
        async with live_desktop(settings) as (_engine, url):
            html["/"] = (
                f"<!doctype html><title>Shop</title><h1>Shop</h1>"
                f'<script src="{url}/chat/widget.js" data-topic="support"></script>'
            )
            await _chat_from_the_shop(browser, url, shop_url)


async def _chat_from_the_shop(browser: Browser, url: str, shop_url: str) -> None:
    agent, _ = await _agent(browser, url, "agent1002", "en")
    context = await browser.new_context(locale="en-US")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(shop_url + "/")
    await expect(page.locator("#ccw-open")).to_have_text(translate("ui.chat.open", "en"))
    await page.click("#ccw-open")
    await page.select_option("#ccw-lang", "zh_CN")  # the visitor's own choice wins over the browser's
    await expect(page.locator("#ccw-start")).to_have_text(translate("ui.chat.start", "zh_CN"))
    await expect(page.locator("#ccw-topic")).to_have_value("support")
    await page.fill("#ccw-name", "Bo Chen")
    await page.click("#ccw-start")
    await agent.locator(".chat-offer .chat-accept").click(timeout=10_000)
    await expect(page.locator("#ccw-status")).to_have_text(
        translate("ui.chat.status.active", "zh_CN"), timeout=10_000
    )
    await page.fill("#ccw-input", "from the shop")
    await page.press("#ccw-input", "Enter")
    await expect(agent.locator(".chat-msg.customer .chat-text")).to_have_text(["from the shop"])
    # A reload of the site's page resumes the same chat (the key is kept by the widget).
    await page.reload()
    await expect(page.locator("#ccw-messages li.ccw-customer .ccw-text")).to_have_text(["from the shop"])
    assert errors == []
