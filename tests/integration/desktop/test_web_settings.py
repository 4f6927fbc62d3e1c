"""``web.*`` settings reach the web app ``callcenter serve`` runs: Secure cookies and HSTS, other
allowed origins, session lifetimes; and the status page is for signed-in users outside the demo."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import serving
from callcenter.composition import web_server
from tests.integration.desktop.conftest import PASSWORD, Desktop
from tests.integration.engine.served import served

CRM_ORIGIN = "https://crm.example.com"


@contextlib.asynccontextmanager
async def _serve(tmp_path: Path, **web: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with served(tmp_path, web={"port": 0, **web}) as (engine, _sim):
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with serving(web_server(engine)) as url, httpx.AsyncClient(base_url=url) as client:
            yield client


async def _sign_in(client: httpx.AsyncClient, username: str) -> httpx.Response:
    response = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response


def _session_cookie(response: httpx.Response) -> str:
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cc_session="))
    return header


async def test_given_serve_when_not_signed_in_then_the_status_page_and_summary_are_closed(
    tmp_path: Path,
) -> None:
    async with _serve(tmp_path) as client:
        page = await client.get("/")
        assert page.status_code == 303
        assert page.headers["location"] == "/login"
        summary = await client.get("/api/public/summary")
        assert summary.status_code == 401
        assert summary.json()["code"] == "auth.not_signed_in"
        assert (await client.get("/healthz")).status_code == 200
        await _sign_in(client, "agent1001")
        assert (await client.get("/")).status_code == 200
        assert "agents" in (await client.get("/api/public/summary")).json()


async def test_given_the_demo_when_not_signed_in_then_the_status_page_is_open(desktop: Desktop) -> None:
    async with desktop.client() as client:
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/api/public/summary")).status_code == 200


async def test_given_web_security_settings_when_served_then_cookies_headers_origins_and_lifetimes_follow(
    tmp_path: Path,
) -> None:
    web = {
        "cookie_secure": True,
        "allowed_origins": [CRM_ORIGIN],
        "session_idle_minutes": 10,
        "session_absolute_hours": 2,
    }
    async with _serve(tmp_path, **web) as client:
        signed_in = await _sign_in(client, "supervisor")
        cookie = _session_cookie(signed_in)
        assert "Secure" in cookie
        assert "Max-Age=7200" in cookie
        assert signed_in.headers["strict-transport-security"].startswith("max-age=")
        assert (await client.get("/login")).headers["strict-transport-security"].startswith("max-age=")
        token = cookie.split(";")[0]
        body = {"state": "paused", "reason": "break"}  # 1001 is logged out: 409, but past the origin check
        headers = {"Cookie": token, "Origin": CRM_ORIGIN}
        allowed = await client.post("/api/supervisor/agents/1001/state", json=body, headers=headers)
        assert allowed.status_code == 409, allowed.text
        headers["Origin"] = "https://evil.example.com"
        refused = await client.post("/api/supervisor/agents/1001/state", json=body, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["code"] == "auth.bad_origin"


async def test_given_no_web_security_settings_when_served_then_no_hsts_and_a_plain_cookie(
    tmp_path: Path,
) -> None:
    async with _serve(tmp_path) as client:
        signed_in = await _sign_in(client, "supervisor")
        assert "Secure" not in _session_cookie(signed_in)
        assert "Max-Age=43200" in _session_cookie(signed_in)
        assert "strict-transport-security" not in signed_in.headers
