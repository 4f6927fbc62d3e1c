"""Retention over the CRM database (SQLite and PostgreSQL): old recordings lose their file and are
marked deleted with an audit row each; a legal hold, a younger queue limit and an undeletable file
keep theirs."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from sqlalchemy import select

from callcenter.recording_desk import RecordingDesk, Viewer
from callcenter.settings_recorder import RecorderSettings
from crm_core.models_auth import AuditEntry
from recorder.files import check_recording
from recorder.recordings import NewRecording, RecordingIndex
from tests.crm_conftest_helpers import Db, FakeClock

DAY = 86_400.0
ADMIN = Viewer("admin", "admin", None)


def _record(
    index: RecordingIndex, folder: Path, name: str, at: float, queue: str, agent: str = "1001"
) -> int:
    path = folder / f"{name}.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVE" + bytes(100))
    new = NewRecording(
        name, f"PJSIP/{name}", f"/spool/{name}.wav", path, at, queue, agent, None, "4155550100"
    )
    recording_id = index.start(new)
    index.finish(name, at + 60, check_recording(path))
    return recording_id


async def test_given_old_recordings_then_retention_deletes_files_except_held_and_audits(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    index = RecordingIndex(db.sessions)
    now = clock.now()
    settings = RecorderSettings(retention_days=30, retention_by_queue={"sales": 90})
    desk = RecordingDesk(index, db.sessions, settings, clock.now)
    old = _record(index, tmp_path, "old", now - 40 * DAY, "support")
    young = _record(index, tmp_path, "young", now - 10 * DAY, "support")
    sales = _record(index, tmp_path, "sales", now - 40 * DAY, "sales")
    held = _record(index, tmp_path, "held", now - 400 * DAY, "support")
    await desk.set_hold(Viewer("sup", "supervisor", None), held, True)

    report = await desk.run_retention(ADMIN)

    assert (report.deleted, report.held, report.failed, report.compressed) == (1, 1, (), 0)
    states = {r: index.get(r).state for r in (old, young, sales, held)}  # type: ignore[union-attr]
    assert states == {old: "deleted", young: "complete", sales: "complete", held: "complete"}
    assert not (tmp_path / "old.wav").exists()
    assert all((tmp_path / f"{n}.wav").exists() for n in ("young", "sales", "held"))
    with db.sessions() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(r.actor, r.action, r.target) for r in rows] == [
        ("sup", "recording.hold_set", f"recording:{held}"),
        ("system", "recording.deleted", f"recording:{old}"),
        ("admin", "recording.retention_run", "recordings"),
    ]
    assert json.loads(rows[-1].details) == {"deleted": "1", "held": "1", "failed": "0"}

    clock.advance(days=400)
    await desk.set_hold(Viewer("sup", "supervisor", None), held, False)
    report = await desk.run_retention()
    assert report.deleted == 3
    assert index.get(held).state == "deleted"  # type: ignore[union-attr]


async def test_given_a_file_that_cannot_be_removed_then_its_record_stays(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    index = RecordingIndex(db.sessions)
    desk = RecordingDesk(index, db.sessions, RecorderSettings(retention_days=1), clock.now)
    stuck = _record(index, tmp_path, "stuck", clock.now() - 5 * DAY, "support")
    (tmp_path / "stuck.wav").unlink()
    (tmp_path / "stuck.wav").mkdir()  # unlink() of a directory fails: a stand-in for a read-only mount
    report = await desk.run_retention()
    assert report.deleted == 0
    assert report.failed == (stuck,)
    assert index.get(stuck).state == "complete"  # type: ignore[union-attr]


async def test_given_the_engine_starts_then_the_job_runs_a_pass_without_waiting_a_day(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    """Failed before: the first pass came a full period after start, so an engine restarted daily
    never expired anything."""
    index = RecordingIndex(db.sessions)
    desk = RecordingDesk(index, db.sessions, RecorderSettings(retention_days=1), clock.now)
    old = _record(index, tmp_path, "old", clock.now() - 5 * DAY, "support")
    job = asyncio.create_task(desk.retention_forever(first_after_s=0.05))
    try:
        for _ in range(100):
            if index.get(old).state == "deleted":  # type: ignore[union-attr]
                break
            await asyncio.sleep(0.05)
        assert index.get(old).state == "deleted"  # type: ignore[union-attr]
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job
