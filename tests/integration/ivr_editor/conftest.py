"""The editor's router on a small FastAPI app with a test sign-in (header ``X-Test-User``), a flow
repository in a temporary directory seeded with the shipped ``main`` flow (v1, published), and an
audit writer that records what it was asked to write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from agent_desktop.auth.deps import CurrentUser
from agent_desktop.errors import ApiError, api_error_handler
from agent_desktop.ivr_editor import EditorContext, access, make_router
from ivr_flows.loader import SHIPPED_FLOWS
from ivr_flows.store import FileFlowRepository, make_check

QUEUES = ("sales", "support", "general")
SKILLS = ("sales", "support", "orders", "english", "mandarin")
MAIN_YAML = (SHIPPED_FLOWS / "main.yaml").read_text(encoding="utf-8")
USERS = {
    "admin": CurrentUser(1, "admin", "admin", None, "en", "UTC"),
    "wang": CurrentUser(2, "wang", "admin", None, "zh_CN", "Asia/Shanghai"),
    "supervisor": CurrentUser(3, "supervisor", "supervisor", None, "en", "UTC"),
    "agent1001": CurrentUser(4, "agent1001", "agent", "1001", "zh_CN", "Asia/Shanghai"),
}


class AllPrompts:
    def exists(self, name: str) -> bool:
        return True


class StepClock:
    """A fixed time the test moves forward."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class RecordingAudit:
    written: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)

    async def __call__(
        self, _request: Any, actor: CurrentUser, action: str, target: str, details: Mapping[str, str]
    ) -> None:
        self.written.append((actor.username, action, target, dict(details)))


def open_repository(root: Path, clock: StepClock) -> FileFlowRepository:
    repo = FileFlowRepository(root, clock, make_check(QUEUES, SKILLS, AllPrompts(), False))
    first = repo.save(MAIN_YAML, "system", "shipped flow")
    repo.publish(first.flow, first.number, "system")
    return repo


def signed_in_as(*roles: str) -> Any:
    async def dependency(request: Request) -> CurrentUser:
        user = USERS.get(request.headers.get("x-test-user", ""))
        if user is None:
            raise ApiError(401, "auth.not_signed_in")
        if user.role not in roles:
            raise ApiError(403, "auth.forbidden", user.language)
        return user

    return dependency


async def page_user(request: Request) -> CurrentUser | None:
    user = USERS.get(request.headers.get("x-test-user", "") or request.cookies.get("test_user", ""))
    return user if user is not None and user.role in ("supervisor", "admin") else None


def editor_app(repo: FileFlowRepository, audit: RecordingAudit, now: datetime) -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(ApiError, api_error_handler)
    app.include_router(make_router(repo, EditorContext(clock=lambda: now), audit=audit))
    app.dependency_overrides[access.require_admin] = signed_in_as("admin")
    app.dependency_overrides[access.require_viewer] = signed_in_as("supervisor", "admin")
    app.dependency_overrides[access.page_viewer] = page_user
    return app


@dataclass
class Editor:
    app: FastAPI
    repo: FileFlowRepository
    audit: RecordingAudit
    clock: StepClock

    def client(self, user: str | None) -> httpx.AsyncClient:
        headers = {"X-Test-User": user} if user else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://editor.test", headers=headers
        )


# Tuesday 2026-11-24 10:00 in Shanghai: the main flow's office is open.
OPEN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def editor(tmp_path: Path) -> Editor:
    clock = StepClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    repo = open_repository(tmp_path / "flows", clock)
    audit = RecordingAudit()
    return Editor(editor_app(repo, audit, OPEN), repo, audit, clock)
