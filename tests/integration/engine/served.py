"""``callcenter serve`` in a test: the engine against 'Asterisk' (the PBX simulator, started on its
own as a separate peer), not in simulator mode."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from callcenter.app import Engine
from callcenter.demo import start_demo_simulator
from callcenter.pbxsim import PbxSimulator
from tests.integration.engine.conftest import engine_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def served(tmp_path: Path, **overrides: Any) -> AsyncIterator[tuple[Engine, PbxSimulator]]:
    agi_port = free_port()
    sim = await start_demo_simulator(engine_settings(tmp_path), agi_port, traffic=False)
    settings = engine_settings(
        tmp_path,
        agi={"port": agi_port, "command_timeout_s": 5.0},
        ami={"port": sim.ami_port, "reconnect_initial_s": 0.05, "reconnect_max_s": 0.2},
        **overrides,
    )
    engine = Engine(settings, simulator_mode=False)
    try:
        await engine.start()
        await engine.ami.wait_connected(5)
        yield engine, sim
    finally:
        await engine.stop()
        await sim.stop()
