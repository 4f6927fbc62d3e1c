"""A real engine on the simulator plus the web app served by uvicorn on an ephemeral port."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.clock import SystemClock
from callcenter.composition import web_app
from callcenter.settings import Settings
from crm_core.callbacks import CallbackBook, CallbackRequest, CallbackSummary
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.wire_check import check_message

PASSWORD = "demo-password-123"


class StepClock:
    """Wall time plus a shift the test controls (to expire sessions without waiting)."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift


@dataclass
class Desktop:
    engine: Engine
    app: FastAPI
    url: str
    clock: StepClock

    def client(self, **kwargs: object) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10, **kwargs)  # type: ignore[arg-type]

    @contextlib.asynccontextmanager
    async def signed_in(self, username: str) -> AsyncIterator[httpx.AsyncClient]:
        async with self.client() as client:
            response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            yield client


@contextlib.asynccontextmanager
async def live_desktop(settings: Settings, trusted_proxies: tuple[str, ...] = ()) -> AsyncIterator[Desktop]:
    """The engine (nobody signed in but who was signed in on this database) and the web app on an
    ephemeral port (``trusted_proxies``: as in settings)."""
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        clock = StepClock()
        app = web_app(
            engine, clock=clock, idle_timeout_s=60, absolute_timeout_s=600, wallboard_interval_s=0.05
        )
        async with running_server(app, trusted_proxies=trusted_proxies) as url:
            yield Desktop(engine, app, url, clock)
    finally:
        await engine.stop()


@pytest.fixture
async def desktop(tmp_path: Path) -> AsyncIterator[Desktop]:
    """The engine and the web app, every agent signed in and available."""
    async with live_desktop(engine_settings(tmp_path)) as running:
        await sign_in_agents(running.engine)
        yield running


@contextlib.asynccontextmanager
async def live_socket(desktop: Desktop, client: httpx.AsyncClient) -> AsyncIterator[ClientConnection]:
    headers = {"Origin": desktop.url, "Cookie": f"cc_session={client.cookies['cc_session']}"}
    async with connect(desktop.url.replace("http://", "ws://") + "/ws", additional_headers=headers) as ws:
        yield ws


async def next_message(
    ws: ClientConnection,
    kind: str,
    where: Callable[[dict[str, Any]], bool] = lambda _m: True,
    timeout: float = 10,  # noqa: ASYNC109 - a deadline for the wait, like tests.waiting
) -> dict[str, Any]:
    """The next message of type ``kind`` matching ``where`` (others are skipped), within ``timeout``.
    Every message read on the way must be valid against the protocol's schema."""
    async with asyncio.timeout(timeout):
        while True:
            message: dict[str, Any] = json.loads(await ws.recv())
            check_message(message)
            if message["type"] == kind and where(message):
                return message


def _callback_book(desktop: Desktop) -> CallbackBook:
    return CallbackBook(SystemClock(), desktop.engine.settings.default_region)


def schedule_callback(desktop: Desktop, number: str, in_s: float = 0.3, agent: str | None = "1001") -> int:
    """A callback to ``number`` in the sales queue, promised by ``agent``, due in ``in_s``."""
    request = CallbackRequest(
        number=number,
        due_at=datetime.now(UTC) + timedelta(seconds=in_s),
        queue="sales",
        requested_by=agent,
        preferred_agent=agent,
    )
    with desktop.engine.contact_center.sessions.begin() as session:
        return _callback_book(desktop).schedule(session, request).id


def stored_callback(desktop: Desktop, callback_id: int) -> CallbackSummary:
    with desktop.engine.contact_center.sessions() as session:
        return _callback_book(desktop).get(session, callback_id)
