"""kill -9 of the engine with calls on the line, then a new engine on the same database and
'Asterisk' (the PBX simulator, a separate peer that keeps its channels): no call is missing from the
CRM. A connected call that ended meanwhile is written answered with its agent; a waiting caller (cut
off with the engine's FastAGI session) abandoned; a call still connected is taken back and written,
once, when the caller hangs up. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from callcenter.app import Engine
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.live_calls import SavedLiveCall, load_live_calls
from crm_core.models import Interaction
from tests.crm_conftest_helpers import create_pg_database, drop_pg_database
from tests.integration.engine.conftest import engine_settings
from tests.integration.engine.served import free_port
from tests.waiting import wait_until as _wait_until

ROOT = Path(__file__).resolve().parents[3]
AGENTS = [{"agent_id": f"100{n}", "name": f"Agent {n}", "skills": {"general": 3}} for n in (1, 2)]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.sqlite3"
        migrate(url)
        yield url
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
async def sim() -> AsyncIterator[PbxSimulator]:
    simulator = PbxSimulator(SimConfig(agi_port=free_port(), time_scale=0.05))
    for endpoint in ("agent-1001", "agent-1002"):
        simulator.add_agent_phone(SimulatedAgentPhone(endpoint, answer_delay_s=0.5))
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


def _overrides(sim: PbxSimulator, url: str) -> dict[str, Any]:
    ami = {"host": "127.0.0.1", "port": sim.ami_port, "secret": sim.config.ami_secret}
    return {
        "agi": {"port": sim.config.agi_port, "command_timeout_s": 5.0},
        "ami": ami | {"reconnect_initial_s": 0.05, "reconnect_max_s": 0.2, "keepalive_s": 1.0},
        "database": {"url": url},
        "agents": AGENTS,
    }


async def _first_engine(directory: Path, overrides: dict[str, Any]) -> asyncio.subprocess.Process:
    directory.mkdir()
    module = "tests.integration.engine.crashing_engine"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, str(directory), json.dumps(overrides),
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    assert line.strip() == b"READY"
    return process


async def wait_until(condition: Callable[[], bool], timeout: float = 20, what: str = "") -> None:  # noqa: ASYNC109
    """Polls the database from the test's event loop, which the engine shares: not too often."""
    await _wait_until(condition, timeout=timeout, interval=0.1, what=what)


class Crm:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)

    def rows(self) -> dict[str, SavedLiveCall]:
        with self.sessions() as session:
            return {row.uniqueid: row for row in load_live_calls(session)}

    def interactions(self, uniqueid: str) -> list[Interaction]:
        with self.sessions() as session:
            return list(session.scalars(select(Interaction).where(Interaction.external_ref == uniqueid)))


def _phase(crm: Crm, uniqueid: str) -> str | None:
    row = crm.rows().get(uniqueid)
    return None if row is None else row.phase


async def test_given_calls_live_at_a_kill_9_when_the_next_engine_starts_then_no_call_is_missing(
    tmp_path: Path, sim: PbxSimulator, database_url: str
) -> None:
    overrides = _overrides(sim, database_url)
    crm = Crm(database_url)
    first = await _first_engine(tmp_path / "a", overrides)
    second: Engine | None = None
    try:
        caller = SimulatedCaller(digits=[], patience_s=600)
        talking = await sim.place_call(caller)
        gone = await sim.place_call(caller)
        await wait_until(
            lambda: sum(r.phase == "connected" for r in crm.rows().values()) == 2,
            timeout=20,
            what="two talking",
        )
        waiting = await sim.place_call(caller)
        await wait_until(lambda: _phase(crm, waiting.uniqueid) == "queued", what="queued")
        rows = crm.rows()

        first.send_signal(signal.SIGKILL)
        await first.wait()
        gone.hang_up()  # while no engine runs
        await gone.finished(10)
        await waiting.finished(10)  # its FastAGI session died with the engine: the dialplan hung up

        (tmp_path / "b").mkdir()
        second = Engine(engine_settings(tmp_path / "b", **overrides), simulator_mode=False)
        await second.start()
        gone_and_waiting = (gone.uniqueid, waiting.uniqueid)
        await wait_until(lambda: all(crm.interactions(u) for u in gone_and_waiting), what="both")
        [ended] = crm.interactions(gone.uniqueid)
        assert (ended.outcome, ended.agent_id) == ("answered", rows[gone.uniqueid].agent_id)
        [abandoned] = crm.interactions(waiting.uniqueid)
        assert (abandoned.outcome, abandoned.agent_id, abandoned.queue) == ("abandoned", None, "general")

        taken_back = second.calls.calls.get(talking.uniqueid)
        assert taken_back is not None
        assert taken_back.agent_id == rows[talking.uniqueid].agent_id
        talking.hang_up()
        await wait_until(lambda: len(crm.interactions(talking.uniqueid)) == 1, what="the last call")
        [talked] = crm.interactions(talking.uniqueid)
        assert (talked.outcome, talked.agent_id) == ("answered", rows[talking.uniqueid].agent_id)
        await wait_until(lambda: crm.rows() == {}, what="no live call left in the table")
        assert [len(crm.interactions(c.uniqueid)) for c in (talking, gone, waiting)] == [1, 1, 1]
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
        if second is not None:
            await second.stop()
        crm.engine.dispose()


def _queued_in(engine: Engine, uniqueid: str) -> bool:
    call = engine.calls.calls.get(uniqueid)
    return call is not None and call.phase.value == "queued"


async def test_given_a_graceful_stop_with_calls_on_the_line_then_rows_stay_and_the_next_engine_takes_over(
    tmp_path: Path, sim: PbxSimulator
) -> None:
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    overrides = _overrides(sim, url)
    crm = Crm(url)
    engines = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        engines.append(Engine(engine_settings(tmp_path / name, **overrides), simulator_mode=False))
    first, second = engines
    try:
        await first.start()
        await first.sign_in(["1001"])
        talking = await sim.place_call(SimulatedCaller(digits=[], patience_s=600))
        await wait_until(lambda: any(r.phase == "connected" for r in crm.rows().values()))
        waiting = await sim.place_call(SimulatedCaller(digits=[], patience_s=600))
        await wait_until(lambda: _phase(crm, waiting.uniqueid) == "queued", what="queued")
        await first.stop()
        assert set(crm.rows()) == {talking.uniqueid, waiting.uniqueid}  # a stop is also a restart

        await second.start()
        # The stop cut the waiting caller's FastAGI session without the CC_DONE mark: the dialplan
        # brought them back (resume) to the next engine, which queued them again.
        await wait_until(lambda: _queued_in(second, waiting.uniqueid), what="the waiting caller taken back")
        await wait_until(lambda: second.calls.calls.get(talking.uniqueid) is not None, what="taken back")
        talking.hang_up()
        waiting.hang_up()
        await wait_until(lambda: crm.rows() == {}, what="no live call left in the table")
        assert [i.outcome for i in crm.interactions(talking.uniqueid)] == ["answered"]
        assert [i.outcome for i in crm.interactions(waiting.uniqueid)] == ["abandoned"]
        assert second.live_calls.recovery.settled == []  # both ended by the second engine itself
    finally:
        await first.stop()
        await second.stop()
        crm.engine.dispose()
