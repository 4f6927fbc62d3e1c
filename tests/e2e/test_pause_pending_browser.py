"""In the browser: the supervisor pauses Li Na while she talks; both screens say the pause is pending
(she reads Chinese, the supervisor English) and she is paused once the call and wrap-up are over."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from tests.e2e.conftest import call_choosing, go_available, sign_in

pytestmark = pytest.mark.browser


async def test_given_an_agent_on_a_call_when_the_supervisor_pauses_her_then_both_see_the_pause_pending(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    agent = await sign_in(browser, url, "agent1001")
    await go_available(agent)
    supervisor = await sign_in(browser, url, "supervisor")
    row = supervisor.locator("#agents tr[data-agent='1001']")
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "available")

    await call_choosing(engine, "4155550100", "1")
    await expect(agent.locator("#call-status")).to_have_attribute("data-phase", "offering", timeout=10_000)
    await agent.click("#answer")
    await expect(agent.locator("#call-status")).to_have_attribute("data-phase", "talking", timeout=10_000)
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "busy")

    await row.get_by_role("button", name="Pause", exact=True).click()
    await expect(row.locator(".pause-pending")).to_have_text("Pause pending: Paused by a supervisor")
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "busy")
    await expect(agent.locator("#state")).to_have_attribute("data-state", "busy")
    await expect(agent.locator("#state")).to_have_text("通话中")
    await expect(agent.locator("#reason")).to_have_text("(本次工作结束后暂停：班长暂停)")

    await agent.click("#hangup")
    await expect(agent.locator("#state")).to_have_attribute("data-state", "paused", timeout=10_000)
    await expect(agent.locator("#reason")).to_have_text("(班长暂停)")
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "paused")
    await expect(row.locator(".pause-pending")).to_have_count(0)
