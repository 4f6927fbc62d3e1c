"""Many admins (and users saving their preferences) writing at once on the embedded SQLite database:
every write succeeds (none answers "database is locked"), and the event loop keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.integration.desktop.conftest import Desktop

WRITERS = 6
WRITES_EACH = 25


async def _loop_lag(stop: asyncio.Event) -> float:
    """The longest the event loop was late for a 5 ms tick while the writers ran."""
    worst = 0.0
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(0.005)
        worst = max(worst, time.monotonic() - before - 0.005)
    return worst


async def _write(admin: httpx.AsyncClient, writer: int, user_ids: list[int]) -> list[int]:
    statuses = []
    for step in range(WRITES_EACH):
        user_id = user_ids[(writer + step) % len(user_ids)]
        if step % 5 == 0:
            response = await admin.patch("/api/auth/me", json={"timezone": "UTC"})
        else:
            response = await admin.patch(
                f"/api/admin/users/{user_id}", json={"display_name": f"W{writer}-{step}"}
            )
        statuses.append(response.status_code)
    return statuses


async def test_given_concurrent_admin_writes_on_sqlite_when_they_collide_then_all_succeed_and_the_loop_serves(
    desktop: Desktop,
) -> None:
    assert desktop.engine.settings.database.url.startswith("sqlite:///")
    async with desktop.signed_in("admin") as first:
        user_ids = [u["id"] for u in (await first.get("/api/admin/users")).json()]
        cookies = dict(first.cookies)
        clients = [desktop.client(cookies=cookies) for _ in range(WRITERS)]
        stop = asyncio.Event()
        lag = asyncio.create_task(_loop_lag(stop))
        try:
            results = await asyncio.gather(*(_write(c, n, user_ids) for n, c in enumerate(clients)))
        finally:
            stop.set()
            for client in clients:
                await client.aclose()
        statuses = [status for result in results for status in result]
        assert statuses == [200] * (WRITERS * WRITES_EACH)
        assert await lag < 0.5  # the database waits happen in worker threads, not on the loop
