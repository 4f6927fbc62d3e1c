"""The browser phone (webrtc driver of agent_desktop/static/softphone.js, JsSIP 3.13.8) in headless
Chromium against a recording fake of Asterisk's SIP-over-WebSocket edge (tests/fakes/sip_ws_peer.py).

The fake speaks SIP; a second page's RTCPeerConnection stands in for Asterisk's media end (its SDP
travels in the fake's INVITE, the agent page's answer goes back to it). Proven: REGISTER with digest
auth using the password the engine derives and a wrong password refused; the INVITE rung on the page,
answered with 200 OK + SDP; ICE and DTLS-SRTP connected and audio flowing both ways; hold / resume as
re-INVITEs; DTMF as RFC 4733 events in RTP (no SIP INFO); hang-up as BYE. Not proven here: Asterisk's
own side (its pjsip/http config is rendered by telephony_config.webrtc and checked in unit tests;
shared/asterisk/webrtc.md records the same JsSIP against a real Asterisk 22).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright, expect

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.composition import web_app
from telephony_config.webrtc import sip_password
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, go_available, sign_in
from tests.fakes.sip_ws_peer import SipMessage, SipWsPeer
from tests.integration.asterisk.ami_peer import AmiPeer
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until

pytestmark = pytest.mark.browser
SECRET = "webrtc-test-secret-0123456789"
BUNDLE = Path(__file__).resolve().parents[2] / "agent_desktop" / "static" / "vendor" / "jssip.js"
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@dataclass
class Site:
    engine: Engine
    url: str
    peer: SipWsPeer
    ami: AmiPeer


async def _site(tmp_path: Path, peer_secret: str, engine_secret: str = SECRET) -> AsyncIterator[Site]:
    """The engine against 'Asterisk' (its AMI absent), the web app, and the fake SIP edge whose
    endpoint passwords are derived from ``peer_secret``."""
    assert BUNDLE.is_file(), f"{BUNDLE} is missing: ./run.sh test builds it (npm ci + esbuild)"
    peer = SipWsPeer(lambda endpoint: sip_password(peer_secret, endpoint))
    ws_url = await peer.start()
    ami = AmiPeer()  # Asterisk's manager interface: Originate is accepted (and recorded)
    ami.handlers["originate"] = lambda c, a: c.answer(a, ("Message", "Originate successfully queued"))
    settings = engine_settings(
        tmp_path,
        ami={"port": await ami.start(), "reconnect_initial_s": 0.5, "reconnect_max_s": 1.0},
        webrtc={"ws_url": ws_url, "sip_domain": "127.0.0.1", "password_secret": engine_secret},
    )
    engine = Engine(settings, simulator_mode=False)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with running_server(web_app(engine)) as url:
            yield Site(engine, url, peer, ami)
    finally:
        await engine.stop()
        await peer.stop()
        await ami.close()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for running in _site(tmp_path, SECRET):
        yield running


@pytest.fixture
async def misconfigured_site(tmp_path: Path) -> AsyncIterator[Site]:
    async for running in _site(tmp_path, "another-secret-than-the-engines"):
        yield running


# The stand-in for Asterisk's media: a plain RTCPeerConnection with the fake microphone.
MEDIA_OFFER = """async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  window.pc = pc;
  pc.ontrack = (e) => {
    const sink = new Audio();  // Chrome feeds WebAudio from a remote stream only while an element plays it
    sink.muted = true;
    sink.srcObject = e.streams[0];
    sink.play().catch(() => {});
    const context = new AudioContext();
    window.analyser = context.createAnalyser();
    context.createMediaStreamSource(e.streams[0]).connect(window.analyser);
    context.resume();
  };
  const gathered = new Promise((done) => pc.addEventListener("icegatheringstatechange",
    () => pc.iceGatheringState === "complete" && done()));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered;
  return pc.localDescription.sdp;
}"""
MEDIA_ANSWER = "async (sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp })"
MEDIA_REOFFER = """async (sdp) => {
  await window.pc.setRemoteDescription({ type: "offer", sdp });
  await window.pc.setLocalDescription(await window.pc.createAnswer());
  return window.pc.localDescription.sdp;
}"""
# The loudest sample that reached the far end over 1.5 s (the fake microphone beeps; silence when muted).
MEDIA_PEAK = """async () => {
  const samples = new Float32Array(window.analyser.fftSize);
  let peak = 0;
  for (let i = 0; i < 30; i++) {
    window.analyser.getFloatTimeDomainData(samples);
    for (const v of samples) peak = Math.max(peak, Math.abs(v));
    await new Promise((done) => setTimeout(done, 50));
  }
  return peak;
}"""
MEDIA_STATS = """async () => {
  let bytes = 0;
  (await window.pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp") bytes += r.bytesReceived; });
  return { state: window.pc.connectionState, bytes };
}"""


@pytest.fixture
async def unconfigured_site(tmp_path: Path) -> AsyncIterator[Site]:
    async for running in _site(tmp_path, SECRET, engine_secret=""):
        yield running


@pytest.fixture
async def media_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def _final(peer: SipWsPeer, method: str, call_id: str | None = None) -> list[SipMessage]:
    """The browser's final (>= 200) responses to ``method`` requests."""
    return [
        m
        for m in peer.log
        if not m.is_request
        and m.direction == "in"
        and m.cseq_method == method
        and m.status >= 200
        and (call_id is None or m.header("call-id") == call_id)
    ]


async def test_given_the_engines_password_when_a_call_rings_then_the_browser_answers_and_controls_it(
    media_browser: Browser, site: Site
) -> None:
    peer = site.peer
    page = await sign_in(media_browser, site.url, "agent1002")
    await expect(page.locator("#phone-reg")).to_have_attribute("data-state", "registered", timeout=15_000)
    await expect(page.locator("#phone-mode")).to_have_text("Browser phone (SIP over WebSocket)")

    # REGISTER: challenged first, then accepted with the digest of HMAC-SHA256(secret, endpoint).
    registers = peer.messages("REGISTER", requests=True)
    assert registers[0].header("authorization") is None
    assert 'username="agent-1002"' in (registers[1].header("authorization") or "")
    assert [m.start_line for m in peer.log if m.direction == "out" and m.cseq_method == "REGISTER"][:2] == [
        "SIP/2.0 401 Unauthorized",
        "SIP/2.0 200 OK",
    ]
    assert peer.auth_failures == []
    assert "agent-1002" in peer.registrations

    # Asterisk's Dial rings the browser with its media's offer: the page shows the call; the agent answers.
    media = await page.context.new_page()
    await media.goto(site.url + "/login")
    offer = await media.evaluate(MEDIA_OFFER)

    async def reoffer(sdp: str) -> str:
        answer: str = await media.evaluate(MEDIA_REOFFER, sdp)
        return answer

    peer.reoffer = reoffer
    call_id = await peer.invite("agent-1002", caller="5551234", sdp=offer)
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "offering", timeout=10_000)
    await expect(page.locator("#call-status")).to_contain_text("5551234")
    assert any(m.status == 180 for m in peer.log if m.header("call-id") == call_id and not m.is_request)
    assert _final(peer, "INVITE", call_id) == []  # rings until the agent answers (no click-to-dial)
    await page.click("#answer")
    await wait_until(lambda: bool(_final(peer, "INVITE", call_id)), timeout=20, what="200 OK to the INVITE")
    ok = _final(peer, "INVITE", call_id)[0]
    assert ok.status == 200
    assert ok.header("content-type") == "application/sdp"
    for line in ("m=audio", "a=fingerprint:sha-256", "a=ice-ufrag:", "a=setup:active", "telephone-event"):
        assert line in ok.body, line
    await wait_until(lambda: any(m.start_line.startswith("ACK ") for m in peer.log), what="the fake's ACK")
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "talking")

    # ICE and DTLS-SRTP connect; the agent's microphone reaches the far end and the far end's
    # audio plays in the page's <audio> element.
    await media.evaluate(MEDIA_ANSWER, ok.body)

    async def media_flowing() -> bool:
        stats = await media.evaluate(MEDIA_STATS)
        return bool(stats["state"] == "connected" and stats["bytes"] > 0)

    await wait_until(media_flowing, timeout=20, what="ICE + DTLS connected and RTP from the agent")
    remote = "document.getElementById('remote-audio').srcObject?.getAudioTracks()"
    await page.wait_for_function(f"() => {remote}.length === 1 && !{remote}[0].muted", timeout=10_000)

    # Hold and resume are re-INVITEs (a=sendonly, then a=sendrecv) answered by the media end.
    def reinvites() -> list[SipMessage]:
        return [m for m in peer.messages("INVITE", requests=True) if m.direction == "in"]

    def answered(count: int) -> bool:
        """The fake has answered ``count`` re-INVITEs with 200 OK (the media end's SDP)."""
        sent = [m for m in peer.log if m.direction == "out" and m.cseq_method == "INVITE" and m.status == 200]
        return len(sent) >= count

    await page.click("#hold")
    await expect(page.locator("#held-flag")).to_be_visible()
    await expect(page.locator("#hold")).to_have_text("Resume")
    await wait_until(lambda: answered(1), timeout=20, what="the hold re-INVITE answered")
    assert "a=sendonly" in reinvites()[0].body
    await page.click("#hold")
    await expect(page.locator("#held-flag")).to_be_hidden()
    await wait_until(lambda: answered(2), timeout=20, what="the resume re-INVITE answered")
    assert len(reinvites()) == 2
    assert "a=sendrecv" in reinvites()[1].body
    await wait_until(media_flowing, what="media after resume")

    # Mute silences the agent's microphone in the browser (no SIP at all).
    seen_before_mute = len(peer.log)

    async def far_end_hears(sound: bool) -> bool:
        peak: float = await media.evaluate(MEDIA_PEAK)
        return peak > 0.1 if sound else peak < 0.05

    await wait_until(lambda: far_end_hears(True), timeout=10, what="the agent's (fake) microphone heard")
    await page.click("#mute")
    await expect(page.locator("#muted-flag")).to_be_visible()
    await wait_until(lambda: far_end_hears(False), timeout=10, what="silence while muted")
    await page.click("#mute")
    await expect(page.locator("#muted-flag")).to_be_hidden()
    await wait_until(lambda: far_end_hears(True), timeout=10, what="the microphone back after unmute")
    assert not any(m.method == "INVITE" for m in peer.log[seen_before_mute:])

    # DTMF goes in the RTP stream (RFC 4733, the telephone-event the SDP negotiated), not as SIP INFO.
    seen_before_dtmf = len(peer.log)
    await page.click("#keypad button[data-digit='5']")
    await page.click("#keypad button[data-digit='#']")
    await expect(page.locator("#keypad")).to_have_attribute("data-sent", "5#", timeout=5_000)
    assert not any(m.method == "INFO" for m in peer.log[seen_before_dtmf:])
    assert await page.input_value("#dial-number") == ""

    await page.click("#hangup")
    await wait_until(lambda: bool(peer.messages("BYE", requests=True)), what="the browser's BYE")
    assert peer.messages("BYE", requests=True)[0].header("call-id") == call_id
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "none")


async def test_given_a_click_to_dial_when_the_engine_rings_the_agents_phone_then_it_answers_by_itself(
    media_browser: Browser, site: Site
) -> None:
    peer = site.peer
    page = await sign_in(media_browser, site.url, "agent1002")
    await expect(page.locator("#phone-reg")).to_have_attribute("data-state", "registered", timeout=15_000)
    await site.ami.wait_for(lambda: bool(site.ami.named("Events")), within=10)
    await go_available(page)
    await page.fill("#dial-number", "+1 415 555 0100")
    await page.click("#dial")
    # The engine Originates the agent's own endpoint first (the same name the browser registered).
    await site.ami.wait_for(lambda: bool(site.ami.named("Originate")), within=10)
    assert site.ami.named("Originate")[0].get("Channel") == "PJSIP/agent-1002"
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "dialing")
    call_id = await peer.invite("agent-1002", caller="14155550100")
    # No click on Answer: the INVITE came within the window after the click-to-dial.
    await wait_until(lambda: bool(_final(peer, "INVITE", call_id)), timeout=20, what="the automatic 200 OK")
    assert _final(peer, "INVITE", call_id)[0].status == 200
    await page.click("#hangup")
    await wait_until(lambda: bool(peer.messages("BYE", requests=True)), what="the browser's BYE")


async def test_given_a_wrong_password_when_the_page_registers_then_it_is_refused_and_shown(
    media_browser: Browser, misconfigured_site: Site
) -> None:
    peer = misconfigured_site.peer
    page = await sign_in(media_browser, misconfigured_site.url, "agent1002")
    reg = page.locator("#phone-reg")
    await expect(reg).to_have_attribute("data-state", "failed", timeout=15_000)
    await expect(reg).to_have_attribute("data-reason", "Authentication Error")
    await expect(reg).to_contain_text("wrong SIP user or password")
    assert peer.auth_failures == ["agent-1002"]
    assert peer.registrations == {}


async def test_given_two_agents_when_they_ask_for_phone_settings_then_each_gets_only_their_own(
    site: Site,
) -> None:
    async def settings_of(username: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=site.url, timeout=10) as client:
            login = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert login.status_code == 200, login.text
            return await client.get("/api/agent/softphone")

    mine, theirs = await settings_of("agent1002"), await settings_of("agent1003")
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "no-store"
    assert mine.json()["endpoint"] == "agent-1002"
    assert mine.json()["password"] == sip_password(SECRET, "agent-1002")
    assert theirs.json()["password"] == sip_password(SECRET, "agent-1003")
    assert mine.json()["password"] != theirs.json()["password"]
    assert mine.json()["sip_uri"] == "sip:agent-1002@127.0.0.1"
    assert (await settings_of("supervisor")).status_code == 403
    async with httpx.AsyncClient(base_url=site.url) as anonymous:
        assert (await anonymous.get("/api/agent/softphone")).status_code == 401


async def test_given_webrtc_mode_when_the_agent_page_loads_then_its_policy_allows_only_asterisks_socket(
    site: Site,
) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as client:
        login = await client.post("/api/auth/login", json={"username": "agent1002", "password": PASSWORD})
        assert login.status_code == 200, login.text
        page = await client.get("/agent")
        bundle = await client.get("/static/vendor/jssip.js")
        missing = await client.get("/static/vendor/other.js")
    ws_origin = site.engine.settings.webrtc.ws_url.removesuffix("/ws")
    assert f"connect-src 'self' {ws_origin};" in page.headers["content-security-policy"]
    assert bundle.status_code == 200
    assert "JsSIP" in bundle.text[:200]
    assert missing.status_code == 404


async def test_given_no_password_secret_when_the_page_opens_then_the_phone_is_shown_unavailable(
    media_browser: Browser, unconfigured_site: Site
) -> None:
    page = await sign_in(media_browser, unconfigured_site.url, "agent1002")
    reg = page.locator("#phone-reg")
    await expect(reg).to_have_attribute("data-state", "unavailable")
    await expect(reg).to_contain_text("not set up on the server")
    await expect(page.locator("#toast")).to_contain_text("The browser phone is not set up")
    await go_available(page)  # the rest of the page still works
    assert unconfigured_site.peer.log == []
