"""Scheduled callbacks in the browser: the agent's own list (another time in their zone, cancel with a
second click), the supervisor's list of everyone's following the agent's change live, and a due
callback offered to the agent marked as a callback to make, not an incoming call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.clock import SystemClock
from crm_core.callbacks import CallbackBook, CallbackRequest, CallbackSummary
from crm_core.models import Customer
from tests.e2e.conftest import go_available, sign_in

pytestmark = pytest.mark.browser
WEI = "+14155550100"  # the demo CRM's VIP, Wei Zhang


def _book(engine: Engine) -> CallbackBook:
    return CallbackBook(SystemClock(), engine.settings.default_region)


def _schedule(engine: Engine, agent: str, queue: str, in_s: float) -> int:
    with engine.contact_center.sessions.begin() as session:
        wei = session.scalars(select(Customer.id).where(Customer.display_name == "Wei Zhang")).one()
        due = datetime.now(UTC) + timedelta(seconds=in_s)
        request = CallbackRequest(WEI, due, queue, customer_id=wei, requested_by=agent, preferred_agent=agent)
        return _book(engine).schedule(session, request).id


def _callback(engine: Engine, callback_id: int) -> CallbackSummary:
    with engine.contact_center.sessions() as session:
        return _book(engine).get(session, callback_id)


async def test_given_scheduled_callbacks_when_the_agent_moves_and_cancels_one_then_the_supervisor_sees_it(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    mine = _schedule(engine, "1002", "support", 3600)
    theirs = _schedule(engine, "1001", "sales", 7200)
    agent = await sign_in(browser, url, "agent1002")  # Alice Smith: English, UTC
    boss = await sign_in(browser, url, "supervisor")
    rows = agent.locator("#callbacks tbody tr")
    await expect(rows).to_have_count(1)
    row = agent.locator(f'#callbacks tr[data-callback="{mine}"]')
    await expect(row.locator(".status")).to_have_text("Scheduled")
    await expect(row).to_contain_text("Wei Zhang · +14155550100")
    await expect(boss.locator("#callbacks tbody tr")).to_have_count(2)
    await expect(boss.locator(f'#callbacks tr[data-callback="{theirs}"]')).to_contain_text("1001")

    await row.locator('[data-action="reschedule"]').click()
    await row.locator('input[type="datetime-local"]').fill("2031-03-01T09:30")
    await row.locator('[data-action="reschedule"]').click()
    await expect(agent.locator("#toast")).to_have_text("Callback moved.")
    assert _callback(engine, mine).due_at == datetime(2031, 3, 1, 9, 30, tzinfo=UTC)

    cancel = agent.locator(f'#callbacks tr[data-callback="{mine}"] [data-action="cancel"]')
    await cancel.click()
    await expect(cancel).to_have_text("Click again to cancel")
    assert _callback(engine, mine).status == "pending"  # one click cancels nothing
    await cancel.click()
    await expect(agent.locator("#callbacks tbody tr")).to_have_count(0)
    await expect(agent.locator("#callbacks-empty")).to_be_visible()
    assert _callback(engine, mine).status == "cancelled"
    # The supervisor's list follows without a reload (pushed over the socket).
    await expect(boss.locator("#callbacks tbody tr")).to_have_count(1)
    await expect(boss.locator("#audit tr[data-action='callback.cancel']")).to_have_count(1)


async def test_given_a_due_callback_when_offered_then_the_desktop_shows_a_callback_to_make(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    await engine.ami.wait_connected(5)
    page = await sign_in(browser, url, "agent1002")
    await go_available(page)
    _schedule(engine, "1002", "support", 0.2)
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "offering", timeout=10_000)
    await expect(page.locator("#call-status")).to_contain_text("Callback to make")
    await expect(page.locator("#pop")).to_have_attribute("data-kind", "callback")
    await expect(page.locator("#pop-title")).to_have_text("Callback to make")
    await expect(page.locator("#callbacks tr .status")).to_have_text("Waiting for an agent")
