"""Two engines (``callcenter serve``) with ``ami.owner_lease`` against one 'Asterisk' (the PBX
simulator) and the real Redis: one AMI owner at a time, the standby takes over when it dies."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from callcenter.app import Engine
from callcenter.asterisk.ami_events import AmiEvent, AmiResynced
from callcenter.asterisk.ami_lease import lease_keys
from callcenter.demo import start_demo_simulator
from tests.integration.asterisk.ami_owners import die, logged_in_sessions
from tests.integration.engine.conftest import engine_settings
from tests.integration.engine.served import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.redis

TTL = 1.0


def lease_settings(tmp_path: Path, name: str, prefix: str, ami_port: int, agi_port: int) -> Any:
    home = tmp_path / name
    home.mkdir()
    return engine_settings(
        home,
        agi={"port": agi_port, "command_timeout_s": 5.0},
        ami={
            "port": ami_port,
            "reconnect_initial_s": 0.05,
            "reconnect_max_s": 0.2,
            "owner_lease": True,
            "lease_prefix": prefix,
            "lease_ttl_s": TTL,
            "engine_id": f"engine-{name}",
        },
    )


async def test_two_engines_share_one_asterisk_with_one_ami_owner_and_a_takeover_when_it_dies(
    tmp_path: Path,
) -> None:
    agi_port = free_port()
    sim = await start_demo_simulator(engine_settings(tmp_path), agi_port, traffic=False)
    prefix = f"ownerlease:{uuid.uuid4().hex}"
    a = Engine(lease_settings(tmp_path, "a", prefix, sim.ami_port, agi_port), simulator_mode=False)
    b = Engine(lease_settings(tmp_path, "b", prefix, sim.ami_port, 0), simulator_mode=False)
    resyncs: list[float] = []
    try:
        await a.start()
        await a.ami.wait_connected(5)
        await b.start()
        b.ami.subscribe(lambda e: _note_resync(e, resyncs))
        await asyncio.sleep(2 * TTL)
        assert a.ami.connected
        assert not connected(b)  # standing by
        assert logged_in_sessions(sim) == 1

        ownership = a.ami_ownership
        assert ownership is not None
        await die(ownership)  # engine-a's process dies
        killed = time.monotonic()
        await wait_until(lambda: resyncs != [], timeout=3 * TTL + 3, what="engine-b to take over")
        print(f"\nAMI takeover between two engines: {resyncs[0] - killed:.2f} s (lease TTL {TTL} s)")

        assert connected(b)
        assert not connected(a)
        assert logged_in_sessions(sim) == 1
        assert (await b.ami.ping()).response == "Success"
    finally:
        await b.stop()
        await a.stop()
        await sim.stop()
        redis = Redis.from_url("redis://127.0.0.1:6379/0")
        await redis.delete(*lease_keys(prefix, "127.0.0.1", sim.ami_port))
        await redis.aclose()


def connected(engine: Engine) -> bool:
    return engine.ami.connected


def _note_resync(event: AmiEvent, resyncs: list[float]) -> None:
    if isinstance(event, AmiResynced):
        resyncs.append(time.monotonic())


async def test_without_the_lease_setting_the_engine_owns_the_ami_unconditionally(tmp_path: Path) -> None:
    agi_port = free_port()
    sim = await start_demo_simulator(engine_settings(tmp_path), agi_port, traffic=False)
    settings = engine_settings(tmp_path, agi={"port": agi_port}, ami={"port": sim.ami_port})
    engine = Engine(settings, simulator_mode=False)
    try:
        await engine.start()
        await engine.ami.wait_connected(5)
        assert engine.ami_ownership is None
        assert engine.ami.fencing_token is None
    finally:
        await engine.stop()
        await sim.stop()
