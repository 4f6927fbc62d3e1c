"""The agent's voicemail pane in Chromium: a caller's message left after hours (through the simulator)
is offered, accepted, played in the page (an audit row), shows that there is no transcript, and the
agent calls back with one click, ends it and wraps it up; in English and in Simplified Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from callcenter.i18n import translate
from crm_core.models import Interaction
from crm_core.models_auth import AuditEntry
from tests.e2e.conftest import sign_in
from tests.integration.voicemail.engine_helpers import after_hours, leave_message, voicemail_row
from tests.waiting import wait_until


@pytest.mark.parametrize(
    ("agent", "no_transcript", "calling"),
    [("1002", "No transcript.", "Your phone rings"), ("1001", "没有文字记录。", "您的话机正在振铃")],
    ids=["en", "zh_CN"],
)
async def test_given_a_voicemail_when_the_agent_accepts_it_then_it_plays_and_is_called_back(
    browser: Browser, tmp_path: Path, agent: str, no_transcript: str, calling: str
) -> None:
    async with after_hours(tmp_path, agents=(agent,)) as desk:
        await leave_message(desk.engine, "2125550148")
        row = await voicemail_row(desk.engine)
        cid = row.conversation_id
        page = await sign_in(browser, desk.url, f"agent{agent}")
        language = "zh_CN" if agent == "1001" else "en"  # the demo users' languages
        offer = page.locator(f".chat-offer[data-conversation='{cid}']")
        await expect(offer.locator("h3")).to_contain_text(translate("ui.channel.voicemail", language))
        await offer.locator(".chat-accept").click()
        card = page.locator(f"[data-voicemail='{cid}']")
        await expect(card.locator(".vm-transcript")).to_have_text(no_transcript)
        await expect(card.locator("audio.vm-audio")).to_have_attribute(
            "src", f"/api/agent/voicemails/{cid}/audio"
        )

        played = await card.locator("audio.vm-audio").evaluate(
            """async (audio) => {
                 audio.muted = true;
                 await audio.play();
                 await new Promise((done) => audio.addEventListener("ended", done, { once: true }));
                 return audio.duration;
               }"""
        )
        assert played == pytest.approx(row.duration_s, abs=0.05)

        def audited() -> bool:
            with desk.engine.contact_center.sessions() as session:
                query = select(AuditEntry).where(AuditEntry.action == "voicemail.play")
                return any(e.target == f"voicemail:{row.id}" for e in session.scalars(query))

        await wait_until(audited, what="the playback audited")

        await card.locator(".vm-call-back").click()
        await expect(page.locator("#toast")).to_contain_text(calling)
        await card.locator(".vm-done").click()
        await expect(card.locator(".vm-done")).to_have_count(0)
        wrap = page.locator(f".chat-view[data-conversation='{cid}'] .chat-wrap")
        await expect(wrap).not_to_have_class(re.compile(r"\bhidden\b"))  # the wrap-up, as for a chat
        await wrap.locator(".chat-wrap-save").click()

        def in_timeline() -> bool:
            with desk.engine.contact_center.sessions() as session:
                query = select(Interaction).where(Interaction.external_ref == f"voicemail:{cid}")
                return session.scalars(query).first() is not None

        await wait_until(in_timeline, what="the voicemail in the customer's timeline")
