"""Sign-in limits over real HTTP: X-Forwarded-For is believed only from a configured proxy, and
someone guessing a user's password cannot lock the real user out."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from agent_desktop.auth.seed import seed_demo_users
from agent_desktop.runner import serving
from callcenter.app import Engine
from callcenter.composition import web_server
from tests.integration.desktop.conftest import PASSWORD, Desktop
from tests.integration.engine.conftest import engine_settings


async def _login(client: httpx.AsyncClient, username: str, password: str, forwarded: str) -> httpx.Response:
    body = {"username": username, "password": password}
    return await client.post("/api/auth/login", json=body, headers={"X-Forwarded-For": forwarded})


async def test_given_no_trusted_proxy_when_a_local_client_varies_x_forwarded_for_then_the_per_ip_limit_holds(
    desktop: Desktop,
) -> None:
    async with desktop.client() as client:
        for i in range(20):
            guess = await _login(client, f"user{i}", "guess", f"10.0.0.{i}")
            assert guess.status_code == 401
        blocked = await _login(client, "agent1003", PASSWORD, "10.9.9.9")
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "auth.rate_limited"


@contextlib.asynccontextmanager
async def _served_web(tmp_path: Path, trusted_proxies: list[str]) -> AsyncIterator[str]:
    """The engine and the web server as ``callcenter serve`` / ``demo`` build them from the settings."""
    engine = Engine(engine_settings(tmp_path, web={"port": 0, "trusted_proxies": trusted_proxies}), True)
    await engine.start()
    try:
        seed_demo_users(engine.contact_center.sessions, engine.settings, PASSWORD)
        async with serving(web_server(engine)) as url:
            yield url
    finally:
        await engine.stop()


async def test_given_web_trusted_proxies_in_the_settings_when_served_then_each_forwarded_address_is_counted(
    tmp_path: Path,
) -> None:
    async with _served_web(tmp_path, ["127.0.0.0/8"]) as url, httpx.AsyncClient(base_url=url) as client:
        for i in range(20):
            guess = await _login(client, f"user{i}", "guess", "203.0.113.5")
            assert guess.status_code == 401
        held_back = await _login(client, "agent1003", PASSWORD, "203.0.113.5")
        assert held_back.status_code == 429
        elsewhere = await _login(client, "agent1003", PASSWORD, "198.51.100.7")
        assert elsewhere.status_code == 200, elsewhere.text


async def test_given_someone_guessing_a_password_when_the_user_signs_in_from_their_address_then_it_works(
    tmp_path: Path,
) -> None:
    async with _served_web(tmp_path, ["127.0.0.0/8"]) as url, httpx.AsyncClient(base_url=url) as client:
        for _ in range(5):
            guess = await _login(client, "agent1003", "guess", "203.0.113.5")
            assert guess.status_code == 401
        attacker = await _login(client, "agent1003", PASSWORD, "203.0.113.5")
        assert attacker.status_code == 429
        assert int(attacker.headers["Retry-After"]) == 300
        real_user = await _login(client, "agent1003", PASSWORD, "198.51.100.7")
        assert real_user.status_code == 200, real_user.text
        still_locked = await _login(client, "agent1003", PASSWORD, "203.0.113.5")
        assert still_locked.status_code == 429
