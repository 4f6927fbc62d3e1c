"""The half-second dispatch pass lets the event loop run between agents: with the in-memory store
nothing in a pass awaits, and with 300 agents able to take chats one pass held the loop for about
30 ms, which set the chat relay's p99 (bench/chat_bench.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callcenter.app import Engine
from callcenter.calls.service import DISPATCH_SLICE
from tests.integration.engine.conftest import engine_settings, sign_in_agents

AGENTS = [{"agent_id": f"2{n:03d}", "name": f"Agent {n}", "skills": {"support": 2}} for n in range(40)]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    running = Engine(engine_settings(tmp_path, agents=AGENTS), simulator_mode=True)
    await running.start()
    try:
        await sign_in_agents(running)
        yield running
    finally:
        await running.stop()


async def test_given_many_free_agents_when_a_dispatch_pass_runs_then_other_tasks_run_meanwhile(
    engine: Engine,
) -> None:
    turns = 0

    async def other_work() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_work())
    await asyncio.sleep(0)
    try:
        before = turns
        await engine.calls.tick()
        during = turns - before
    finally:
        other.cancel()
    assert len(await engine.router.dispatch_order()) == len(AGENTS)
    assert during >= len(AGENTS) // DISPATCH_SLICE
