"""A recorded call through the simulator, for the recorder's API and browser tests."""

from __future__ import annotations

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from tests.waiting import wait_until


async def recorded_call(engine: Engine, agent: str = "1001", digit: str = "1") -> str:
    """A call answered by ``agent`` (digit 1: sales → 1001, 2: support → 1002), its recording paused
    once, hung up by the agent and checked complete; its uniqueid."""
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    await engine.simulator.place_call(
        SimulatedCaller(number="4155550100", digits=[(0.2, digit)], talk_s=60.0, waits_to_be_heard=True)
    )
    cc = engine.contact_center

    def talking() -> bool:
        call = cc.call_of_agent(agent)
        return call is not None and call.phase == "talking"

    await wait_until(talking, what=f"agent {agent} talking")
    call = cc.call_of_agent(agent)
    assert call is not None
    await cc.set_recording_paused(agent, True)
    await cc.set_recording_paused(agent, False)
    await cc.hang_up(agent)

    def complete() -> bool:
        found = engine.recorder.calls.index.by_uniqueid(call.uniqueid)
        return found is not None and found.state == "complete"

    await wait_until(complete, what="the recording complete")
    return call.uniqueid
