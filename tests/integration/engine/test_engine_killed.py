"""kill -9 of the engine while callers wait (fact 19): the crash-safe dialplan loops each caller
back into an engine, and the new engine queues them at their place (queue, entry time, order).
On a real Asterisk 22 before this, the caller was hung up. One PBX simulator (real AMI and
FastAGI), a first engine in its own process killed with SIGKILL, a second engine in this one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from callcenter.app import Engine
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from callcenter.pbxsim.simulator import SimulatedCallHandle
from tests.integration.engine.conftest import engine_settings
from tests.integration.engine.engine_process import engine_process
from tests.integration.engine.served import free_port
from tests.waiting import wait_until

TIME_SCALE = 0.05
SALES = {"agent_id": "1001", "name": "Li Na", "skills": {"sales": 3}}


def _overrides(sim: PbxSimulator, agi_port: int) -> dict[str, Any]:
    return {
        "agi": {"port": agi_port, "command_timeout_s": 5.0},
        "ami": {"port": sim.ami_port, "secret": sim.config.ami_secret, "reconnect_initial_s": 0.05,
                "reconnect_max_s": 0.2},
        "agents": [SALES],
    }  # fmt: skip


def _greetings(handle: SimulatedCallHandle) -> int:
    return sum(command.startswith("STREAM FILE hello-world") for command in handle.outcome.agi_commands)


def _on_hold(handle: SimulatedCallHandle) -> bool:
    return any("MusicOnHold" in command for command in handle.outcome.agi_commands)


async def test_given_the_engine_killed_while_callers_wait_then_a_new_engine_queues_them_at_their_place(
    tmp_path: Path,
) -> None:
    agi_port = free_port()
    # Up to 60 tries x 4 s x 0.05 = 12 s for a new engine to come up.
    sim = PbxSimulator(SimConfig(agi_port=agi_port, time_scale=TIME_SCALE, resume_tries=60, resume_hold_s=4))
    sim.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=0.5))
    await sim.start()
    second: Engine | None = None
    try:
        async with engine_process(tmp_path, **_overrides(sim, agi_port)) as first:
            assert await first.ask("sign-in 1001") == "ok"
            assert await first.ask("pause 1001 lunch") == "ok"
            callers = []
            for number in ("4155550101", "4155550102"):
                callers.append(
                    await sim.place_call(
                        SimulatedCaller(number=number, digits=((0.5, "1"),), patience_s=600, talk_s=1.0)
                    )
                )
                await wait_until(
                    lambda: any("MusicOnHold" in c for c in callers[-1].outcome.agi_commands),
                    timeout=10,
                    what="on hold",
                )
            before = {c["uniqueid"]: c for c in await first.calls()}
            assert [before[h.uniqueid]["queue"] for h in callers] == ["sales", "sales"]
            await first.kill()
            killed_at = time.monotonic()

        second = Engine(engine_settings(tmp_path, **_overrides(sim, agi_port)), simulator_mode=False)
        await second.start()
        engine = second

        def queued_again() -> bool:
            calls = [engine.calls.calls.get(h.uniqueid) for h in callers]
            return all(c is not None and c.phase.value == "queued" for c in calls)

        await wait_until(queued_again, timeout=15, what="both callers queued in the new engine")
        takeover_s = time.monotonic() - killed_at
        assert takeover_s < 10
        for handle in callers:
            call = second.calls.calls.get(handle.uniqueid)
            assert call is not None
            assert call.queue == "sales"
            assert call.queued_at == pytest.approx(before[handle.uniqueid]["queued_at"], abs=0.001)
            assert not handle.done  # nobody was hung up

        # The agent comes back from lunch: the caller who waited longest is answered first.
        await second.router.set_available("1001")
        await second.calls.tick()
        first_outcome = await callers[0].finished(15)
        assert first_outcome.agent == "agent-1001"
        second_outcome = await callers[1].finished(20)
        assert second_outcome.agent == "agent-1001"
    finally:
        if second is not None:
            await second.stop()
        await sim.stop()


async def test_given_the_engine_killed_while_a_caller_is_in_the_ivr_then_the_ivr_starts_again(
    tmp_path: Path,
) -> None:
    agi_port = free_port()
    sim = PbxSimulator(SimConfig(agi_port=agi_port, time_scale=TIME_SCALE, resume_tries=60, resume_hold_s=4))
    sim.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=0.5))
    await sim.start()
    second: Engine | None = None
    try:
        async with engine_process(tmp_path, **_overrides(sim, agi_port)) as first:
            assert await first.ask("sign-in 1001") == "ok"
            handle = await sim.place_call(SimulatedCaller(patience_s=600, talk_s=1.0))
            await wait_until(lambda: bool(handle.outcome.prompts), timeout=10, what="the greeting")
            await first.kill()

        second = Engine(engine_settings(tmp_path, **_overrides(sim, agi_port)), simulator_mode=False)
        await second.start()
        # Greeted again by the new engine: "1" for sales, pressed while the menu listens.
        await wait_until(lambda: _greetings(handle) == 2, timeout=15, what="the IVR again")
        await handle.press("1")
        outcome = await handle.finished(20)
        assert outcome.agent == "agent-1001"  # greeted again, chose sales, answered
        assert second.calls.recent[0].queue == "sales"
    finally:
        if second is not None:
            await second.stop()
        await sim.stop()
