"""Sessions survive a restart of the web app (kept in the database behind the memory store): a
signed-in agent stays signed in with their current role and preferences; a signed-out, disabled or
expired session does not come back."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import func, select

from agent_desktop.runner import running_server
from callcenter.composition import web_app
from crm_core.models_auth import WebSession
from tests.integration.desktop.conftest import PASSWORD, Desktop


@contextlib.asynccontextmanager
async def restarted(desktop: Desktop) -> AsyncIterator[str]:
    """A new web app on the same engine and database (as after a restart of the process)."""
    app = web_app(desktop.engine, clock=desktop.clock, idle_timeout_s=60, absolute_timeout_s=600)
    async with running_server(app) as url:
        yield url


async def _me(url: str, cookie: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, cookies={"cc_session": cookie}, timeout=10) as client:
        return await client.get("/api/auth/me")


async def _sign_in(url: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return str(client.cookies["cc_session"])


async def _disable(url: str, admin_cookie: str, username: str) -> None:
    async with httpx.AsyncClient(base_url=url, cookies={"cc_session": admin_cookie}, timeout=10) as client:
        users = {u["username"]: u["id"] for u in (await client.get("/api/admin/users")).json()}
        response = await client.patch(f"/api/admin/users/{users[username]}", json={"active": False})
        assert response.status_code == 200


def _stored(desktop: Desktop) -> int:
    with desktop.engine.contact_center.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WebSession)) or 0)


async def test_given_signed_in_people_when_the_web_app_restarts_then_they_stay_signed_in(
    desktop: Desktop,
) -> None:
    async with restarted(desktop) as first:
        agent = await _sign_in(first, "agent1001")
        admin = await _sign_in(first, "admin")
        async with httpx.AsyncClient(base_url=first, cookies={"cc_session": agent}, timeout=10) as client:
            changed = await client.patch("/api/auth/me", json={"language": "en"})
            assert changed.status_code == 200
    assert _stored(desktop) == 2  # digests only: the cookies themselves are nowhere in the database
    with desktop.engine.contact_center.sessions() as session:
        assert agent not in set(session.scalars(select(WebSession.digest)))

    async with restarted(desktop) as second:
        me = await _me(second, agent)
        assert me.status_code == 200
        assert (me.json()["username"], me.json()["language"]) == ("agent1001", "en")
        await _disable(second, admin, "agent1002")
        async with httpx.AsyncClient(base_url=second, cookies={"cc_session": admin}, timeout=10) as client:
            assert (await client.post("/api/auth/logout")).status_code == 200
        other = await _sign_in(second, "agent1003")
    assert _stored(desktop) == 2  # agent1001 and agent1003

    desktop.clock.shift += 61  # agent1003 idles past the timeout while the app is down
    async with restarted(desktop) as third:
        assert (await _me(third, agent)).status_code == 401  # idle too, since its last request
        assert (await _me(third, admin)).status_code == 401  # signed out
        assert (await _me(third, other)).status_code == 401
    assert _stored(desktop) == 0  # expired ones are deleted at start


async def test_given_a_disabled_user_when_the_app_restarts_then_their_session_does_not_come_back(
    desktop: Desktop,
) -> None:
    async with restarted(desktop) as first:
        agent = await _sign_in(first, "agent1002")
        admin = await _sign_in(first, "admin")
        await _disable(first, admin, "agent1002")
        assert (await _me(first, agent)).status_code == 401
    async with restarted(desktop) as second:
        assert (await _me(second, agent)).status_code == 401
        assert (await _me(second, admin)).status_code == 200
