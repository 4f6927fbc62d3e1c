"""Shared by the chat API tests: a desktop whose chat limits fit a test, a visitor, an agent's offer."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from callcenter.settings import Settings
from tests.integration.desktop.conftest import Desktop
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until

ROOMY_LIMITS = {"new_chats_per_minute": 1000, "max_open_per_address": 1000, "messages_per_10s": 1000}


def chat_settings(tmp_path: Path, **chat: Any) -> Settings:
    return engine_settings(
        tmp_path, chat={**ROOMY_LIMITS, "allowed_origins": ["https://shop.example"], **chat}
    )


class Visitor:
    """A visitor's side of one chat over the public API."""

    def __init__(self, client: httpx.AsyncClient, opened: dict[str, Any]) -> None:
        self.client = client
        self.cid: str = opened["conversation"]["conversation_id"]
        self.key: str = opened["visitor_key"]
        self.opened = opened

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Chat-Key": self.key}

    async def post(self, text: str, client_id: str) -> httpx.Response:
        return await self.client.post(
            f"/api/chat/{self.cid}/messages",
            json={"text": text, "client_id": client_id},
            headers=self.headers,
        )

    async def messages(self, after: int = 0) -> list[dict[str, Any]]:
        response = await self.client.get(f"/api/chat/{self.cid}/messages?after={after}", headers=self.headers)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["messages"]
        return found


async def start_chat(
    client: httpx.AsyncClient, name: str = "Ann Lee", topic: str = "support", language: str = "en"
) -> Visitor:
    body = {"name": name, "topic": topic, "language": language, "email": "ann@example.com"}
    response = await client.post("/api/chat/start", json=body)
    assert response.status_code == 200, response.text
    return Visitor(client, response.json())


@contextlib.asynccontextmanager
async def visitor_socket(desktop: Desktop, origin: str | None = None) -> AsyncIterator[ClientConnection]:
    headers = {"Origin": origin or desktop.url}
    url = desktop.url.replace("http://", "ws://") + "/api/chat/ws"
    async with connect(url, additional_headers=headers) as ws:
        yield ws


async def authenticate(ws: ClientConnection, visitor: Visitor, last_seq: int = 0) -> dict[str, Any]:
    auth = {"type": "auth", "conversation_id": visitor.cid, "visitor_key": visitor.key, "last_seq": last_seq}
    await ws.send(json.dumps(auth))
    welcome: dict[str, Any] = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return welcome


async def agent_writes(
    agent: httpx.AsyncClient, visitor: Visitor, text: str, client_id: str
) -> httpx.Response:
    """The agent writes in the visitor's chat (the agent's side of :meth:`Visitor.post`)."""
    return await agent.post(
        f"/api/agent/chats/{visitor.cid}/messages", json={"text": text, "client_id": client_id}
    )


async def offer_for(agent: httpx.AsyncClient, visitor: Visitor) -> dict[str, Any]:
    """The visitor's chat among the agent's open offers (as a reloaded desktop reads them)."""
    found: list[dict[str, Any]] = []

    async def offered() -> bool:
        body = (await agent.get("/api/agent/chats")).json()
        found[:] = [o for o in body["offers"] if o["conversation_id"] == visitor.cid]
        return bool(found)

    await wait_until(offered, timeout=15.0, what="the chat offered to the agent")
    return found[0]


async def accepted_by(agent: httpx.AsyncClient, visitor: Visitor) -> dict[str, Any]:
    """The agent accepts the visitor's chat offered to them."""
    offer = await offer_for(agent, visitor)
    response = await agent.post(f"/api/agent/chats/offers/{offer['offer_id']}/accept")
    assert response.status_code == 200, response.text
    return offer
