"""Small things a new user noticed: the icon, and a console that stays clean when the API says no."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, expect
from sqlalchemy import select

from callcenter.app import Engine
from crm_core.models import Customer, Interaction, Ticket
from tests.e2e.conftest import PASSWORD, sign_in
from tests.integration.engine.conftest import sign_in_agents
from tests.integration.ivr_editor.live import live_editor

pytestmark = pytest.mark.browser


async def test_given_any_page_when_the_browser_asks_for_the_icon_then_it_gets_one(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _engine, url = server
    async with httpx.AsyncClient(base_url=url) as client:
        icon = await client.get("/favicon.ico")
        linked = await client.get("/static/favicon.svg")
    assert (icon.status_code, icon.headers["content-type"]) == (200, "image/svg+xml")
    assert linked.status_code == 200
    assert icon.content.startswith(b"<svg")
    page = await sign_in(browser, url, "agent1001")
    assert await page.locator("link[rel='icon']").get_attribute("href") == "/static/favicon.svg"


async def test_given_a_refused_api_call_when_the_page_does_not_catch_it_then_only_the_toast_tells(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _engine, url = server
    page = await sign_in(browser, url, "supervisor")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        # The browser's own network line for a 4xx answer is not a script error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    await page.evaluate("() => { CC.api('GET', '/api/customers/99999999'); }")
    await expect(page.locator("#toast")).to_have_class("toast error")
    await page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
    assert errors == []
    # a real script error still reaches the console
    await page.evaluate("() => { Promise.reject(new Error('a real bug')); }")
    await page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 300))")
    assert any("a real bug" in e for e in errors), errors


def _customer_with_history(engine: Engine) -> int:
    """A demo customer with an answered call in their timeline and an open ticket."""
    with engine.contact_center.sessions() as session:
        answered = select(Interaction.customer_id).where(Interaction.outcome == "answered")
        ticketed = select(Ticket.customer_id).where(Ticket.status.in_(("new", "open", "pending")))
        found = session.scalar(
            select(Customer.id).where(Customer.id.in_(answered), Customer.id.in_(ticketed))
        )
    assert found is not None
    return found


async def test_given_a_chinese_desktop_then_stored_codes_and_dates_are_shown_in_chinese(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    await sign_in_agents(engine, "1002")
    async with httpx.AsyncClient(base_url=url) as supervisor:
        login = {"username": "supervisor", "password": PASSWORD}
        assert (await supervisor.post("/api/auth/login", json=login)).is_success
        forced = await supervisor.post("/api/supervisor/agents/1002/state", json={"state": "paused"})
        assert forced.is_success
        chinese = {"language": "zh_CN", "timezone": "Asia/Shanghai"}
        assert (await supervisor.patch("/api/auth/me", json=chinese)).is_success

    agent = await sign_in(browser, url, "agent1001")  # Li Na works in Chinese
    await agent.evaluate(f"showCustomer({_customer_with_history(engine)})")
    view = agent.locator("#customer-view")
    await expect(view).to_contain_text("已接听")
    await expect(view).not_to_contain_text("answered")
    await expect(view).to_contain_text("电话")
    await expect(view.locator("li").filter(has_text="#")).not_to_contain_text(
        re.compile(r"\[(new|open|pending)\]")
    )

    console = await sign_in(browser, url, "supervisor")
    forced_row = console.locator("#audit tr[data-action='agent.force_state']")
    await expect(forced_row).to_contain_text("强制设置坐席状态")


async def test_given_a_chinese_admin_in_the_flow_editor_then_dates_and_actions_look_as_elsewhere(
    browser: Browser, tmp_path: Path
) -> None:
    async with live_editor(tmp_path) as live:
        async with live.signed_in("admin") as admin:
            chinese = {"language": "zh_CN", "timezone": "Asia/Shanghai"}
            assert (await admin.patch("/api/auth/me", json=chinese)).is_success
        page = await (await browser.new_context()).new_page()
        await page.goto(live.url + "/login")
        await page.fill("#username", "admin")
        await page.fill("#password", PASSWORD)
        await page.click("#submit")
        await page.wait_for_url(live.url + "/admin")
        await page.goto(live.url + "/admin/ivr")
        await expect(page.locator("#audit li").first).to_contain_text("发布")
        created = live.repo.history("main")[0].created_at.isoformat()
        cell = page.locator("#history tr[data-version='1'] td").nth(2)
        await expect(cell).not_to_be_empty()
        shown = await cell.text_content()
        assert shown == await page.evaluate("(at) => CC.time(at)", created)
        assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}:\d{2}", shown or ""), shown


async def test_given_the_admin_page_then_the_flow_editor_is_one_visible_click_away_and_no_style_is_refused(
    browser: Browser, tmp_path: Path
) -> None:
    async with live_editor(tmp_path) as live:
        page = await (await browser.new_context()).new_page()
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        await page.goto(live.url + "/login")
        await page.fill("#username", "admin")
        await page.fill("#password", PASSWORD)
        await page.click("#submit")
        await page.wait_for_url(live.url + "/admin")
        link = page.locator("#ivr-editor-link")
        await expect(link).to_be_visible()
        await expect(page.locator("header a[href='/supervisor']")).to_have_css("color", "rgb(255, 255, 255)")
        await expect(page.locator("input[name='voice']")).to_have_css(
            "width", re.compile(r"^[4-9]\d(\.\d+)?px$")
        )
        await link.click()
        await page.wait_for_url(live.url + "/admin/ivr")
        assert refused == []
