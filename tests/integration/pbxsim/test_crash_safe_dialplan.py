"""The simulator's crash-safe dialplan (the one the README documents) and fact 19: a FastAGI session
that ends without the engine's ``CC_DONE`` mark (the engine died) loops the caller back into an
engine after a short hold, a bounded number of times, then to the last resort; a dead engine is
noticed only when the running command ends."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedCaller
from tests.integration.pbxsim.conftest import TIME_SCALE
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, wait_until


@pytest.fixture
async def crash_safe(agi: AgiServer) -> AsyncIterator[PbxSimulator]:
    simulator = PbxSimulator(
        SimConfig(agi_port=agi.port, time_scale=TIME_SCALE, resume_tries=3, resume_hold_s=2.0)
    )
    await simulator.start()
    yield simulator
    await simulator.stop()


def _scripts(agi: AgiServer) -> list[str]:
    return [s.env_dict().get("agi_network_script", "") for s in agi.sessions]


async def test_given_a_session_ended_with_the_mark_then_the_call_ends(
    crash_safe: PbxSimulator, agi: AgiServer
) -> None:
    async def ivr(conn: AgiConn) -> None:
        assert await conn.command("SET VARIABLE CC_DONE 1") == "200 result=1"

    agi.scripts["ivr"] = ivr
    handle = await crash_safe.place_call(SimulatedCaller(patience_s=300))
    await handle.finished(5)
    assert _scripts(agi) == ["ivr"]


async def test_given_a_session_ended_without_the_mark_then_the_caller_is_taken_back_by_resume(
    crash_safe: PbxSimulator, agi: AgiServer
) -> None:
    resumed: list[dict[str, str]] = []

    async def ivr(conn: AgiConn) -> None:
        await conn.command("ANSWER")  # and the "engine" dies: no CC_DONE

    async def resume(conn: AgiConn) -> None:
        resumed.append(conn.env_dict())
        await conn.command("SET VARIABLE CC_DONE 1")

    agi.scripts.update(ivr=ivr, resume=resume)
    handle = await crash_safe.place_call(SimulatedCaller(patience_s=300))
    await handle.finished(5)
    assert _scripts(agi) == ["ivr", "resume"]
    # The same channel (uniqueid), with the number it dialled.
    assert resumed[0]["agi_uniqueid"] == agi.sessions[0].env_dict()["agi_uniqueid"]
    assert resumed[0]["agi_arg_1"] == agi.sessions[0].env_dict()["agi_extension"]


async def test_given_no_engine_takes_the_caller_back_then_bounded_tries_then_the_last_resort(
    crash_safe: PbxSimulator, agi: AgiServer
) -> None:
    ami = AmiClient()
    await ami.login(crash_safe.ami_port)
    try:
        handle = await crash_safe.place_call(SimulatedCaller(patience_s=300))
        await handle.finished(10)
        assert _scripts(agi) == ["ivr", "resume", "resume", "resume"]
        # Held between tries (music, not silence), then the last resort is dialled.
        assert len([m for m in ami.messages if m.event == "MusicOnHoldStart"]) == 3
        dials = [m for m in ami.messages if m.event == "Newexten" and m.get("Application") == "Dial"]
        assert (dials[-1].get("AppData") or "").startswith("PJSIP/operator")
    finally:
        await ami.close()


async def test_given_the_engine_dies_during_music_on_hold_then_asterisk_notices_when_it_ends(
    crash_safe: PbxSimulator, agi: AgiServer
) -> None:
    """Fact 19: the running EXEC MusicOnHold plays its full length after the engine is gone."""
    resumed_at: list[float] = []

    async def ivr(conn: AgiConn) -> None:
        conn.writer.write(b"EXEC MusicOnHold default,40\n")  # 40 s x 0.05 = 2 s
        await conn.writer.drain()
        conn.writer.transport.abort()  # the engine is killed while the command runs

    async def resume(conn: AgiConn) -> None:
        resumed_at.append(time.monotonic())
        await conn.command("SET VARIABLE CC_DONE 1")

    agi.scripts.update(ivr=ivr, resume=resume)
    killed_at = time.monotonic()
    handle = await crash_safe.place_call(SimulatedCaller(patience_s=300))
    await wait_until(lambda: bool(resumed_at), 10, "the caller back in an engine")
    assert resumed_at[0] - killed_at >= 40 * TIME_SCALE * 0.9
    await handle.finished(5)


async def test_given_two_engines_when_the_first_is_down_then_the_second_takes_the_caller(
    agi: AgiServer,
) -> None:
    down = AgiServer({})
    await down.start()
    await down.stop()
    sim = PbxSimulator(
        SimConfig(agi_port=down.port, time_scale=TIME_SCALE, agi_fallbacks=(("127.0.0.1", agi.port),))
    )
    await sim.start()
    try:

        async def resume(conn: AgiConn) -> None:
            await conn.command("SET VARIABLE CC_DONE 1")

        agi.scripts["resume"] = resume
        handle = await sim.place_call(SimulatedCaller(patience_s=300))
        await handle.finished(5)
        # The first engine refused the ivr session and the first resume; the second took it.
        assert _scripts(agi) == ["resume"]
    finally:
        await sim.stop()
