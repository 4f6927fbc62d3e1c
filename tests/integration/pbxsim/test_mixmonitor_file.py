"""MixMonitor writes its file at the path the action names (the recorded Asterisk's own WAV), and a
path it cannot write leaves no file and no broken call, as on Asterisk."""

from __future__ import annotations

from pathlib import Path

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from callcenter.pbxsim.recordings import SAMPLE
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient


async def _caller_in_ivr(sim: PbxSimulator, agi: AgiServer) -> str:
    async def ivr(conn: AgiConn) -> None:
        await conn.command("ANSWER")
        await conn.command("EXEC MusicOnHold default")

    agi.scripts["ivr"] = ivr
    handle = await sim.place_call(SimulatedCaller(patience_s=300))
    return handle.channel


def _mixmonitor(n: int, channel: str, path: Path) -> bytes:
    lines = ("Action: MixMonitor", f"ActionID: mm-{n}", f"Channel: {channel}", f"File: {path}", "Options: b")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_given_mixmonitor_then_the_file_is_written_where_the_action_says(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient, tmp_path: Path
) -> None:
    channel = await _caller_in_ivr(sim, agi)
    await ami.event("MusicOnHoldStart", Channel=channel)
    target = tmp_path / "spool" / "recordings" / "1795382159.10.wav"
    ami.send_raw(_mixmonitor(1, channel, target))
    assert (await ami.response("mm-1")).response == "Success"
    await ami.event("MixMonitorStart", Channel=channel)
    assert target.read_bytes() == SAMPLE.read_bytes()
    assert target.read_bytes()[:4] == b"RIFF"


async def test_given_an_unwritable_path_then_no_file_and_the_call_goes_on(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient, tmp_path: Path
) -> None:
    channel = await _caller_in_ivr(sim, agi)
    await ami.event("MusicOnHoldStart", Channel=channel)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the directory should be")
    ami.send_raw(_mixmonitor(2, channel, blocker / "x.wav"))
    assert (await ami.response("mm-2")).response == "Success"
    await ami.event("MixMonitorStart", Channel=channel)
    assert not (blocker / "x.wav").exists()
