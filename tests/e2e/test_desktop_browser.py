"""In the browser: the VIP calls, the agent sees the pop, answers, pauses recording, transfers the
call to a colleague and wraps up; the supervisor watches the wallboard, whispers then barges, and the
audit log shows it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from crm_core.interactions import InteractionLog
from tests.e2e.conftest import call_choosing, go_available, sign_in
from tests.integration.engine.conftest import sign_in_agents
from tests.waiting import wait_until

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


async def test_given_a_vip_call_when_worked_in_the_browser_then_pop_wallboard_and_audit_show_it(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    await sign_in_agents(engine, "1003")  # Bob, who takes the transfer; Li Na signs in below
    ARTIFACTS.mkdir(exist_ok=True)

    agent = await sign_in(browser, url, "agent1001")
    assert agent.url.endswith("/agent")
    # Li Na works in Chinese; she switches her desktop to English (saved on her account).
    await expect(agent.locator("#go-available")).to_have_text("置为空闲")
    await agent.select_option("#lang", "en")
    await expect(agent.locator("#go-available")).to_have_text("Go available")
    await expect(agent.locator("#state")).to_have_attribute("data-state", "logged_out")  # until she says
    await go_available(agent)

    supervisor = await sign_in(browser, url, "supervisor")
    assert supervisor.url.endswith("/supervisor")
    row = supervisor.locator("#agents tr[data-agent='1001']")
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "available")

    await call_choosing(engine, "4155550100", "1")
    await expect(agent.locator("#pop-customer")).to_contain_text("Wei Zhang", timeout=10_000)
    await expect(agent.locator("#pop-tier")).to_have_text("VIP")
    await expect(agent.locator(".pop-alert").first).to_contain_text(re.compile("peanut", re.IGNORECASE))
    await expect(row).to_contain_text("4155550100", timeout=5_000)

    # The simulated phone answers by itself in demo mode: "Answer" is accept + wait for the connect.
    await expect(agent.locator("#call-status")).to_have_attribute("data-phase", "offering")
    await agent.click("#answer")
    await expect(agent.locator("#call-status")).to_have_attribute("data-phase", "talking", timeout=10_000)
    await agent.click("#rec-toggle")
    await expect(agent.locator("#rec")).to_have_attribute("data-paused", "true")
    await expect(agent.locator("#rec")).to_contain_text("Recording paused")
    # the pause mark is drawn by CSS: "⏸" has no glyph in many fonts
    await expect(agent.locator("#rec .rec-mark")).to_have_count(1)
    await expect(agent.locator("#rec")).not_to_contain_text("⏸")
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "busy")

    await row.locator("button[data-action='whisper']").click()
    await expect(row.locator(".supervising")).to_contain_text("Whisper by supervisor")
    await row.locator("button[data-action='barge']").click()
    await expect(row.locator(".supervising")).to_contain_text("Barge by supervisor")
    audit = supervisor.locator("#audit")
    await expect(audit.locator("tr[data-action='supervise.whisper']")).to_have_count(1)
    await expect(audit.locator("tr[data-action='supervise.barge']")).to_have_count(1)

    await agent.screenshot(path=str(ARTIFACTS / "agent-desktop.png"), full_page=True)
    await supervisor.screenshot(path=str(ARTIFACTS / "wallboard.png"), full_page=True)

    await row.locator("button[data-action='stop']").click()
    await expect(row.locator(".supervising")).to_have_count(0)
    # A blind transfer to Bob (1003, sales): the call leaves Li Na for his desktop and phone.
    await agent.select_option("#transfer-kind", "agent")
    await agent.select_option("#transfer-target", "1003")
    await agent.click("#transfer")
    await expect(agent.locator("#wrap-panel")).to_be_visible(timeout=10_000)
    await expect(agent.locator("#disposition")).to_have_value("")  # nothing chosen for the agent
    colleague = supervisor.locator("#agents tr[data-agent='1003']")
    await expect(colleague).to_contain_text("4155550100", timeout=10_000)
    await expect(row.locator("td[data-state]")).to_have_attribute("data-state", "wrap_up")
    await agent.select_option("#disposition", "resolved")
    await agent.select_option("#sub-disposition", "order_placed")
    await agent.fill("#wrap-notes", "Reordered; allergy noted")

    def stored() -> bool:
        with engine.contact_center.sessions() as session:
            rows = InteractionLog().recent(session, agent_id="1001")
        return bool(rows)

    await wait_until(stored, what="the interaction written")
    await agent.click("#wrap-save")
    await expect(agent.locator("#wrap-panel")).to_be_hidden()
    with engine.contact_center.sessions() as session:
        handled = InteractionLog().recent(session, agent_id="1001")[0]
    assert (handled.outcome, handled.disposition) == ("transferred", "resolved/order_placed")
    assert handled.notes == "Reordered; allergy noted"
    await expect(agent.locator("#history")).to_contain_text("Resolved")

    # The run's screenshots stay in test-artifacts/; set CC_UPDATE_SCREENSHOTS=1 to refresh the
    # README's copies in docs/screenshots/ (kept out of normal runs so tests never dirty the tree).
    if os.environ.get("CC_UPDATE_SCREENSHOTS") == "1":
        screenshots = ROOT / "docs" / "screenshots"
        screenshots.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / "agent-desktop.png", screenshots / "agent-desktop.png")
        shutil.copy(ARTIFACTS / "wallboard.png", screenshots / "wallboard.png")
