"""``/api/chat/ws``: authenticated by the first message, refused with clear close codes, and resumed
after the last seq seen: what was missed comes exactly once, in order, also while messages keep
arriving during the resume."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.integration.desktop.chat_helpers import (
    Visitor,
    accepted_by,
    agent_writes,
    authenticate,
    chat_settings,
    start_chat,
    visitor_socket,
)
from tests.integration.desktop.conftest import Desktop, live_desktop
from tests.integration.engine.conftest import sign_in_agents


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    async with live_desktop(chat_settings(tmp_path)) as running:
        await sign_in_agents(running.engine, "1002")
        yield running


async def _messages_until(ws: ClientConnection, last_seq: int, timeout: float = 10) -> list[dict[str, Any]]:  # noqa: ASYNC109
    """The ``message`` frames received until the one with ``last_seq`` (others are skipped)."""
    got: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while not got or got[-1]["seq"] < last_seq:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                got.append(frame["message"])
    return got


async def _drain(ws: ClientConnection) -> None:
    async with asyncio.timeout(15):
        while True:
            await ws.recv()


async def _close_code(ws: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await _drain(ws)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_given_a_wrong_key_then_4403_and_without_auth_4401(desktop: Desktop) -> None:
    async with desktop.client() as client:
        visitor = await start_chat(client)
        async with visitor_socket(desktop) as ws:
            await ws.send(
                json.dumps({"type": "auth", "conversation_id": visitor.cid, "visitor_key": "x" * 40})
            )
            assert await _close_code(ws) == (4403, "unknown conversation or wrong key")
        async with visitor_socket(desktop) as ws:
            await ws.send(json.dumps({"type": "typing"}))
            assert await _close_code(ws) == (4401, "authenticate first")
        async with visitor_socket(desktop) as ws:
            await ws.send("not json")
            assert (await _close_code(ws))[0] == 4401
        async with visitor_socket(desktop, origin="https://evil.example") as ws:
            assert (await _close_code(ws))[0] == 4403
        async with visitor_socket(desktop, origin="https://shop.example") as ws:
            welcome = await authenticate(ws, visitor)
    assert welcome["conversation"]["conversation_id"] == visitor.cid


async def test_given_a_dropped_socket_when_resumed_then_what_was_missed_comes_exactly_once_in_order(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        visitor = await start_chat(client)
        await accepted_by(agent, visitor)
        async with visitor_socket(desktop) as ws:
            await authenticate(ws, visitor)
            await visitor.post("first", "v-1")
            seen = await _messages_until(ws, (await visitor.messages())[-1]["seq"])
        last_seen = seen[-1]["seq"]
        # Offline: the agent writes twice, the visitor's retry of a message lands once.
        for i in range(2):
            reply = await agent_writes(agent, visitor, f"reply {i}", f"a-{i}")
            assert reply.status_code == 200, reply.text
        await visitor.post("while away", "v-2")
        await visitor.post("while away", "v-2")
        everything = await visitor.messages()
        async with visitor_socket(desktop) as ws:
            await authenticate(ws, visitor, last_seq=last_seen)
            resumed = await _messages_until(ws, everything[-1]["seq"])
            live = await agent_writes(agent, visitor, "live", "a-9")
            after = await _messages_until(ws, live.json()["seq"])
    assert [m["seq"] for m in seen] == list(range(1, last_seen + 1))
    assert [m["seq"] for m in resumed] == list(range(last_seen + 1, everything[-1]["seq"] + 1))
    assert [m["text"] for m in resumed if m["sender"] != "system"] == ["reply 0", "reply 1", "while away"]
    assert [m["text"] for m in after] == ["live"]


async def test_given_messages_arriving_while_resuming_then_none_is_lost_or_repeated(desktop: Desktop) -> None:
    """The socket is registered before storage is read: a message stored in between comes once."""
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        visitor = await start_chat(client)
        await accepted_by(agent, visitor)

        async def keep_writing(n: int) -> None:
            for i in range(n):
                response = await agent_writes(agent, visitor, f"r{i}", f"r-{i}")
                assert response.status_code == 200

        writer = asyncio.create_task(keep_writing(60))
        sockets_seen: list[list[int]] = []
        for _ in range(3):  # reconnect three times while the agent writes
            async with visitor_socket(desktop) as ws:
                last = sockets_seen[-1][-1] if sockets_seen else 0
                await authenticate(ws, visitor, last_seq=last)
                await asyncio.sleep(0.05)
                target = (await visitor.messages())[-1]["seq"]
                sockets_seen.append([last, *[m["seq"] for m in await _messages_until(ws, target)]])
        await writer
        final = (await visitor.messages())[-1]["seq"]
        async with visitor_socket(desktop) as ws:
            last = sockets_seen[-1][-1]
            await authenticate(ws, visitor, last_seq=last)
            rest = [m["seq"] for m in await _messages_until(ws, final)] if final > last else []
    received = [seq for run in sockets_seen for seq in run[1:]] + rest
    assert received == list(range(1, final + 1))


async def test_given_an_agent_typing_and_a_status_change_then_the_visitor_hears_of_both(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client, desktop.signed_in("agent1002") as agent:
        visitor: Visitor = await start_chat(client)
        async with visitor_socket(desktop) as ws:
            await authenticate(ws, visitor)
            await accepted_by(agent, visitor)
            await agent.post(f"/api/agent/chats/{visitor.cid}/typing")
            kinds: dict[str, dict[str, Any]] = {}
            async with asyncio.timeout(10):
                while not {"typing", "status"} <= set(kinds):
                    frame = json.loads(await ws.recv())
                    kinds.setdefault(frame["type"], frame)
            await ws.send(json.dumps({"type": "ping"}))
            await ws.send(json.dumps({"type": "launch"}))
            answers: list[dict[str, Any]] = []
            async with asyncio.timeout(10):
                while len(answers) < 2:
                    frame = json.loads(await ws.recv())
                    if frame["type"] in ("pong", "error"):
                        answers.append(frame)
    assert kinds["typing"]["sender"] == "agent"
    assert kinds["status"]["status"] in ("offered", "active")
    assert [a["type"] for a in answers] == ["pong", "error"]
    assert answers[1]["code"] == "chat.bad_socket_message"


async def test_given_a_waiting_visitor_then_their_place_comes_on_the_socket(desktop: Desktop) -> None:
    await desktop.engine.router.pause("1002", "break")  # signed in, so the chat waits for them
    async with desktop.client() as client:
        first = await start_chat(client)
        second = await start_chat(client, name="Bob")
        async with visitor_socket(desktop) as ws:
            welcome = await authenticate(ws, second)
            await desktop.engine.conversations.publish_waiting_places()
            async with asyncio.timeout(10):
                while (frame := json.loads(await ws.recv()))["type"] != "status":
                    pass
    assert first.opened["wait"]["position"] == 1
    assert (welcome["wait"]["status"], welcome["wait"]["position"]) == ("waiting", 2)
    assert (frame["status"], frame["position"]) == ("waiting", 2)
    assert frame["expected_wait_s"] is None or frame["expected_wait_s"] >= 0
