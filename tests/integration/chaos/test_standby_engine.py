"""Two engines on one Redis and one database, one 'Asterisk' (the PBX simulator): the first serves the
calls and owns the AMI; the second stands by (no AMI session: the lease). The first is killed with
SIGKILL while callers talk, wait and hear the IVR. The dialplan tries each engine in turn (the first
refuses), so the callers come back to the second; it takes the AMI over within the lease's time,
finds the calls of the first in the database and the work items in Redis. Nobody is hung up by the
system, every call is in the CRM, no agent is left busy, and there is never more than one AMI
session at the simulator."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select

from acd.model import AgentState
from acd.redis_store import RedisStore
from callcenter.app import Engine
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from callcenter.pbxsim.simulator import SimulatedCallHandle
from crm_core.models import Interaction
from tests.integration.asterisk.ami_owners import logged_in_sessions
from tests.integration.engine.conftest import engine_settings
from tests.integration.engine.engine_process import engine_process
from tests.integration.engine.served import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/0"
TIME_SCALE = 0.05
TTL = 1.0
AGENTS = [f"{2000 + n}" for n in range(10)]
TALKING, QUEUED, IN_IVR = 10, 15, 5


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"standby:{uuid.uuid4().hex}"
    yield name
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    await RedisStore(client, name).clear()
    async for key in client.scan_iter(f"{name}*"):
        await client.delete(key)
    await client.aclose()


def _overrides(sim: PbxSimulator, agi_port: int, prefix: str, name: str, db: str) -> dict[str, Any]:
    return {
        "database": {"url": db},
        "agi": {"port": agi_port, "command_timeout_s": 5.0},
        "ami": {"port": sim.ami_port, "secret": sim.config.ami_secret, "reconnect_initial_s": 0.05,
                "reconnect_max_s": 0.2, "owner_lease": True, "lease_redis_url": REDIS_URL,
                "lease_prefix": prefix, "lease_ttl_s": TTL, "engine_id": f"engine-{name}"},
        "acd": {"store": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix},
        "agents": [{"agent_id": a, "name": f"Agent {a}", "skills": {"sales": 3}} for a in AGENTS],
    }  # fmt: skip


async def _watch_sessions(sim: PbxSimulator, most: list[int]) -> None:
    while True:
        most[0] = max(most[0], logged_in_sessions(sim))
        await asyncio.sleep(0.002)


async def test_given_a_standby_engine_when_the_serving_one_is_killed_then_it_takes_every_caller_over(
    tmp_path: Path, prefix: str
) -> None:
    first_port, second_port = free_port(), free_port()
    sim = PbxSimulator(
        SimConfig(
            agi_port=first_port,
            agi_fallbacks=(("127.0.0.1", second_port),),
            time_scale=TIME_SCALE,
            resume_tries=60,
            resume_hold_s=4,
        )
    )
    for agent in AGENTS:
        sim.add_agent_phone(SimulatedAgentPhone(f"agent-{agent}", answer_delay_s=0.5))
    await sim.start()
    db = f"sqlite:///{tmp_path}/shared.sqlite3"
    most_sessions = [0]
    watcher = asyncio.create_task(_watch_sessions(sim, most_sessions))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    second = Engine(
        engine_settings(tmp_path / "b", **_overrides(sim, second_port, prefix, "b", db)), simulator_mode=False
    )
    try:
        async with engine_process(tmp_path / "a", **_overrides(sim, first_port, prefix, "a", db)) as first:
            await second.start()  # standing by: the first holds the AMI
            assert await first.ask("sign-in " + " ".join(AGENTS)) == "ok"
            callers: list[SimulatedCallHandle] = []
            for n in range(TALKING + QUEUED):
                talk = 200.0 if n < TALKING else 2.0
                callers.append(
                    await sim.place_call(
                        SimulatedCaller(
                            number=f"41555{n:05d}", digits=((0.5, "1"),), patience_s=900, talk_s=talk
                        )
                    )
                )
            await wait_until(
                lambda: all(h.outcome.agent for h in callers[:TALKING]), timeout=30, what="talking"
            )
            await wait_until(
                lambda: all(
                    any("MusicOnHold" in c for c in h.outcome.agi_commands) for h in callers[TALKING:]
                ),
                timeout=30,
                what="the others on hold",
            )
            for n in range(IN_IVR):
                callers.append(
                    await sim.place_call(SimulatedCaller(number=f"41566{n:05d}", patience_s=900, talk_s=2.0))
                )
            assert not second.ami.connected
            await first.kill()
            killed_at = time.monotonic()

        await wait_until(lambda: second.ami.connected, timeout=10, what="the second engine owning the AMI")
        print(f"\nAMI takeover by the standby: {time.monotonic() - killed_at:.2f} s (lease TTL {TTL} s)")
        for handle in callers:
            outcome = await handle.finished(90)
            assert outcome.agent is not None or outcome.hung_up_by == "caller", (handle.uniqueid, outcome)
        assert min(h.outcome.talk_time_s or 0.0 for h in callers[:TALKING]) >= 200.0 * 0.9

        def unwritten() -> set[str]:
            with second.db_engine.connect() as conn:
                refs = set(conn.execute(select(Interaction.external_ref)).scalars())
            return {handle.uniqueid for handle in callers} - refs

        await wait_until(lambda: not unwritten(), timeout=15, what="every call in the CRM")
        with second.db_engine.connect() as conn:
            outcomes = {
                ref: outcome
                for ref, outcome in conn.execute(select(Interaction.external_ref, Interaction.outcome))
            }
        # Even one answered within the journal's write interval before the kill (its row says queued).
        assert {outcomes[h.uniqueid] for h in callers[:TALKING]} == {"answered"}

        async def nobody_stuck() -> bool:
            records = [await second.router.agent(agent) for agent in AGENTS]
            return all(
                r is not None and r.state not in (AgentState.BUSY, AgentState.RESERVED) for r in records
            )

        await wait_until(nobody_stuck, timeout=15, what="every agent free of the calls that ended")
        assert most_sessions[0] == 1
    finally:
        watcher.cancel()
        await second.stop()
        await sim.stop()
