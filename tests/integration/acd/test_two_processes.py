"""Two engine processes, one Redis: concurrent arrivals and agent frees never double-assign."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest
from redis.asyncio import Redis

from acd.model import Agent, Channel, QueueConfig, SkillRequirement
from acd.records import ItemStatus
from acd.redis_store import RedisStore
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.integration.acd.two_process_worker import run_worker

AGENTS = 8
ITEMS_PER_WORKER = 300


@pytest.mark.redis
async def test_two_routers_in_two_processes_share_agents_without_double_assignment(
    redis_client: Redis, prefix: str
) -> None:
    store = RedisStore(redis_client, prefix)
    setup = Router(store, FakeClock())
    try:
        await setup.add_queue(QueueConfig("q", skills=(SkillRequirement("s", 1),), offer_timeout_seconds=600))
        for n in range(AGENTS):
            await setup.login(Agent(f"a{n}", {"s": 1 + n % 5}, capacity={Channel.VOICE: 1}))
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
            futures = [pool.submit(run_worker, prefix, w, ITEMS_PER_WORKER, 1000 + w) for w in range(2)]
            results = [f.result(timeout=100) for f in futures]
        assert [r["violations"] for r in results] == [[], []]
        assert sum(r["conflicts"] for r in results) > 0, "the workers never raced; the test proves nothing"
        assert sum(r["offers"] for r in results) >= AGENTS
        items = await store.all_items()
        agents = await store.all_agents()
        assert len(items) == 2 * ITEMS_PER_WORKER - int(await redis_client.hlen(f"{prefix}:audit:items"))  # type: ignore[misc]
        assigned = Counter(i.agent_id for i in items if i.status != ItemStatus.WAITING)
        for a in agents:
            assert a.load.get(Channel.VOICE, 0) == assigned[a.agent_id] <= 1
    finally:
        await store.clear()
