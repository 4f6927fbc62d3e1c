"""In the browser: an admin edits an agent's skills and capacity and a queue, sees a clear error for a
bad level, and deletes the queue again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, expect

from tests.integration.desktop.conftest import PASSWORD
from tests.integration.desktop.test_admin_routing import running_desktop
from tests.integration.engine.conftest import engine_settings, sign_in_agents

pytestmark = pytest.mark.browser


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def test_given_the_admin_page_when_editing_agents_and_queues_then_the_tables_show_the_changes(
    browser: Browser, tmp_path: Path
) -> None:
    async with running_desktop(engine_settings(tmp_path)) as desktop:
        await sign_in_agents(desktop.engine)  # signed in: a change applies at once
        page = await (await browser.new_context(viewport={"width": 1600, "height": 1000})).new_page()
        await page.goto(desktop.url + "/login")
        await page.fill("#username", "admin")
        await page.fill("#password", PASSWORD)
        await page.click("#submit")
        await page.wait_for_url(re.compile(r"/admin$"))
        await expect(page.locator("p[data-i18n='ui.routing_help']")).to_contain_text("only the seed")
        row = page.locator("#agents tbody tr", has_text="1003")
        await expect(row).to_contain_text("configuration file")

        await row.get_by_role("button", name="Edit").click()
        await expect(page.locator("#agent-form input[name='agent_id']")).to_have_value("1003")
        await page.fill("#agent-form input[name='skills']", "support=5, sales=3")
        await page.fill("#agent-form input[name='chat']", "2")
        await page.click("#agent-form button")
        await expect(page.locator("#toast")).to_have_text("Saved and applied now.")
        await expect(row).to_contain_text("sales=3, support=5")
        await expect(row.locator("td").nth(3)).to_have_text("2")
        await expect(row).to_contain_text("admin")

        await page.fill("#agent-form input[name='skills']", "support=9")
        await page.click("#agent-form button")
        await expect(page.locator("#toast.error")).to_have_text(
            "Skill support cannot have level 9: levels are whole numbers from 1 to 5."
        )
        await expect(row).to_contain_text("sales=3, support=5")

        await page.fill("#queue-form input[name='name']", "vip")
        await page.fill("#queue-form input[name='skills']", "vip=2")
        await page.fill("#queue-form input[name='wrap_up_s']", "10")
        await page.click("#queue-form button")
        queue_row = page.locator("#queues tbody tr", has_text="vip=2")
        await expect(queue_row).to_contain_text("10")

        page.on("dialog", accept)
        await queue_row.get_by_role("button", name="Delete").click()
        await expect(page.locator("#toast")).to_have_text("Deleted.")
        await expect(queue_row).to_have_count(0)
