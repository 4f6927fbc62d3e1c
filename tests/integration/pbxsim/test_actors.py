"""Simulated callers and agent phones: patience, talk time, busy/no-answer/unavailable hand-back,
unreachable AGI, invalid extensions (fact 8), RECORD FILE output, and the traffic generator."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import pytest

from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone, SimulatedCaller
from tests.integration.pbxsim.conftest import TIME_SCALE
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, wait_until


async def _hold(conn: AgiConn) -> None:
    await conn.command("ANSWER")
    await conn.command("EXEC MusicOnHold default,600")


async def _redirect(ami: AmiClient, channel: str, exten: str = "agent-1001") -> None:
    await ami.event("MusicOnHoldStart", Channel=channel)
    ami.send("Redirect", "r-1", Channel=channel, Context="cc-connect", Exten=exten, Priority="1")
    assert (await ami.response("r-1")).get("Message") == "Redirect successful"


async def test_given_impatient_caller_when_held_too_long_then_caller_hangs_up(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    agi.scripts["ivr"] = _hold
    handle = await sim.place_call(SimulatedCaller(patience_s=2.0))
    outcome = await handle.finished(5)
    assert outcome.hung_up_by == "caller"
    assert outcome.agent is None
    assert agi.sessions[0].received[-1] == "200 result=-1"
    request = await ami.event("HangupRequest", Channel=handle.channel)
    assert request.get("Cause") is None


async def test_given_agent_talks_when_agent_hangs_up_then_outcome_records_talk_time(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    sim.set_agent_behaviour("agent-1001", talk_s=3.0)
    agi.scripts["ivr"] = _hold
    handle = await sim.place_call(SimulatedCaller())
    await _redirect(ami, handle.channel)
    outcome = await handle.finished(5)
    assert outcome.agent == "agent-1001"
    assert outcome.hung_up_by == "agent"
    assert outcome.talk_time_s is not None
    assert 2.5 < outcome.talk_time_s < 6.0
    hangup = await ami.event("Hangup", Channel=handle.channel)
    assert hangup.get("Cause") == "16"


async def test_given_caller_talk_time_when_elapsed_then_caller_hangs_up_and_agent_leg_ends(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    agi.scripts["ivr"] = _hold
    handle = await sim.place_call(SimulatedCaller(talk_s=2.0))
    await _redirect(ami, handle.channel)
    outcome = await handle.finished(5)
    assert outcome.hung_up_by == "caller"
    agent = next(m.get("DestChannel") for m in ami.messages if m.event == "DialBegin" and m.get("Channel"))
    await ami.event("Hangup", Channel=agent or "")
    assert sim.channels() == []


@pytest.mark.parametrize(
    ("behaviour", "status", "agent_leg"),
    [("busy", "BUSY", True), ("noanswer", "NOANSWER", True), ("unavailable", "CHANUNAVAIL", False)],
)
async def test_given_failing_agent_when_dialed_then_connect_failed_agi_gets_status(
    behaviour: str, status: str, agent_leg: bool, sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    sim.set_agent_behaviour("agent-1001", behaviour=behaviour)  # type: ignore[arg-type]
    agi.scripts["ivr"] = _hold
    back: list[AgiConn] = []

    async def connect_failed(conn: AgiConn) -> None:
        back.append(conn)
        await conn.command("ANSWER")

    agi.scripts["connect-failed"] = connect_failed
    handle = await sim.place_call(SimulatedCaller())
    await _redirect(ami, handle.channel)
    await handle.finished(5)
    env = back[0].env_dict()
    assert (env["agi_arg_1"], env["agi_arg_2"], env["agi_priority"]) == (status, "agent-1001", "3")
    legs = [m for m in ami.messages if m.event == "Newchannel" and "agent-1001" in (m.get("Channel") or "")]
    assert bool(legs) is agent_leg
    if agent_leg:
        end = await ami.event("DialEnd", Channel=handle.channel)
        assert end.get("DialStatus") == status


async def test_given_redirect_to_unmatched_exten_when_dialplan_runs_then_caller_hung_up(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    """Fact 8: cc-connect's pattern is _age[n]t-.; 'agent1001' matches nothing: the caller is lost."""
    agi.scripts["ivr"] = _hold
    handle = await sim.place_call(SimulatedCaller())
    await _redirect(ami, handle.channel, exten="agent1001")
    outcome = await handle.finished(5)
    assert outcome.agent is None
    assert not any(m.event == "DialBegin" for m in ami.messages)


async def test_given_agi_server_down_when_call_arrives_then_dialplan_hangs_up() -> None:
    probe = AgiServer({})
    await probe.start()
    closed_port = probe.port
    await probe.stop()
    sim = PbxSimulator(SimConfig(agi_port=closed_port, time_scale=TIME_SCALE, crash_safe=False))
    await sim.start()
    ami = AmiClient()
    try:
        await ami.login(sim.ami_port)
        handle = await sim.place_call(SimulatedCaller())
        await handle.finished(5)
        status = await ami.event("VarSet", Variable="AGISTATUS")
        assert status.get("Value") == "FAILURE"
        await ami.event("Newexten", Application="Hangup")
        assert (await ami.event("Hangup", Channel=handle.channel)).get("Cause") == "16"
    finally:
        await ami.close()
        await sim.stop()


async def test_given_record_file_into_existing_dir_when_ended_by_hash_then_wav_written(
    sim: PbxSimulator, agi: AgiServer, tmp_path: Path
) -> None:
    answers: list[str] = []

    async def voicemail(conn: AgiConn) -> None:
        answers.append(await conn.command(f'RECORD FILE {tmp_path}/vm-1 wav "#" 15000 0 BEEP'))

    agi.scripts["ivr"] = voicemail
    handle = await sim.place_call(SimulatedCaller(digits=((1.0, "2"), (0.3, "#"))))
    await handle.finished(5)
    assert answers == ["200 result=35 (dtmf) endpos=0"]
    with wave.open(str(tmp_path / "vm-1.wav"), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)


async def test_given_record_file_into_a_missing_dir_then_asterisk_answers_writefile(
    sim: PbxSimulator, agi: AgiServer, tmp_path: Path
) -> None:
    """res_agi's handle_recordfile: ast_writefile fails (no such directory) -> ``200 result=-1 (writefile)``
    on a live channel: -1 here is not a hang-up."""
    answers: list[str] = []

    async def voicemail(conn: AgiConn) -> None:
        await conn.command("ANSWER")
        answers.append(await conn.command(f'RECORD FILE {tmp_path}/absent/vm-1 wav "#" 15000 0 BEEP'))
        answers.append(await conn.command("CHANNEL STATUS"))

    agi.scripts["ivr"] = voicemail
    handle = await sim.place_call(SimulatedCaller())
    await handle.finished(5)
    assert answers == ["200 result=-1 (writefile)", "200 result=6"]
    assert not (tmp_path / "absent").exists()


async def test_given_prompt_dir_when_streaming_then_files_there_exist_and_others_are_missing(
    agi: AgiServer, tmp_path: Path
) -> None:
    with wave.open(str(tmp_path / "welcome.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 4000)
    sim = PbxSimulator(SimConfig(agi_port=agi.port, time_scale=TIME_SCALE, prompt_dir=tmp_path))
    await sim.start()
    answers: list[str] = []

    async def ivr(conn: AgiConn) -> None:
        answers.append(await conn.command('STREAM FILE welcome ""'))
        answers.append(await conn.command('STREAM FILE nope ""'))
        answers.append(await conn.command("EXEC Playback nope"))
        answers.append(await conn.command("CHANNEL STATUS"))

    agi.scripts["ivr"] = ivr
    try:
        handle = await sim.place_call(SimulatedCaller())
        await handle.finished(5)
    finally:
        await sim.stop()
    assert answers == ["200 result=0 endpos=4000", "200 result=-1 endpos=0", "200 result=0", "200 result=4"]


async def test_given_traffic_when_started_then_poisson_callers_arrive_until_stopped(
    sim: PbxSimulator, agi: AgiServer
) -> None:
    async def quick(conn: AgiConn) -> None:
        await conn.command("ANSWER")

    agi.scripts["ivr"] = quick
    sim.add_agent_phone(SimulatedAgentPhone("agent-1003"))
    sim.start_traffic(2.0, lambda rng: SimulatedCaller(number=f"415555{rng.randrange(10000):04d}"))
    await wait_until(lambda: len(agi.sessions) >= 3, 10, "three simulated calls")
    await sim.stop_traffic()
    count = len(agi.sessions)
    await asyncio.sleep(20 * TIME_SCALE)  # a quiet period long enough for ~40 arrivals at this rate
    assert len(agi.sessions) == count
