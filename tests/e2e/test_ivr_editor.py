"""In the browser: an admin breaks a node in the IVR editor, sees the error, fixes it from the issue,
saves, publishes, dry-runs (path lit on the graph) and rolls back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, Page, expect

from tests.integration.ivr_editor.live import PASSWORD, live_editor

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (ROOT / "test-artifacts" / "ivr-editor.png", ROOT / "docs" / "screenshots" / "ivr-editor.png")


async def edit_field(page: Page, node: str, path: str, value: str) -> None:
    await page.locator(f"#graph g.node[data-node='{node}']").click()
    await expect(page.locator("#node-name")).to_have_text(node)
    field = page.locator(f"#node-form .field-value[data-path='{path}']")
    await field.fill(value)
    await page.click("#apply")


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


async def test_given_an_admin_when_editing_a_flow_in_the_browser_then_it_validates_publishes_and_rolls_back(
    browser: Browser, tmp_path: Path
) -> None:
    async with live_editor(tmp_path) as live:
        context = await browser.new_context(viewport={"width": 1600, "height": 1000})
        page = await context.new_page()
        await page.goto(live.url + "/login")
        await page.fill("#username", "admin")
        await page.fill("#password", PASSWORD)
        await page.click("#submit")
        await page.wait_for_url(re.compile(r"/admin$"))
        await page.goto(live.url + "/admin/ivr")
        await expect(page.locator("#graph g.node[data-node='greeting']")).to_be_visible()
        await expect(page.locator("#version")).to_have_value("1")

        # A typo in the greeting's next node: validation names it and the graph shows a missing box.
        await edit_field(page, "greeting", "next", "hourz")
        issue = page.locator("#issues li[data-code='ivr.flow.dangling_reference']")
        await expect(issue).to_contain_text("refers to node 'hourz', which does not exist")
        await expect(page.locator("#status")).to_have_text("The flow has 1 error(s).")
        await expect(page.locator("#graph g.node.type-missing[data-node='hourz']")).to_be_visible()
        await expect(page.locator("#graph g.node[data-node='greeting']")).to_have_class(
            re.compile("has-error")
        )

        # Clicking the issue selects the node; fixing the field clears the error.
        await page.locator("#graph g.node[data-node='init']").click()
        await issue.click()
        await expect(page.locator("#node-name")).to_have_text("greeting")
        await page.locator("#node-form .field-value[data-path='text']").fill(
            "Thanks for calling Example Trading."
        )
        await page.locator("#node-form .field-value[data-path='next']").fill("hours")
        await page.click("#apply")
        await expect(page.locator("#status")).to_have_text("The flow is valid.")
        await expect(page.locator("#issues li.ok")).to_be_visible()
        await expect(page.locator("#graph g.node.type-missing")).to_have_count(0)
        await expect(page.locator("#dirty")).to_be_visible()

        await page.fill("#comment", "shorter greeting")
        await page.click("#save")
        await expect(page.locator("#status")).to_have_text("Saved as version 2.")
        await page.click("#publish")
        await expect(page.locator("#status")).to_have_text("Version 2 is published.")
        await expect(page.locator("#history tr[data-version='2']")).to_have_class(re.compile("published"))
        published = live.repo.published("main")
        assert published is not None
        assert published.number == 2
        assert "Thanks for calling Example Trading." in published.content

        # Dry run in office hours: 1 (English), 1 (sales); the path lights up on the graph.
        await page.fill("#dry-digits", "1,1")
        await page.click("#dry-run")
        await expect(page.locator("#dry-outcome")).to_contain_text("queue sales")
        await expect(page.locator("#graph g.node[data-node='sales_en']")).to_have_class(re.compile("on-path"))
        await expect(page.locator("#graph g.node[data-node='closed']")).not_to_have_class(
            re.compile("on-path")
        )
        await page.locator("#history tr[data-version='2'] button.diff").click()
        await expect(page.locator("#diff .add")).to_contain_text(["+++ main/v0002.yaml"])
        for path in SCREENSHOTS:
            path.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS[0]), full_page=True)
        shutil.copyfile(SCREENSHOTS[0], SCREENSHOTS[1])

        page.on("dialog", accept)
        await page.click("#rollback")
        await expect(page.locator("#status")).to_have_text("Rolled back to version 1.")
        await expect(page.locator("#history tr[data-version='1']")).to_have_class(re.compile("published"))
        await expect(page.locator("#audit li").first).to_contain_text("rolled back v1")
        rolled_back = live.repo.published("main")
        assert rolled_back is not None
        assert rolled_back.number == 1
        await context.close()
