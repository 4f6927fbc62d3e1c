"""Who may reach a recording (SQLite and PostgreSQL): an agent their own calls' (all agents on it,
after a transfer too) while ``agents_hear_own``, none when it is off; supervisors and admins all."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from callcenter.recording_desk import NotYourRecording, RecordingDesk, RecordingNotFound, Viewer
from callcenter.settings_recorder import RecorderSettings
from recorder.files import check_recording
from recorder.recordings import NewRecording, RecordingFilter, RecordingIndex
from tests.crm_conftest_helpers import Db, FakeClock

LI_NA = Viewer("agent1001", "agent", "1001")
ALICE = Viewer("agent1002", "agent", "1002")
CHEN = Viewer("agent1003", "agent", "1003")


def _transferred_call(index: RecordingIndex, tmp_path: Path, at: float) -> int:
    path = tmp_path / "call.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVE" + bytes(100))
    first = NewRecording(
        "1795.1", "PJSIP/pstn-1", "/spool/1795.1.wav", path, at, "sales", "1001", 7, "4155550100"
    )
    recording_id = index.start(first)
    # The second agent's MixMonitor on the same caller channel: the same record, one more agent.
    assert index.start(dataclasses.replace(first, agent_id="1002")) == recording_id
    index.finish("1795.1", at + 90, check_recording(path))
    return recording_id


async def test_given_a_transferred_call_then_both_agents_hear_it_and_a_third_does_not(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    index = RecordingIndex(db.sessions)
    recording_id = _transferred_call(index, tmp_path, clock.now())
    desk = RecordingDesk(index, db.sessions, RecorderSettings(), clock.now)
    for viewer in (LI_NA, ALICE, Viewer("sup", "supervisor", None), Viewer("root", "admin", None)):
        assert (await desk.playable(viewer, recording_id)).agents == ("1001", "1002")
    with pytest.raises(NotYourRecording):
        await desk.playable(CHEN, recording_id)
    assert await desk.list(CHEN, RecordingFilter()) == []
    assert [r.id for r in await desk.list(ALICE, RecordingFilter(customer_id=7))] == [recording_id]
    with pytest.raises(NotYourRecording):
        await desk.list(CHEN, RecordingFilter(agent_id="1001"))
    with pytest.raises(NotYourRecording):
        await desk.playable(
            Viewer("nobody", "agent", None), recording_id
        )  # an agent account without an agent id
    with pytest.raises(RecordingNotFound):
        await desk.playable(LI_NA, recording_id + 1)


async def test_given_agents_may_not_hear_their_calls_then_only_supervisors_do(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    index = RecordingIndex(db.sessions)
    recording_id = _transferred_call(index, tmp_path, clock.now())
    desk = RecordingDesk(index, db.sessions, RecorderSettings(agents_hear_own=False), clock.now)
    with pytest.raises(NotYourRecording):
        await desk.playable(LI_NA, recording_id)
    with pytest.raises(NotYourRecording):
        await desk.list(LI_NA, RecordingFilter())
    assert (await desk.playable(Viewer("sup", "supervisor", None), recording_id)).id == recording_id
