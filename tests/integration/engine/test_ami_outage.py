"""The engine survives the AMI link going away and coming back without losing a queued caller."""

from __future__ import annotations

from pathlib import Path

from acd.model import Agent
from callcenter.app import Engine
from callcenter.pbxsim import SimulatedAgentPhone, SimulatedCaller
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until


async def test_given_a_queued_caller_when_ami_restarts_then_the_call_is_still_connected(
    tmp_path: Path,
) -> None:
    # No agent logged in: the caller waits in the queue (inside the AGI session, on hold).
    engine = Engine(engine_settings(tmp_path, agents=[]), simulator_mode=True)
    await engine.start()
    try:
        sim = engine.simulator
        assert sim is not None
        await engine.ami.wait_connected(5)
        handle = await sim.place_call(
            SimulatedCaller(number="4155550123", digits=[(0.2, "2")], waits_to_be_heard=True, talk_s=1.0)
        )
        await wait_until(lambda: any(c.phase.value == "queued" for c in engine.calls.calls.live()), timeout=5)

        await sim.stop_ami()
        await wait_until(lambda: not engine.ami.connected, timeout=5, what="the engine to notice the outage")
        # An agent frees up while Asterisk is unreachable: the Redirect cannot be sent,
        # so the caller must stay queued, not be dropped or marked as connected.
        sim.add_agent_phone(SimulatedAgentPhone("agent-1002", answer_delay_s=1.0))
        await engine.router.login(Agent("1002", {"support": 5}))
        [call] = engine.calls.calls.live()

        async def offer_withdrawn() -> bool:
            snapshot = await engine.router.snapshot()
            agent = next(a for a in snapshot.agents if a.agent_id == "1002")
            return call.phase.value == "queued" and agent.state.value == "available"

        await wait_until(offer_withdrawn, timeout=5, what="the failed offer to be withdrawn")
        await engine.calls.tick()  # no dispatch while AMI is down: nothing changes
        assert call.phase.value == "queued"

        await sim.start_ami()
        await engine.ami.wait_connected(5)
        await handle.finished(15)
        assert handle.outcome.agent == "agent-1002"
    finally:
        await engine.stop()
