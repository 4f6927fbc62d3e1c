"""Compression by the retention job (SQLite and PostgreSQL): an old, verified recording becomes its
μ-law copy with the original's size and checksum kept and an audit row; held, young, and changed
files are left as they are."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from callcenter.pbxsim.recordings import SAMPLE
from callcenter.recording_desk import RecordingDesk
from callcenter.settings_recorder import RecorderSettings
from crm_core.models_auth import AuditEntry
from recorder.files import check_recording
from recorder.recordings import NewRecording, RecordingIndex
from tests.crm_conftest_helpers import Db, FakeClock

DAY = 86_400.0


def _record(index: RecordingIndex, folder: Path, name: str, at: float) -> int:
    path = folder / f"{name}.wav"
    path.write_bytes(SAMPLE.read_bytes())
    recording_id = index.start(
        NewRecording(name, f"PJSIP/{name}", str(path), path, at, "support", "1001", None, None)
    )
    index.finish(name, at + 60, check_recording(path))
    return recording_id


async def test_given_old_verified_recordings_then_they_are_compressed_and_others_kept(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    index = RecordingIndex(db.sessions)
    now = clock.now()
    settings = RecorderSettings(retention_days=365, compress_after_days=30)
    desk = RecordingDesk(index, db.sessions, settings, clock.now)
    old = _record(index, tmp_path, "old", now - 40 * DAY)
    young = _record(index, tmp_path, "young", now - 10 * DAY)
    held = _record(index, tmp_path, "held", now - 40 * DAY)
    changed = _record(index, tmp_path, "changed", now - 40 * DAY)
    index.set_hold(held, True)
    altered = tmp_path / "changed.wav"
    altered.write_bytes(altered.read_bytes() + b"\x01\x02")  # not the file verified at the call's end

    run = await desk.run_retention()

    assert (run.deleted, run.compressed) == (0, 1)
    before = check_recording(SAMPLE)
    compressed = index.get(old)
    assert compressed is not None
    assert compressed.compressed
    assert compressed.path == str(tmp_path / "old.ulaw.wav")
    assert not (tmp_path / "old.wav").exists()
    after = check_recording(Path(compressed.path))
    assert (compressed.size, compressed.sha256) == (after.size, after.sha256)
    assert compressed.size is not None
    assert before.size is not None
    assert compressed.size < before.size / 2 + 100
    for kept, name in ((young, "young"), (held, "held"), (changed, "changed")):
        view = index.get(kept)
        assert view is not None
        assert not view.compressed
        assert view.path == str(tmp_path / f"{name}.wav")
        assert Path(view.path).exists()
    with db.sessions() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "recording.compressed")))
    assert [(r.actor, r.target) for r in rows] == [("system", f"recording:{old}")]
    assert json.loads(rows[0].details) == {"uniqueid": "old", "original_sha256": before.sha256}

    assert (await desk.run_retention()).compressed == 0  # once
