"""Small things a new user noticed: the icon, and a console that stays clean when the API says no."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from callcenter.app import Engine
from tests.e2e.conftest import sign_in

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
