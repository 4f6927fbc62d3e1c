"""Headless Chromium (the system package) driven by Playwright against a live engine + web app."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.composition import web_app
from callcenter.pbxsim import SimulatedCaller
from callcenter.pbxsim.simulator import SimulatedCallHandle
from callcenter.settings import Settings
from tests.integration.engine.conftest import engine_settings

PASSWORD = "demo-password-123"
# The simulated phones ring for 2 s (40 s x time scale 0.05) so the Answer button can be clicked.
RINGING_PHONES = {
    "time_scale": 0.05,
    "arrival_rate_per_min": 0,
    "agent_answer_delay_s": 40,
    "demo_customers": 20,
}

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@contextlib.asynccontextmanager
async def live_desktop(settings: Settings) -> AsyncIterator[tuple[Engine, str]]:
    """The engine on the PBX simulator with the demo users, and the web app's URL."""
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with running_server(web_app(engine)) as url:
            yield engine, url
    finally:
        await engine.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    """The demo engine, its phones ringing until answered, with the web app (a test file with other
    settings defines its own)."""
    async with live_desktop(engine_settings(tmp_path, simulator=RINGING_PHONES)) as running:
        yield running


async def go_available(page: Page) -> None:
    await page.click("#go-available")
    await expect(page.locator("#state")).to_have_attribute("data-state", "available")


async def sign_in(browser: Browser, url: str, username: str) -> Page:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    await page.goto(url + "/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("#submit")
    await expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"), timeout=10_000)
    return page


async def call_choosing(engine: Engine, number: str, digit: str) -> SimulatedCallHandle:
    """A caller from ``number`` who presses ``digit`` in the fixed menu once it listens: at time scale
    0.05 a whole prompt lasts a few tens of milliseconds, and a loaded machine let a key timed from
    the first prompt fall between two AGI commands, where a real Asterisk drops it too."""
    assert engine.simulator is not None
    caller = SimulatedCaller(number=number, digits=[(0.2, digit)], talk_s=None, waits_to_be_heard=True)
    return await engine.simulator.place_call(caller)
