"""The ``/ws`` protocol from the browser's side: the pages' ``CCWire`` names the messages the server
publishes, each page accounts for every message it receives (a listener or an explicit ignore), the
server's own messages go through the pages' listeners without a script error, and a page meeting
another protocol version says so."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Browser, Page, WebSocketRoute, expect

from agent_desktop.protocol.routing import ROUTES, event_json
from callcenter.app import Engine
from callcenter.i18n import translate
from tests.e2e.conftest import PASSWORD, sign_in
from tests.wire_samples import sample_events

pytestmark = pytest.mark.browser


async def _published(page: Page) -> dict[str, Any]:
    protocol: dict[str, Any] = await page.evaluate("fetch('/api/ws-protocol').then((r) => r.json())")
    return protocol


def _card_tags(schema: dict[str, Any]) -> set[str]:
    defs = schema.get("$defs", {})
    return {
        d["properties"]["type"]["const"]
        for d in defs.values()
        if "const" in d.get("properties", {}).get("type", {})
    }


@pytest.mark.parametrize(("username", "audience"), [("agent1001", "agent"), ("supervisor", "supervisor")])
async def test_given_a_page_when_compared_with_the_published_protocol_then_names_and_listeners_match(
    browser: Browser, server: tuple[Engine, str], username: str, audience: str
) -> None:
    _engine, url = server
    page = await sign_in(browser, url, username)
    published = await _published(page)
    messages: dict[str, Any] = published["messages"]
    assert await page.evaluate("CCWire.PROTOCOL") == published["protocol"] == 1
    assert sorted(await page.evaluate("Object.values(CCWire.MSG)")) == sorted(messages)
    cards = await page.evaluate("Object.values(CCWire.CARD)")
    assert set(cards) <= _card_tags(messages["CallOffered"]["schema"])
    listened = set(await page.evaluate("Object.keys(CC.listeners)"))
    ignored = set(await page.evaluate("[...CC.ignored]"))
    received = {name for name, m in messages.items() if audience in m["audience"]}
    assert listened | ignored == received  # nothing forgotten, nothing it never gets
    assert listened & ignored == set()


def _agent_messages() -> list[dict[str, Any]]:
    return [event_json(e) for e in sample_events() if ROUTES[type(e)].to_agent]


async def test_given_the_servers_messages_when_fed_to_the_agent_page_then_it_shows_them_without_errors(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _engine, url = server
    page = await sign_in(browser, url, "agent1001")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    by_type = {m["type"]: m for m in reversed(_agent_messages())}  # the first of each type (the known caller)
    receive = "(m) => CC.receive(m)"
    await page.evaluate(receive, by_type["CallOffered"])
    await expect(page.locator("#pop-customer")).to_contain_text("Li Wei")
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "offering")
    await page.evaluate(receive, by_type["CallConnected"])
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "talking")
    await page.evaluate(receive, by_type["RecordingPaused"])
    await expect(page.locator("#rec")).to_have_attribute("data-paused", "true")
    await page.evaluate(receive, by_type["CallHeld"])
    await expect(page.locator("#hold")).to_have_attribute("data-on", "true")
    await page.evaluate(receive, by_type["ConsultStarted"])
    await expect(page.locator("#consult-box")).to_be_visible()
    await page.evaluate(receive, by_type["AgentStateChanged"])
    await expect(page.locator("#state")).to_have_attribute("data-state", "paused")
    for message in _agent_messages():  # all of them, in turn
        await page.evaluate(receive, json.loads(json.dumps(message)))
    await expect(page.locator("#call-status")).to_have_attribute("data-phase", "dialing")  # the last call
    assert errors == []


async def test_given_a_server_of_another_protocol_when_a_page_connects_then_it_says_so_in_the_users_language(
    browser: Browser, server: tuple[Engine, str]
) -> None:
    _engine, url = server
    context = await browser.new_context()
    hello = {"type": "hello", "protocol": 2, "user": {}}

    def newer_server(ws: WebSocketRoute) -> None:
        ws.send(json.dumps(hello))

    await context.route_web_socket("**/ws", newer_server)
    page = await context.new_page()
    await page.goto(url + "/login")
    await page.fill("#username", "agent1001")  # Li Na reads Chinese
    await page.fill("#password", PASSWORD)
    await page.click("#submit")
    expected = translate("ui.protocol_mismatch", "zh_CN", server=2, page=1)
    await expect(page.locator("#live")).to_have_text(expected, timeout=10_000)
    await expect(page.locator("#live")).to_have_attribute("data-protocol", "mismatch")
    await expect(page.locator("#toast")).to_have_text(expected)
    await context.close()
