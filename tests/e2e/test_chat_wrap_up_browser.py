"""The chat pane's wrap-up in Chromium, in a queue that requires a disposition: the same two-level
list as a call's (a code, then its details), the required mark, a refusal without a code, and the
code with its detail in the CRM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.conversations.api import ChatRequest
from callcenter.i18n import translate
from crm_core.models import Interaction
from tests.e2e.conftest import go_available, live_desktop, sign_in
from tests.integration.desktop.chat_helpers import ROOMY_LIMITS
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def chat_server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    queues = [
        {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": 0.2},
        {"name": "support", "skills": {"support": 2}, "wrap_up_s": 0.2, "disposition_required": True},
        {"name": "general", "wrap_up_s": 0.2},
    ]
    async with live_desktop(engine_settings(tmp_path, chat=ROOMY_LIMITS, queues=queues)) as running:
        yield running


async def test_given_a_queue_that_requires_a_disposition_then_the_chat_pane_asks_for_one(
    browser: Browser, chat_server: tuple[Engine, str]
) -> None:
    engine, url = chat_server
    agent = await sign_in(browser, url, "agent1002")
    await go_available(agent)
    opened = await engine.conversations.open_chat(ChatRequest("Ann Lee", "support", "en", "203.0.113.7"))
    cid = opened.conversation.conversation_id
    await agent.locator(f".chat-offer[data-conversation='{cid}'] .chat-accept").click(timeout=15_000)
    view = agent.locator(f".chat-view[data-conversation='{cid}']")
    await view.locator(".chat-end").click()
    await expect(view.locator(".chat-wrap")).to_be_visible()
    await expect(view.locator(".chat-disposition-required")).to_be_visible()

    await view.locator(".chat-wrap-save").click()
    await expect(agent.locator("#toast")).to_have_text(translate("ui.disposition_required", "en"))
    await expect(view).to_have_count(1)  # still to wrap up

    await view.locator(".chat-disposition").select_option("resolved")
    details = view.locator(".chat-sub-disposition option")
    await expect(details).to_have_count(4)  # "–" and resolved's three details
    await view.locator(".chat-sub-disposition").select_option("problem_fixed")
    await view.locator(".chat-wrap-save").click()
    await expect(view).to_have_count(0)
    with engine.contact_center.sessions() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == f"chat:{cid}")).one()
    assert row.disposition == "resolved/problem_fixed"
