"""kill -9 of an engine on the Redis ACD store: the work items outlive it. The caller still on the
line comes back through the crash-safe dialplan and is linked to their own item again (same place
among the waiting, same entry time); the item of a caller who hung up while no engine ran leaves
the queue as abandoned, once, at the new engine's first AMI resync."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from acd.records import ItemStatus
from acd.redis_store import RedisStore
from callcenter.app import Engine
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from tests.integration.engine.conftest import engine_settings
from tests.integration.engine.engine_process import engine_process
from tests.integration.engine.served import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/0"
TIME_SCALE = 0.05


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"killtest:{uuid.uuid4().hex}"
    yield name
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    await RedisStore(client, name).clear()
    await client.aclose()


def _overrides(sim: PbxSimulator, agi_port: int, prefix: str) -> dict[str, Any]:
    return {
        "agi": {"port": agi_port, "command_timeout_s": 5.0},
        "ami": {"port": sim.ami_port, "secret": sim.config.ami_secret, "reconnect_initial_s": 0.05,
                "reconnect_max_s": 0.2},
        "acd": {"store": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix},
        "agents": [{"agent_id": "1001", "name": "Li Na", "skills": {"sales": 3}}],
    }  # fmt: skip


async def _stored(prefix: str, *item_ids: str) -> bool:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        store = RedisStore(client, prefix)
        return all([await store.get_item(item_id) is not None for item_id in item_ids])
    finally:
        await client.aclose()


async def test_given_the_engine_killed_on_redis_then_callers_keep_their_items_and_the_gone_are_dropped(
    tmp_path: Path, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    agi_port = free_port()
    sim = PbxSimulator(SimConfig(agi_port=agi_port, time_scale=TIME_SCALE, resume_tries=60, resume_hold_s=4))
    sim.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=0.5))
    await sim.start()
    overrides = _overrides(sim, agi_port, prefix)
    second: Engine | None = None
    try:
        async with engine_process(tmp_path, **overrides) as first:
            assert await first.ask("sign-in 1001") == "ok"
            assert await first.ask("pause 1001 lunch") == "ok"
            gone, staying = [
                await sim.place_call(
                    SimulatedCaller(number=number, digits=((0.5, "1"),), patience_s=600, talk_s=1.0)
                )
                for number in ("4155550101", "4155550102")
            ]
            calls: list[dict[str, Any]] = []
            while len(calls) < 2:
                calls = [c for c in await first.calls() if c["phase"] == "queued"]
            # "queued" is the call's phase from just before the item is written: kill once it is.
            await wait_until(
                lambda: _stored(prefix, gone.uniqueid, staying.uniqueid), timeout=5, what="both items stored"
            )
            await first.kill()
        gone.hang_up()  # while no engine runs
        await gone.finished(5)

        second = Engine(engine_settings(tmp_path, **overrides), simulator_mode=False)
        await second.start()
        engine = second
        before = await second.router.item(staying.uniqueid)
        assert before is not None

        async def settled() -> bool:
            item = await engine.router.item(staying.uniqueid)
            call = engine.calls.calls.get(staying.uniqueid)
            return (
                await engine.router.item(gone.uniqueid) is None
                and call is not None
                and call.item_id == staying.uniqueid
                and item is not None
                and item.status is ItemStatus.WAITING
            )

        await wait_until(settled, timeout=15, what="the gone caller dropped, the other re-attached")
        item = await second.router.item(staying.uniqueid)
        assert item is not None
        assert (item.seq, item.item.arrived_at) == (before.seq, before.item.arrived_at)  # same place
        assert second.router.stats.queue_stats("sales", second.calls.clock()).abandoned == 1

        failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert failed == []  # re-attached on the first try, not through a failed handler

        await second.router.set_available("1001")
        await second.calls.tick()
        assert (await staying.finished(15)).agent == "agent-1001"
    finally:
        if second is not None:
            await second.stop()
        await sim.stop()
