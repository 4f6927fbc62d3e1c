"""In the browser: an admin changes a user's role, resets a password, and is told why an agent-role
user without an agent id is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, Page, expect

from tests.integration.desktop.conftest import PASSWORD
from tests.integration.desktop.test_admin_routing import running_desktop
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a-fresh-password-7"


async def answer_new_password(dialog: Dialog) -> None:
    assert dialog.type == "prompt"
    assert dialog.message == "New password for agent1003 (at least 10 characters):"
    await dialog.accept(NEW_PASSWORD)


async def admin_page(browser: Browser, url: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1600, "height": 1000})).new_page()
    await page.goto(url + "/login")
    await page.fill("#username", "admin")
    await page.fill("#password", PASSWORD)
    await page.click("#submit")
    await page.wait_for_url(re.compile(r"/admin$"))
    return page


async def test_given_theadmin_page_when_changing_a_role_and_resetting_a_password_then_both_apply(
    browser: Browser, tmp_path: Path
) -> None:
    async with running_desktop(engine_settings(tmp_path)) as desktop:
        page = await admin_page(browser, desktop.url)
        agent_row = page.locator("#users tbody tr", has_text="agent1002")
        await agent_row.locator("select[name='role']").select_option("supervisor")
        await expect(page.locator("#toast")).to_have_text("Saved.")

        page.on("dialog", answer_new_password)
        await (
            page.locator("#users tbody tr", has_text="agent1003")
            .get_by_role("button", name="Reset password")
            .click()
        )
        await expect(page.locator("#toast")).to_have_text("Password changed; the user's sessions have ended.")

        supervisor_row = page.locator("#users tbody tr", has_text=re.compile(r"^supervisor"))
        await supervisor_row.locator("select[name='role']").select_option("agent")
        await expect(page.locator("#toast.error")).to_have_text(
            "User supervisor has the agent role and needs an agent id."
        )
        await expect(supervisor_row.locator("select[name='role']")).to_have_value("supervisor")

        async with desktop.client() as client:
            promoted = await client.post(
                "/api/auth/login", json={"username": "agent1002", "password": PASSWORD}
            )
            assert promoted.json()["role"] == "supervisor"
            reset = await client.post(
                "/api/auth/login", json={"username": "agent1003", "password": NEW_PASSWORD}
            )
            assert reset.status_code == 200, reset.text


async def test_given_the_new_user_form_when_an_agent_has_no_agent_id_then_the_reason_is_shown(
    browser: Browser, tmp_path: Path
) -> None:
    async with running_desktop(engine_settings(tmp_path)) as desktop:
        page = await admin_page(browser, desktop.url)
        await page.fill("#new-user input[name='username']", "newagent")
        await page.fill("#new-user input[name='password']", "a-long-password")
        await page.click("#new-user button")
        await expect(page.locator("#toast.error")).to_have_text(
            "User newagent has the agent role and needs an agent id."
        )
        async with desktop.signed_in("admin") as admin:
            users: list[dict[str, object]] = (await admin.get("/api/admin/users")).json()
            assert "newagent" not in {u["username"] for u in users}
