from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from callcenter.app import Engine
from callcenter.settings import Settings, load_settings


def engine_settings(tmp_path: Path, **overrides: Any) -> Settings:
    (tmp_path / "voicemail").mkdir(exist_ok=True)  # Asterisk (the simulator) writes messages there
    base: dict[str, Any] = {
        "database": {"url": f"sqlite:///{tmp_path}/cc.sqlite3"},
        "agi": {"port": 0, "command_timeout_s": 5.0},
        "ami": {"reconnect_initial_s": 0.05, "reconnect_max_s": 0.2, "keepalive_s": 1.0},
        "web": {"port": 0},
        # The simulator writes MixMonitor files where the engine reads them: here, not /var/spool.
        "dialplan": {"recordings_dir": f"{tmp_path}/recordings"},
        # The fixed skeleton menu (1 sales, 2 support); flow tests turn flows on.
        "ivr": {"use_flows": False, "flows_dir": f"{tmp_path}/flows", "sounds_dir": f"{tmp_path}/sounds"},
        "voicemail": {"asterisk_dir": f"{tmp_path}/voicemail"},
        "simulator": {
            "time_scale": 0.05,
            "arrival_rate_per_min": 0,
            "agent_answer_delay_s": 1.0,
            "demo_customers": 20,
        },
        "queues": [
            {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": 0.2},
            {"name": "support", "skills": {"support": 2}, "wrap_up_s": 0.2},
            {"name": "general", "wrap_up_s": 0.2},
        ],
    }
    base.update(overrides)
    return load_settings(None, **base)


async def sign_in_agents(engine: Engine, *agent_ids: str) -> None:
    """These agents (default: every configured one) sign in and are available, as from the desktop;
    the engine signs nobody in by itself. Returns once their states are written (on SQLite a write
    in the background could otherwise collide with the test's own first write)."""
    await engine.sign_in(agent_ids or [p.agent_id for p in engine.routing_profiles.agents])
    await engine.agent_journal.flush()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    """The engine on the simulator, every agent signed in and available."""
    running = Engine(engine_settings(tmp_path), simulator_mode=True)
    await running.start()
    try:
        await sign_in_agents(running)
        yield running
    finally:
        await running.stop()
