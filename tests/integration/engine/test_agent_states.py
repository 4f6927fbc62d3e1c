"""Agents are signed in by people, not by the configuration: ``serve`` starts with every agent logged
out (a caller waits rather than ring empty desks), and a restart on the same database brings each
agent back as they were (paused with their reason, logged out, available), an agent who was on a
call paused as ``interrupted``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from acd.model import AgentState
from callcenter.agent_journal import INTERRUPTED_REASON
from callcenter.app import Engine
from callcenter.events import CallOffered
from callcenter.pbxsim import SimulatedCaller
from callcenter.settings import Settings
from tests.crm_conftest_helpers import create_pg_database, drop_pg_database
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.integration.engine.served import served
from tests.waiting import wait_until

SALES_CALLER = SimulatedCaller(
    number="4155550100", digits=[(0.2, "1")], waits_to_be_heard=True, patience_s=60, talk_s=0.5
)


async def _states(engine: Engine) -> dict[str, tuple[AgentState, str | None]]:
    snapshot = await engine.contact_center.snapshot()
    return {
        agent_id: (state, snapshot.pause_reasons.get(agent_id))
        for state, ids in snapshot.agents_by_state.items()
        for agent_id in ids
    }


async def _is(engine: Engine, agent_id: str, state: AgentState) -> bool:
    return (await _states(engine)).get(agent_id, (None, None))[0] is state


async def test_given_serve_mode_when_the_engine_starts_then_agents_are_logged_out_until_one_signs_in(
    tmp_path: Path,
) -> None:
    async with served(tmp_path) as (engine, sim):
        events = engine.bus.subscribe()
        assert await _states(engine) == {}  # nobody is in the ACD: all three are logged out
        handle = await sim.place_call(SALES_CALLER)
        await wait_until(
            lambda: any(c.phase == "queued" for c in engine.contact_center.live_calls()), what="queued"
        )
        assert not [e for e in events.drain() if isinstance(e, CallOffered)]  # no desk rings

        await sign_in_agents(engine, "1001")
        outcome = await handle.finished(15)
        assert outcome.agent == "agent-1001"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def restart_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Five agents who all take general calls, on a database that outlives one engine."""
    agents = [{"agent_id": f"100{n}", "name": f"Agent {n}", "skills": {"general": 3}} for n in range(1, 6)]
    if request.param == "sqlite":
        yield engine_settings(tmp_path, agents=agents)
        return
    url = create_pg_database()
    try:
        yield engine_settings(tmp_path, agents=agents, database={"url": url})
    finally:
        drop_pg_database(url)


async def test_given_agents_in_every_state_when_the_engine_restarts_then_each_is_back_as_they_were(
    restart_settings: Settings,
) -> None:
    first = Engine(restart_settings, simulator_mode=True)
    await first.start()
    try:
        assert first.simulator is not None
        await first.ami.wait_connected(5)
        await sign_in_agents(first, "1001", "1002", "1003")
        await first.contact_center.agent_pause("1001", "break")
        await first.contact_center.agent_pause("1001", "lunch")  # a new reason, same state
        await first.contact_center.agent_logout("1002")
        # 1003 is the only one available: they take this call and are on it when the engine stops.
        await first.simulator.place_call(SimulatedCaller(number="2125550199", patience_s=60))
        await wait_until(lambda: _is(first, "1003", AgentState.BUSY), timeout=10, what="1003 on the call")
        await sign_in_agents(first, "1004")
    finally:
        await first.stop()

    second = Engine(restart_settings, simulator_mode=True)
    await second.start()
    try:
        assert await _states(second) == {
            "1001": (AgentState.PAUSED, "lunch"),
            "1003": (AgentState.PAUSED, INTERRUPTED_REASON),
            "1004": (AgentState.AVAILABLE, None),
        }  # 1002 signed out and 1005 never signed in: both logged out
        assert second.unseen_agents == {"1005"}
    finally:
        await second.stop()
