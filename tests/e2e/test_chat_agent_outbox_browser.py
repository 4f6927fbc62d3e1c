"""The agent's unsent chat messages survive a reload: written while the server could not be reached,
kept by the page across the reload, sent once the server answers, stored once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Route, expect

from callcenter.app import Engine
from tests.e2e.conftest import go_available, live_desktop, sign_in
from tests.integration.desktop.chat_helpers import ROOMY_LIMITS, start_chat
from tests.integration.engine.conftest import engine_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def chat_server(tmp_path: Path) -> AsyncIterator[tuple[Engine, str]]:
    async with live_desktop(engine_settings(tmp_path, chat=ROOMY_LIMITS)) as running:
        yield running


async def test_given_a_message_unsent_when_the_agent_reloads_then_it_is_sent_once_afterwards(
    browser: Browser, chat_server: tuple[Engine, str]
) -> None:
    engine, url = chat_server
    agent = await sign_in(browser, url, "agent1002")
    await go_available(agent)
    async with httpx.AsyncClient(base_url=url) as client:
        visitor = await start_chat(client)
        await agent.locator(".chat-offer .chat-accept").click(timeout=10_000)
        view = agent.locator(f".chat-view[data-conversation='{visitor.cid}']")
        await expect(view).to_have_count(1)

        unreachable = True

        async def posts(route: Route) -> None:
            if unreachable and route.request.method == "POST":
                await route.abort("connectionrefused")
            else:
                await route.continue_()

        await agent.route(lambda u: u.endswith("/messages") and "/api/agent/chats/" in u, posts)
        await view.locator(".chat-input").fill("written before the reload")
        await view.locator(".chat-send").click()
        await expect(view.locator("li.pending")).to_have_text(["written before the reload"])

        await agent.reload()
        view = agent.locator(f".chat-view[data-conversation='{visitor.cid}']")
        await expect(view.locator("li.pending")).to_have_text(["written before the reload"], timeout=10_000)
        unreachable = False
        await expect(view.locator("li.pending")).to_have_count(0, timeout=10_000)
        await expect(view.locator(".chat-msg.agent .chat-text")).to_have_text(["written before the reload"])
        seen = [m["text"] for m in await visitor.messages() if m["sender"] == "agent"]
    stored = [m.text for m in await engine.conversations.messages(visitor.cid) if m.sender.value == "agent"]
    assert stored == ["written before the reload"]
    assert seen == ["written before the reload"]
