"""Sign-in limits over real HTTP: X-Forwarded-For is believed only from a configured proxy, and
someone guessing a user's password cannot lock the real user out."""

from __future__ import annotations

import httpx

from tests.integration.desktop.conftest import PASSWORD, Desktop


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
