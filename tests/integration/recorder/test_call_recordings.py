"""Recordings indexed from real calls through the simulator: MixMonitor start, a paused segment, the
file checked at the end (the simulator writes the recorded Asterisk's WAV); a file the engine cannot
see is flagged missing, not ignored."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from callcenter.pbxsim.recordings import SAMPLE
from recorder.recordings import NewRecording, RecordingFilter, RecordingView
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.waiting import wait_until


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    running = Engine(engine_settings(tmp_path, recorder={"check_grace_s": 0.2}), simulator_mode=True)
    await running.start()
    try:
        await sign_in_agents(running)
        yield running
    finally:
        await running.stop()


async def _talking_to_1002(engine: Engine) -> str:
    assert engine.simulator is not None
    await engine.ami.wait_connected(5)
    await engine.simulator.place_call(
        SimulatedCaller(number="4155550100", digits=[(0.2, "2")], talk_s=60.0, waits_to_be_heard=True)
    )
    cc = engine.contact_center

    def talking() -> bool:
        call = cc.call_of_agent("1002")
        return call is not None and call.phase == "talking"

    await wait_until(talking, what="agent 1002 talking")
    call = cc.call_of_agent("1002")
    assert call is not None
    return call.uniqueid


def _recording(engine: Engine, uniqueid: str) -> RecordingView | None:
    return engine.recorder.calls.index.by_uniqueid(uniqueid)


def _state(engine: Engine, uniqueid: str) -> str | None:
    found = _recording(engine, uniqueid)
    return None if found is None else found.state


async def test_given_a_recorded_call_then_it_is_indexed_paused_and_checked_at_the_end(engine: Engine) -> None:
    cc = engine.contact_center
    uniqueid = await _talking_to_1002(engine)
    await wait_until(lambda: _state(engine, uniqueid) == "recording", what="the recording indexed")
    await cc.set_recording_paused("1002", True)
    await cc.set_recording_paused("1002", False)
    await cc.hang_up("1002")
    await wait_until(lambda: _state(engine, uniqueid) == "complete", what="the recording complete")

    found = _recording(engine, uniqueid)
    assert found is not None
    sample = SAMPLE.read_bytes()
    assert (found.size, found.sha256) == (len(sample), hashlib.sha256(sample).hexdigest())
    assert found.path == str(Path(engine.settings.dialplan.recordings_dir) / f"{uniqueid}.wav")
    assert found.agents == ("1002",)
    assert found.queue == "support"
    assert found.caller_number == "4155550100"
    assert found.customer_id is not None  # the demo CRM knows 4155550100 (the VIP)
    assert found.duration_s is not None
    assert found.duration_s > 0
    assert len(found.pauses) == 1
    pause = found.pauses[0]
    assert pause.end_s is not None
    assert 0 <= pause.start_s <= pause.end_s <= found.duration_s
    listed = engine.recorder.calls.index.list(RecordingFilter(agent_id="1002"))
    assert [r.uniqueid for r in listed] == [uniqueid]
    assert engine.recorder.calls.index.list(RecordingFilter(agent_id="1001")) == []


async def test_given_the_engine_cannot_see_the_file_then_the_recording_is_flagged_missing(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    uniqueid = await _talking_to_1002(engine)
    await wait_until(lambda: _state(engine, uniqueid) == "recording", what="the recording indexed")
    written = Path(engine.settings.dialplan.recordings_dir) / f"{uniqueid}.wav"
    written.unlink()  # as when the shared mount is not mounted on the engine's host
    await engine.contact_center.hang_up("1002")
    await wait_until(lambda: _state(engine, uniqueid) == "missing", what="the recording flagged missing")
    found = _recording(engine, uniqueid)
    assert found is not None
    assert (found.missing_reason, found.size, found.sha256) == ("not_found", None, None)
    assert any(r.getMessage() == "recording file missing" for r in caplog.records)


async def test_given_an_empty_file_then_the_recording_is_flagged_missing_as_empty(engine: Engine) -> None:
    uniqueid = await _talking_to_1002(engine)
    await wait_until(lambda: _state(engine, uniqueid) == "recording", what="the recording indexed")
    (Path(engine.settings.dialplan.recordings_dir) / f"{uniqueid}.wav").write_bytes(b"")
    await engine.contact_center.hang_up("1002")
    await wait_until(lambda: _state(engine, uniqueid) == "missing", what="the recording flagged missing")
    found = _recording(engine, uniqueid)
    assert found is not None
    assert found.missing_reason == "empty"


async def test_given_a_recording_whose_call_end_was_never_seen_then_the_sweep_closes_it(
    engine: Engine, tmp_path: Path
) -> None:
    """The engine was down when the call ended: the row stayed ``recording``; the sweep checks the file."""
    index = engine.recorder.calls.index
    path = tmp_path / "orphan.wav"
    path.write_bytes(SAMPLE.read_bytes())
    started = time.time() - 13 * 3600
    index.start(
        NewRecording("1795.77", "PJSIP/pstn-77", str(path), path, started, "sales", "1001", None, None)
    )
    index.start(
        NewRecording(
            "1795.78", "PJSIP/pstn-78", "/x/y.wav", tmp_path / "y.wav", time.time(), None, None, None, None
        )
    )

    assert await engine.recorder.calls.close_stale(time.time()) == 1
    orphan = index.by_uniqueid("1795.77")
    assert orphan is not None
    assert (orphan.state, orphan.size) == ("complete", len(SAMPLE.read_bytes()))
    assert orphan.ended_at is not None
    assert orphan.ended_at >= started
    assert _state(engine, "1795.78") == "recording"  # a call of now is left alone
