"""Callers waiting in the queue hear their position between music-on-hold segments."""

from __future__ import annotations

from pathlib import Path

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until


async def test_given_two_callers_and_no_agent_then_each_hears_its_place(tmp_path: Path) -> None:
    engine = Engine(engine_settings(tmp_path, agents=[]), simulator_mode=True)
    await engine.start()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(5)
        first = await engine.simulator.place_call(SimulatedCaller(number="2125550101", patience_s=60))
        await wait_until(lambda: any(c.phase.value == "queued" for c in engine.calls.calls.live()))
        second = await engine.simulator.place_call(SimulatedCaller(number="2125550102", patience_s=60))
        first_outcome, second_outcome = await first.finished(15), await second.finished(15)

        assert 'STREAM FILE queue-youarenext ""' in first_outcome.agi_commands
        commands = second_outcome.agi_commands
        ahead = commands.index('STREAM FILE queue-thereare ""')
        assert commands[ahead + 1 : ahead + 3] == ('SAY NUMBER 1 ""', 'STREAM FILE queue-callswaiting ""')
        assert commands[ahead + 3].startswith("EXEC MusicOnHold")
    finally:
        await engine.stop()
