"""The supervisor console lists the callers waiting (their wait ticking) and gives one to a named
agent from the browser; that agent's desktop is offered the call at once."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Dialog, expect

from callcenter.app import Engine
from tests.e2e.conftest import call_choosing, go_available, sign_in
from tests.integration.engine.conftest import sign_in_agents

pytestmark = pytest.mark.browser


async def test_given_a_caller_waiting_for_sales_when_given_to_1002_in_the_console_then_1002_is_offered_it(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    await sign_in_agents(engine, "1001", "1003")
    for sales_agent in ("1001", "1003"):
        await engine.router.pause(sales_agent, "break")
    agent = await sign_in(browser, url, "agent1002")  # support only, English
    await go_available(agent)
    boss = await sign_in(browser, url, "supervisor")
    await expect(boss.locator("#waiting-empty")).to_be_visible()

    await call_choosing(engine, "4155550100", "1")
    row = boss.locator("#waiting tbody tr")
    await expect(row).to_have_count(1, timeout=10_000)
    await expect(row).to_contain_text("4155550100")
    await expect(row.locator("td[data-queue]")).to_have_text("sales")
    await expect(row.locator("td.waited")).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5_000)
    await expect(boss.locator("#waiting-empty")).to_be_hidden()
    # The queue's longest wait ticks too between wallboards (it stayed at 0:00).
    longest = boss.locator("#queues tr[data-queue='sales'] td").nth(2)
    await expect(longest).to_have_text(re.compile(r"^0:0[1-9]$"))

    chooser = row.locator("select[data-role='agent']")
    await expect(chooser).to_have_value("1002")  # the free agent first, then the paused ones
    await row.locator("button[data-action='give']").click()
    await expect(boss.locator("#toast")).to_have_text("The caller is offered to that agent first.")
    await expect(agent.locator("#call-status")).to_have_attribute("data-phase", "offering", timeout=10_000)
    await expect(agent.locator("#pop-customer")).to_contain_text("Wei Zhang")
    await expect(boss.locator("#waiting tbody tr")).to_have_count(0)
    await expect(boss.locator("#audit tr[data-action='waiting.give']")).to_have_count(1)


async def test_given_a_caller_waiting_when_removed_in_the_console_after_confirming_then_gone_and_audited(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    await sign_in_agents(engine)
    for agent_id in ("1001", "1002", "1003"):
        await engine.router.pause(agent_id, "break")
    boss = await sign_in(browser, url, "supervisor")
    handle = await call_choosing(engine, "4155550100", "1")
    row = boss.locator("#waiting tbody tr")
    await expect(row).to_have_count(1, timeout=10_000)
    remove = row.locator("button[data-action='remove']")
    await expect(remove).to_have_text("Remove")

    questions: list[str] = []

    async def say_no(dialog: Dialog) -> None:
        questions.append(dialog.message)
        await dialog.dismiss()

    boss.once("dialog", say_no)
    await remove.click()
    await expect(boss.locator("#waiting tbody tr")).to_have_count(1)  # not confirmed: still waiting
    assert questions == ["Take 4155550100 out of the queue? A caller still on the line is hung up."]
    assert not handle.done

    boss.once("dialog", lambda dialog: dialog.accept())
    await remove.click()
    await expect(boss.locator("#toast")).to_have_text("The caller was taken out of the queue.")
    await expect(boss.locator("#waiting tbody tr")).to_have_count(0)
    assert (await handle.finished(5)).hung_up_by == "engine"
    await expect(boss.locator("#audit tr[data-action='waiting.remove']")).to_have_count(1)
