"""Recordings in Chromium: the agent's recorded call plays from the Range-capable URL (the audio
element loads its metadata and seeks), its paused segment is shown, the playback is audited; a link
to another agent's recording shows the refusal; the supervisor sees both with legal hold."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from callcenter.app import Engine
from crm_core.audit import AuditLog
from tests.e2e.conftest import live_desktop, sign_in
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.integration.recorder.calls import recorded_call
from tests.waiting import wait_until


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    async with live_desktop(engine_settings(tmp_path, recorder={"check_grace_s": 0.2})) as running:
        await sign_in_agents(running[0])
        yield running


def _id(engine: Engine, uniqueid: str) -> int:
    found = engine.recorder.calls.index.by_uniqueid(uniqueid)
    assert found is not None
    return found.id


async def test_given_recorded_calls_when_the_agent_plays_one_then_it_seeks_and_another_agents_is_refused(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    theirs = _id(engine, await recorded_call(engine, "1001", "1"))
    mine = _id(engine, await recorded_call(engine, "1002", "2"))

    page = await sign_in(browser, url, "agent1002")  # Alice Smith reads English
    audio = page.locator(f"#recordings audio[data-recording='{mine}']")
    await expect(audio).to_have_count(1)
    await expect(page.locator(f"#recordings audio[data-recording='{theirs}']")).to_have_count(0)
    await expect(page.locator(f"[data-recording-row='{mine}'] .recording-pauses li")).to_have_count(1)
    duration = await audio.evaluate(
        """a => new Promise((ok, fail) => {
            if (a.readyState >= 1) return ok(a.duration);
            a.addEventListener("loadedmetadata", () => ok(a.duration));
            a.addEventListener("error", () => fail(String(a.error && a.error.code)));
            a.load();
        })"""
    )
    assert 5.5 < duration < 6.5  # 96,320 bytes of 8 kHz 16-bit mono audio
    position = await audio.evaluate(
        """a => new Promise((ok) => {
            a.addEventListener("seeked", () => ok(a.currentTime), { once: true });
            a.currentTime = 4.0;
        })"""
    )
    assert position == pytest.approx(4.0, abs=0.05)

    def played() -> bool:
        with engine.contact_center.sessions() as session:
            rows = AuditLog().recent(session, action_prefix="recording.played")
        return [(r.actor, r.target) for r in rows] == [("agent1002", f"recording:{mine}")]

    await wait_until(played, what="the playback audited once")

    await page.goto(f"{url}/agent#recording={theirs}")
    await expect(page.locator("#recording-one [data-denied]")).to_have_text(
        "You may only play recordings of your own calls."
    )

    supervisor = await sign_in(browser, url, "supervisor")
    await supervisor.goto(f"{url}/supervisor")
    for recording in (mine, theirs):
        await expect(supervisor.locator(f"#recordings audio[data-recording='{recording}']")).to_have_count(1)
    await supervisor.check(f"[data-hold='{theirs}']")
    await wait_until(
        lambda: engine.recorder.calls.index.get(theirs).legal_hold,  # type: ignore[union-attr]
        what="the legal hold stored",
    )


async def test_given_a_compressed_recording_then_it_still_plays_and_seeks(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    engine, url = server
    mine = _id(engine, await recorded_call(engine, "1002", "2"))
    desk = engine.recorder.desk
    desk.settings = desk.settings.model_copy(update={"compress_after_days": 1})
    assert await desk.compress(time.time() + 2 * 86_400) == 1
    found = engine.recorder.calls.index.get(mine)
    assert found is not None
    assert found.path.endswith(".ulaw.wav")

    page = await sign_in(browser, url, "agent1002")
    audio = page.locator(f"#recordings audio[data-recording='{mine}']")
    await expect(audio).to_have_count(1)
    duration = await audio.evaluate(
        """a => new Promise((ok, fail) => {
            if (a.readyState >= 1) return ok(a.duration);
            a.addEventListener("loadedmetadata", () => ok(a.duration));
            a.addEventListener("error", () => fail(String(a.error && a.error.code)));
        })"""
    )
    assert 5.5 < duration < 6.5  # the same 6 s, from 48 KB of G.711 μ-law
    position = await audio.evaluate(
        """a => new Promise((ok) => {
            a.addEventListener("seeked", () => ok(a.currentTime), { once: true });
            a.currentTime = 3.0;
        })"""
    )
    assert position == pytest.approx(3.0, abs=0.05)
