"""Fixtures: a simulator wired to a stub FastAGI server, and a logged-in AMI client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone
from tests.integration.pbxsim.engine_stub import AgiServer, AmiClient

TIME_SCALE = 0.05


@pytest.fixture
async def agi() -> AsyncIterator[AgiServer]:
    server = AgiServer({})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def sim(agi: AgiServer) -> AsyncIterator[PbxSimulator]:
    simulator = PbxSimulator(
        SimConfig(
            agi_port=agi.port,
            time_scale=TIME_SCALE,
            epoch=1795382159,
            login_failure_delay_s=1.0,
            crash_safe=False,  # the recordings' dialplan: these tests replay them
        )
    )
    simulator.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=1.0))
    simulator.add_agent_phone(SimulatedAgentPhone("agent-1002", answer_delay_s=1.0))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def ami(sim: PbxSimulator) -> AsyncIterator[AmiClient]:
    client = AmiClient()
    await client.login(sim.ami_port)
    yield client
    await client.close()
