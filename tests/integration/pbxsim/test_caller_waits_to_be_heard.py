"""A simulated caller who waits to be heard presses a key only while the running AGI command takes it,
and again if it fell between two commands; a caller who does not is dropped as a real Asterisk drops
the key (fact 18). Tests of the fixed menu at time scale 0.05 lost their key under load without it."""

from __future__ import annotations

import asyncio

import pytest

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer


@pytest.mark.parametrize(("waits", "answer"), [(True, "200 result=55"), (False, "200 result=0")])
async def test_given_a_key_pressed_during_a_deaf_prompt_then_heard_only_by_a_caller_who_waits(
    sim: PbxSimulator, agi: AgiServer, waits: bool, answer: str
) -> None:
    done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        await conn.command("ANSWER")
        await conn.command('STREAM FILE beep ""')  # takes no key: a "7" now is dropped
        await asyncio.sleep(0.2)  # between two commands: nobody reads the channel
        await conn.command("WAIT FOR DIGIT 5000")
        done.set()

    agi.scripts["ivr"] = ivr
    caller = SimulatedCaller(dialed="5557777", digits=((0.0, "7"),), patience_s=60, waits_to_be_heard=waits)
    handle = await sim.place_call(caller)
    await asyncio.wait_for(done.wait(), 10)
    handle.hang_up()
    await handle.finished(5)
    assert agi.sessions[0].received[-1] == answer
