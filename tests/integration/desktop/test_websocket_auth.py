"""``/ws`` refuses unauthenticated, forged and cross-origin sockets; a good one gets hello + snapshot."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.integration.desktop.conftest import Desktop, live_socket, next_message


def _ws_url(desktop: Desktop) -> str:
    return desktop.url.replace("http://", "ws://") + "/ws"


async def _close_code(desktop: Desktop, headers: dict[str, str]) -> int | None:
    async with connect(_ws_url(desktop), additional_headers=headers) as ws:
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        return ws.close_code


async def test_given_no_cookie_when_opening_the_websocket_then_closed_4401(desktop: Desktop) -> None:
    assert await _close_code(desktop, {"Origin": desktop.url}) == 4401


async def test_given_a_forged_cookie_when_opening_the_websocket_then_closed_4401(desktop: Desktop) -> None:
    forged = {"Origin": desktop.url, "Cookie": "cc_session=forged-token-that-was-never-issued"}
    assert await _close_code(desktop, forged) == 4401


async def test_given_a_valid_cookie_from_another_origin_when_opening_the_websocket_then_closed_4403(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("supervisor") as client:
        cookie = f"cc_session={client.cookies['cc_session']}"
        assert await _close_code(desktop, {"Origin": "https://evil.example", "Cookie": cookie}) == 4403
        assert await _close_code(desktop, {"Cookie": cookie}) == 4403  # no Origin at all


async def test_given_a_supervisor_session_when_opening_the_websocket_then_hello_and_a_wallboard(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("supervisor") as client:
        headers = {"Origin": desktop.url, "Cookie": f"cc_session={client.cookies['cc_session']}"}
        async with connect(_ws_url(desktop), additional_headers=headers) as ws:
            hello = json.loads(await ws.recv())
            assert hello == {"type": "hello", "protocol": 1, "user": hello["user"]}
            assert hello["user"]["role"] == "supervisor"
            board = json.loads(await ws.recv())
            assert board["type"] == "wallboard"
            assert {q["queue"] for q in board["queues"]} >= {"sales", "support", "general"}
            assert {a["agent_id"] for a in board["agents"]} == {"1001", "1002", "1003"}
            await ws.send('{"type": "ping"}')
            assert json.loads(await ws.recv())["type"] in ("pong", "wallboard")


async def test_given_a_message_the_socket_does_not_take_then_a_translated_error_and_the_socket_stays_open(
    desktop: Desktop,
) -> None:
    async with desktop.signed_in("agent1001") as client, live_socket(desktop, client) as ws:
        await next_message(ws, "snapshot")
        for garbage in ("not json", '["ping"]', '{"type": "accept_all_calls"}'):
            await ws.send(garbage)
            error = await next_message(ws, "error")
            assert (error["code"], error["message"]) == (
                "desktop.bad_ws_message",
                "实时连接只接受 ping 消息；此消息已忽略。",
            )
        await ws.send('{"type": "ping"}')
        await next_message(ws, "pong")
