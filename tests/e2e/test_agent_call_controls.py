"""The agent page's call controls on the demo's simulated phone (the simulator driver of softphone.js):
hold / mute indicators, the transfer chooser, click-to-dial, and the wrap-up extras (a required
disposition, a ticket, a callback in the agent's time zone)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from callcenter.clock import SystemClock
from crm_core.callbacks import CallbackBook
from tests.e2e.conftest import RINGING_PHONES, call_choosing, go_available, live_desktop, sign_in
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    queues = [
        {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": 0.2},
        {"name": "support", "skills": {"support": 2}, "wrap_up_s": 0.2, "disposition_required": True},
        {"name": "general", "wrap_up_s": 0.2},
    ]
    async with live_desktop(engine_settings(tmp_path, simulator=RINGING_PHONES, queues=queues)) as running:
        yield running


async def test_given_a_call_on_the_demo_phone_when_the_agent_uses_the_controls_then_the_page_follows(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    page = await sign_in(browser, url, "agent1002")  # Alice Smith: support, English, UTC
    await expect(page.locator("#phone-reg")).to_have_attribute("data-state", "simulated")
    await expect(page.locator("#phone-reg")).to_have_text("Ready (simulated)")
    await go_available(page)

    await call_choosing(engine, "4155550100", "2")
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "offering", timeout=10_000)
    # The screen pop's customer card shows the numbers with a call button beside each.
    await expect(page.locator("#pop-body .dial-btn").first).to_have_attribute(
        "data-number", re.compile(r"\d")
    )
    await page.click("#answer")
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "talking", timeout=10_000)

    await page.click("#hold")
    await expect(page.locator("#held-flag")).to_be_visible()
    await expect(page.locator("#hold")).to_have_text("Resume")
    await page.click("#hold")
    await expect(page.locator("#held-flag")).to_be_hidden()
    await page.click("#mute")
    await expect(page.locator("#muted-flag")).to_be_visible()
    await expect(page.locator("#mute")).to_have_text("Unmute")
    await page.click("#mute")
    await expect(page.locator("#muted-flag")).to_be_hidden()
    async with page.expect_request("**/api/agent/call/dtmf") as dtmf:
        await page.click("#keypad button[data-digit='7']")
    assert json.loads((await dtmf.value).post_data or "{}") == {"digits": "7"}

    # The transfer chooser: agents (not oneself), queues, or a number; no consultation with a queue.
    options = page.locator("#transfer-target option")
    await expect(options).to_have_text(["1001", "1003"])
    await page.select_option("#transfer-kind", "queue")
    await expect(options).to_have_text(["sales", "support", "general"])
    await expect(page.locator("#consult")).to_be_disabled()
    await expect(page.locator("#transfer")).to_be_enabled()
    await page.select_option("#transfer-kind", "number")
    await expect(page.locator("#transfer-number")).to_be_visible()
    await expect(page.locator("#transfer-target")).to_be_hidden()
    await expect(page.locator("#consult")).to_be_enabled()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/call/transfer" in r.url else None)
    await page.click("#transfer")  # no number typed: refused in the page, nothing sent
    await expect(page.locator("#toast")).to_have_text("Choose or enter where the call goes.")
    assert sent == []
    await page.select_option("#transfer-kind", "agent")

    await page.click("#hangup")
    await expect(page.locator("#wrap-panel")).to_be_visible(timeout=10_000)
    # The support queue requires a disposition: none is preselected and saving without one is refused.
    await expect(page.locator("#disposition")).to_have_value("")
    await expect(page.locator("#disposition-required")).to_be_visible()
    await page.click("#wrap-save")
    await expect(page.locator("#toast")).to_have_text("This queue needs a disposition: choose one.")
    await expect(page.locator("#wrap-panel")).to_be_visible()

    await page.select_option("#disposition", "follow_up")
    await page.select_option("#sub-disposition", "callback_promised")
    await page.select_option("#ticket-action", "new")
    await page.fill("#ticket-subject", "Refund for order 1234")
    await page.select_option("#ticket-status", "pending")
    await page.check("#callback-on")
    await expect(page.locator("#callback-zone")).to_have_text("Time zone: UTC")
    await page.fill("#callback-at", "2030-01-15T09:30")
    async with page.expect_request("**/api/agent/wrap-up") as wrap:
        await page.click("#wrap-save")
    body = json.loads((await wrap.value).post_data or "{}")
    assert body["disposition"] == "follow_up"
    assert body["sub_disposition"] == "callback_promised"
    assert body["ticket"] == {"id": None, "subject": "Refund for order 1234", "status": "pending"}
    assert body["callback"] == {"at": "2030-01-15T09:30:00+00:00", "number": None}
    await expect(page.locator("#wrap-panel")).to_be_hidden()  # the engine took it
    with engine.contact_center.sessions() as session:
        (callback,) = CallbackBook(SystemClock(), "US").for_interaction(session, body["uniqueid"])
    assert (callback.number, callback.queue, callback.status) == ("+14155550100", "support", "pending")
    assert callback.due_at == datetime(2030, 1, 15, 9, 30, tzinfo=UTC)
    assert (callback.requested_by, callback.preferred_agent) == ("1002", "1002")


async def test_given_a_customer_found_when_the_agent_clicks_the_phone_icon_then_the_engine_dials(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    await engine.ami.wait_connected(5)
    page = await sign_in(browser, url, "agent1002")
    await go_available(page)
    await page.fill("#search-q", "Wei Zhang")
    await page.click("#search-form button")
    first = page.locator("#search-results tr").first
    await expect(first).to_contain_text("Wei Zhang")
    button = first.locator(".dial-btn").first
    number = await button.get_attribute("data-number")
    customer = await first.get_attribute("data-customer")
    async with page.expect_request("**/api/agent/dial") as dial:
        await button.click()
    assert json.loads((await dial.value).post_data or "{}") == {
        "number": number,
        "customer_id": int(customer or 0),
    }
    # The engine rings the agent's (simulated) phone first, then the customer.
    await expect(page.locator("#call-status")).to_have_attribute(
        "data-phase", re.compile("dialing|talking"), timeout=10_000
    )
    await expect(page.locator("#call-status")).to_contain_text(number or "?")


ZONED = [
    ("2030-01-15T09:30", "Asia/Shanghai", "2030-01-15T09:30:00+08:00"),
    ("2030-01-15T09:30", "America/New_York", "2030-01-15T09:30:00-05:00"),
    ("2030-07-01T09:30", "America/New_York", "2030-07-01T09:30:00-04:00"),
    ("2030-07-01T23:45", "Asia/Kolkata", "2030-07-01T23:45:00+05:30"),
    ("2030-07-01T00:05", "UTC", "2030-07-01T00:05:00+00:00"),
]


async def test_given_a_wall_clock_time_when_scheduling_a_callback_then_it_carries_the_zones_offset(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _engine, url = server
    page = await sign_in(browser, url, "agent1002")
    for local, zone, iso in ZONED:
        assert await page.evaluate("([l, z]) => CC.zonedIso(l, z)", [local, zone]) == iso, zone
