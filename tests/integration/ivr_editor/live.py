"""The editor inside the whole web app: a real engine on the simulator, real sign-in and audit trail,
served by uvicorn on an ephemeral port (shared by the real-stack test and the browser test)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.ivr_editor import EditorContext, make_router
from agent_desktop.runner import running_server
from callcenter.app import Engine
from callcenter.composition import web_app
from ivr_flows.store import FileFlowRepository
from tests.integration.engine.conftest import engine_settings
from tests.integration.ivr_editor.conftest import OPEN, StepClock, open_repository

PASSWORD = "demo-password-123"


@dataclass
class LiveEditor:
    engine: Engine
    repo: FileFlowRepository
    url: str

    @contextlib.asynccontextmanager
    async def signed_in(self, username: str) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            yield client


@contextlib.asynccontextmanager
async def live_editor(tmp_path: Path) -> AsyncIterator[LiveEditor]:
    engine = Engine(engine_settings(tmp_path), simulator_mode=True)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        app = web_app(engine)
        repo = open_repository(tmp_path / "editor-flows", StepClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
        # What the composition root adds (there with engine.flows and engine.flow_crm).
        app.include_router(make_router(repo, EditorContext(clock=lambda: OPEN)))
        async with running_server(app) as url:
            yield LiveEditor(engine, repo, url)
    finally:
        await engine.stop()
