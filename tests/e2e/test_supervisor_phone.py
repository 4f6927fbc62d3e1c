"""The supervisor console's own browser phone (no desk phone), in headless Chromium.

The supervisor is in ``webrtc.supervisors``: the console registers ``supervisor-supervisor`` (password
derived from webrtc.password_secret) with the SIP-over-WebSocket fake (tests/fakes/sip_ws_peer.py).
Asterisk's manager interface is a hand-written AMI peer: agent 1002's click-to-dial call is answered
(DialBegin + BridgeEnter, as recorded for an Originate), and the supervisor's ChanSpy Originate makes the
SIP fake ring the console, as Asterisk's PJSIP would. Proven: Listen rings the console once and it
answers by itself (the supervisor just clicked); Whisper and Barge are PlayDTMF 5 / 6 (Receive: true) on
the same leg, no new INVITE, no Originate, no Hangup; Stop hangs the leg up (BYE to the console); every
click is audited. Not proven here: audio (the fake's offer has no ICE candidates) and Asterisk's side.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.asterisk.ami_frames import AmiMessage, encode_message
from callcenter.composition import web_app
from telephony_config.webrtc import sip_password
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, sign_in
from tests.fakes.sip_ws_peer import SipMessage, SipWsPeer
from tests.integration.asterisk.ami_peer import AmiPeer, PeerConnection
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until

pytestmark = pytest.mark.browser
SECRET = "webrtc-test-secret-0123456789"
BUNDLE = Path(__file__).resolve().parents[2] / "agent_desktop" / "static" / "vendor" / "jssip.js"
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
CONSOLE = "supervisor-supervisor"
AGENT_LEG = "PJSIP/agent-1002-00000001"
SPY_LEG = "PJSIP/supervisor-supervisor-00000002"


def _channel(prefix: str, name: str, uniqueid: str) -> list[tuple[str, str]]:
    fields = [("Channel", name), ("ChannelState", "6"), ("ChannelStateDesc", "Up")]
    fields += [("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>"), ("Context", "cc-outbound")]
    fields += [("Exten", "14155550100"), ("Priority", "1"), ("Uniqueid", uniqueid), ("Linkedid", uniqueid)]
    return [(prefix + key, value) for key, value in fields]


@dataclass
class Pbx:
    """Asterisk as the engine and the console see it: the AMI peer and the SIP fake, joined."""

    ami: AmiPeer
    sip: SipWsPeer
    spy_call_id: str = ""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def install(self) -> None:
        handlers = self.ami.handlers
        handlers["originate"] = self._originate
        handlers["playdtmf"] = lambda c, a: c.answer(a, ("Message", "DTMF successfully queued"))
        handlers["mixmonitor"] = lambda c, a: c.answer(a)
        handlers["hangup"] = self._hangup

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _originate(self, conn: PeerConnection, action: AmiMessage) -> None:
        conn.answer(action, ("Message", "Originate successfully queued"))
        if action.get("Channel") == "PJSIP/agent-1002":  # the agent's click-to-dial: answered, bridged
            uniqueid = action.get("ChannelId") or ""
            conn.send(encode_message([("Event", "DialBegin"), *_channel("Dest", AGENT_LEG, uniqueid)]))
            bridge = [("BridgeUniqueid", "b-1"), ("BridgeType", "basic"), ("BridgeNumChannels", "2")]
            conn.send(encode_message([("Event", "BridgeEnter"), *bridge, *_channel("", AGENT_LEG, uniqueid)]))
        elif action.get("Channel") == f"PJSIP/{CONSOLE}":
            self._spawn(self._ring_console(conn, action))

    async def _ring_console(self, conn: PeerConnection, action: AmiMessage) -> None:
        """PJSIP rings the console; once it answers, the OriginateResponse, then ChanSpyStart."""
        self.spy_call_id = await self.sip.invite(CONSOLE, caller="agent-1002")
        await wait_until(
            lambda: bool(answers(self.sip, self.spy_call_id)), timeout=20, what="the console's 200 OK"
        )
        conn.send(
            encode_message(
                [
                    ("Event", "OriginateResponse"),
                    ("ActionID", action.action_id or ""),
                    ("Response", "Success"),
                    ("Channel", SPY_LEG),
                    ("Application", "ChanSpy"),
                    ("Data", action.get("Data") or ""),
                    ("Reason", "4"),
                    ("Uniqueid", "1795382174.12"),
                    ("CallerIDNum", "<unknown>"),
                    ("CallerIDName", "<unknown>"),
                ]
            )
        )
        spy = [("SpyerChannel", SPY_LEG), ("SpyeeChannel", AGENT_LEG)]
        conn.send(encode_message([("Event", "ChanSpyStart"), ("Privilege", "call,all"), *spy]))

    def _hangup(self, conn: PeerConnection, action: AmiMessage) -> None:
        conn.answer(action, ("Message", "Channel Hungup"))
        if action.get("Channel") == SPY_LEG:
            self._spawn(self.sip.bye(CONSOLE, self.spy_call_id))
            conn.send(
                encode_message(
                    [("Event", "Hangup"), *_channel("", SPY_LEG, "1795382174.12"), ("Cause", "16")]
                )
            )


def answers(sip: SipWsPeer, call_id: str) -> list[SipMessage]:
    """The browser's final answers to the INVITE ``call_id``."""
    return [
        m
        for m in sip.log
        if m.direction == "in" and not m.is_request and m.header("call-id") == call_id and m.status >= 200
    ]


@dataclass
class Site:
    engine: Engine
    url: str
    pbx: Pbx


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    assert BUNDLE.is_file(), f"{BUNDLE} is missing: ./run.sh test builds it (npm ci + esbuild)"
    sip = SipWsPeer(lambda endpoint: sip_password(SECRET, endpoint))
    ws_url = await sip.start()
    ami = AmiPeer()
    pbx = Pbx(ami, sip)
    pbx.install()
    settings = engine_settings(
        tmp_path,
        ami={"port": await ami.start(), "reconnect_initial_s": 0.5, "reconnect_max_s": 1.0},
        webrtc={
            "ws_url": ws_url,
            "sip_domain": "127.0.0.1",
            "password_secret": SECRET,
            "supervisors": ["supervisor"],
        },
    )
    engine = Engine(settings, simulator_mode=False)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with running_server(web_app(engine)) as url:
            yield Site(engine, url, pbx)
    finally:
        await engine.stop()
        await sip.stop()
        await ami.close()
        for task in pbx.tasks:
            task.cancel()


@pytest.fixture
async def media_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _agent_1002_on_a_call(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as agent:
        login = await agent.post("/api/auth/login", json={"username": "agent1002", "password": PASSWORD})
        assert login.status_code == 200, login.text
        assert (await agent.post("/api/agent/state", json={"state": "available"})).status_code == 200
        dialed = await agent.post("/api/agent/dial", json={"number": "+1 415 555 0100"})
        assert dialed.status_code == 200, dialed.text


def _spy_originates(site: Site) -> list[AmiMessage]:
    return [a for a in site.pbx.ami.named("Originate") if a.get("Application") == "ChanSpy"]


async def _click(page: Page, action: str) -> None:
    await page.click(f"#agents tr[data-agent='1002'] button[data-action='{action}']")
    await expect(page.locator(f"#audit tr[data-action='supervise.{action}']").first).to_be_visible()


async def test_given_a_supervisor_without_desk_phone_when_listening_then_the_console_phone_answers_once(
    media_browser: Browser, site: Site
) -> None:
    sip, ami = site.pbx.sip, site.pbx.ami
    page = await sign_in(media_browser, site.url, "supervisor")
    await expect(page.locator("#phone-reg")).to_have_attribute("data-state", "registered", timeout=15_000)
    await expect(page.locator("#phone-mode")).to_have_text("Browser phone (SIP over WebSocket)")
    registers = sip.messages("REGISTER", requests=True)
    assert f'username="{CONSOLE}"' in (registers[-1].header("authorization") or "")
    assert sip.auth_failures == []

    await ami.wait_for(lambda: bool(ami.named("Events")), within=10)
    await _agent_1002_on_a_call(site)
    await expect(page.locator("#agents tr[data-agent='1002'] button[data-action='listen']")).to_be_visible(
        timeout=10_000
    )

    # Listen: the engine Originates the console's endpoint into ChanSpy; the console answers by itself.
    await _click(page, "listen")
    await wait_until(lambda: bool(site.pbx.spy_call_id), what="the console rung")
    await wait_until(
        lambda: bool(answers(sip, site.pbx.spy_call_id)), timeout=20, what="the automatic answer"
    )
    assert answers(sip, site.pbx.spy_call_id)[0].status == 200
    await expect(page.locator("#spy-line")).to_have_attribute("data-phase", "talking", timeout=10_000)
    (originate,) = _spy_originates(site)
    assert (originate.get("Channel"), originate.get("Data")) == (f"PJSIP/{CONSOLE}", f"{AGENT_LEG},qd")
    await wait_until(lambda: site.engine.supervision.leg_of("supervisor") == SPY_LEG, what="the leg known")

    # Whisper, barge: DTMF 5 and 6 received on the same leg; nothing rings again.
    for action, digit in (("whisper", "5"), ("barge", "6")):
        await _click(page, action)
        await ami.wait_for(lambda: any(a.get("Digit") == digit for a in ami.named("PlayDTMF")))  # noqa: B023
    assert [(a.get("Channel"), a.get("Digit"), a.get("Receive")) for a in ami.named("PlayDTMF")] == [
        (SPY_LEG, "5", "true"),
        (SPY_LEG, "6", "true"),
    ]
    assert len(_spy_originates(site)) == 1
    assert len([m for m in sip.log if m.direction == "out" and m.method == "INVITE" and m.is_request]) == 1
    assert ami.named("Hangup") == []
    await expect(page.locator("#spy-line")).to_have_attribute("data-phase", "talking")

    # Stop: the leg is hung up; Asterisk's BYE ends the console's call.
    await page.click("#agents tr[data-agent='1002'] button[data-action='stop']")
    await ami.wait_for(lambda: bool(ami.named("Hangup")))
    assert ami.named("Hangup")[0].get("Channel") == SPY_LEG
    await expect(page.locator("#spy-line")).to_have_attribute("data-phase", "none", timeout=10_000)
    await expect(page.locator("#audit tr[data-action='supervise.stop']").first).to_be_visible()


async def test_given_users_when_they_ask_for_the_console_phone_then_only_listed_supervisors_get_one(
    site: Site,
) -> None:
    async def settings_of(username: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=site.url, timeout=10) as client:
            login = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert login.status_code == 200, login.text
            return await client.get("/api/supervisor/softphone")

    async with httpx.AsyncClient(base_url=site.url, timeout=10) as client:
        await client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD})
        console = await client.get("/supervisor")
    ws_origin = site.engine.settings.webrtc.ws_url.removesuffix("/ws")
    assert f"connect-src 'self' {ws_origin};" in console.headers["content-security-policy"]

    mine = await settings_of("supervisor")
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "no-store"
    assert (mine.json()["endpoint"], mine.json()["sip_uri"]) == (CONSOLE, f"sip:{CONSOLE}@127.0.0.1")
    assert mine.json()["password"] == sip_password(SECRET, CONSOLE)
    assert (await settings_of("admin")).json() == {"mode": "desk"}  # not listed: their desk phone rings
    assert (await settings_of("agent1002")).status_code == 403
