"""The agent's fax pane in Chromium with the real engine on the simulator: a fax arrives, the agent
accepts its work item in the conversation pane, the fax pane shows the PDF (frame and download,
served to this agent); the agent sends a PDF from the form and sees it done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from callcenter.pbxsim.actors import SimulatedFax
from recorder.fax_files import tiff_to_pdf
from tests.e2e.conftest import go_available, live_desktop, sign_in
from tests.integration.engine.conftest import engine_settings

RECEIVED = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "received-fax.tif"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    fax = {"enabled": True, "numbers": ["5559999"], "queue": "general", "asterisk_dir": str(tmp_path / "fax")}
    async with live_desktop(engine_settings(tmp_path, fax=fax)) as running:
        yield running


async def test_given_a_fax_for_the_agent_then_the_pane_shows_its_pdf_and_a_pdf_is_sent(
    browser: Browser, server: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, url = server
    assert engine.simulator is not None
    page = await sign_in(browser, url, "agent1002")
    await go_available(page)
    fax = SimulatedFax(
        number="4155550166", dialed="5559999", station_id="ACME FAX", document=RECEIVED, transfer_s=1.0
    )
    await engine.simulator.place_fax_call(fax)
    await page.locator(".chat-offer .chat-accept").click(timeout=15_000)
    await expect(page.locator(".chat-log")).to_contain_text("A fax arrived.")  # translated, not its code
    item = page.locator("#fax-items .fax-item")
    await expect(item).to_contain_text("ACME FAX", timeout=10_000)
    await expect(item).to_contain_text("Pages: 1")
    frame = page.locator("#fax-view iframe.fax-frame")
    await expect(frame).to_have_count(1)
    src = await frame.get_attribute("src")
    assert src is not None
    assert src.endswith("/document")
    download = await page.locator("#fax-view a.fax-download").get_attribute("href")
    answer = await page.request.get(url + str(download))
    assert answer.status == 200
    assert (await answer.body()).startswith(b"%PDF-")
    assert answer.headers["content-disposition"].startswith("attachment;")

    engine.simulator.set_fax_machine("4155550177", SimulatedFax(transfer_s=0.5))
    tiff_to_pdf(RECEIVED, tmp_path / "letter.pdf")
    await page.fill("#fax-form input[name=number]", "4155550177")
    await page.set_input_files("#fax-form input[name=document]", str(tmp_path / "letter.pdf"))
    await page.click("#fax-form button[type=submit]")
    await expect(page.locator("#toast")).to_have_text("The fax is being sent.")
    sent = page.locator("#fax-sent .fax-sent")
    await expect(sent).to_have_attribute("data-status", "done", timeout=15_000)
    await expect(sent).to_contain_text("Done")
