"""Fact 18 against the simulator: a digit pressed during ``STREAM FILE name ""`` is dropped (the next
``WAIT FOR DIGIT`` answers ``result=0``); with escape digits the playback stops at once with the digit.

The engine's recorded commands of ``dtmf_dropped_and_agi_server_gone`` are replayed up to the
escape-digit playback (the rest of that recording is the AGI server dying, fact 19)."""

from __future__ import annotations

import asyncio
import re

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from callcenter.pbxsim.config import DEFAULT_PROMPTS
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer
from tests.integration.pbxsim.scenario import agi_answers, agi_commands, normalize_endpos

RECORDING = "dtmf_dropped_and_agi_server_gone"


def _endpos(answer: str) -> int:
    found = re.search(r"endpos=(\d+)", answer)
    assert found is not None, answer
    return int(found.group(1))


async def test_given_digits_during_playback_when_replayed_then_dropped_without_escape_and_stop_with_it(
    sim: PbxSimulator, agi: AgiServer
) -> None:
    commands = agi_commands(RECORDING)
    last = commands.index('STREAM FILE tt-monkeys "12"')
    commands = commands[: last + 1]
    done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        for command in commands:
            await conn.command(command)
        done.set()

    agi.scripts["ivr"] = ivr
    # As recorded: "1" 5 s into the 16.2 s tt-monkeys played with no escape digits, then "2"
    # about 3.5 s into the second playback (after the 2.5 s WAIT FOR DIGIT), which escapes on 1 or 2.
    caller = SimulatedCaller(dialed="5557777", digits=((5.0, "1"), (17.2, "2")), patience_s=60)
    handle = await sim.place_call(caller)
    await asyncio.wait_for(done.wait(), 10)
    handle.hang_up()
    await handle.finished(5)

    received = agi.sessions[0].received
    recorded = agi_answers(RECORDING)[: len(received)]
    assert [normalize_endpos(x) for x in received] == [normalize_endpos(x) for x in recorded]
    assert received[1] == f"200 result=0 endpos={DEFAULT_PROMPTS['tt-monkeys']}"  # played to the end
    assert received[2] == "200 result=0"  # the "1" was dropped, not kept for WAIT FOR DIGIT
    assert received[3].startswith("200 result=50 ")  # "2" stopped the playback ...
    assert _endpos(received[3]) < DEFAULT_PROMPTS["tt-monkeys"] // 2  # ... at once
