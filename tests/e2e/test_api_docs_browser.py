"""In the browser: the admin's interactive API docs draw from files the site serves itself, under the
page's CSP (no CDN), and list the API's operations."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from tests.e2e.test_admin_users_browser import admin_page
from tests.integration.desktop.test_admin_routing import running_desktop
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser


async def test_given_an_admin_when_opening_the_api_docs_then_swagger_ui_lists_the_operations(
    browser: Browser, tmp_path: Path
) -> None:
    async with running_desktop(engine_settings(tmp_path)) as desktop:
        page = await admin_page(browser, desktop.url)
        console_errors: list[str] = []

        def remember(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(message.text)

        page.on("console", remember)
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(desktop.url) else outside.append(r.url))
        await page.goto(desktop.url + "/api/docs")
        await expect(page.locator(".opblock-summary-path", has_text="/api/admin/users").first).to_be_visible(
            timeout=15_000
        )
        await expect(page.locator(".info .title")).to_contain_text("callcenter")
        assert outside == []
        assert console_errors == []
