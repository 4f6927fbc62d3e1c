"""Recorder benchmark: 100,000 call recordings indexed, listed and expired by retention.

    .venv/bin/python bench/recorder_bench.py [--count 100000] [--pg postgresql+psycopg://user@host/db]

SQLite by default (a temporary file); ``--pg URL`` an existing, empty PostgreSQL database (migrated
here). Each recording goes the engine's way: ``RecordingIndex.start`` (one transaction), a paused
segment for one call in ten, then the end: a small WAV file written (not timed) and checked (size,
SHA-256) and ``finish`` (timed). Start times spread over 400 days across four queues with their own
retention (sales 90 days, support 180, the rest 365); one in a hundred is on legal hold.

Printed: recordings indexed per second, list query latency (p50/p99 of random filters: agent,
queue, a month's dates, 100 rows), and one retention pass (files deleted, records marked, an audit
row each), with its check: every expired record not held is deleted and its file gone, no other.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callcenter.recording_desk import RecordingDesk
from callcenter.settings_recorder import RecorderSettings
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.models_auth import AuditEntry
from crm_core.models_recordings import Recording
from recorder.files import check_recording
from recorder.recordings import NewRecording, RecordingFilter, RecordingIndex
from recorder.retention import DAY_S

QUEUES = ("sales", "support", "general", "vip")
RETENTION = {"sales": 90, "support": 180}
DEFAULT_DAYS = 365
WAV = b"RIFF\x24\x01\x00\x00WAVEfmt " + bytes(300)


def index_all(index: RecordingIndex, folder: Path, count: int, now: float, rng: random.Random) -> list[int]:
    """Index ``count`` recordings; the ids put on legal hold are returned."""
    held: list[int] = []
    for n in range(count):
        uniqueid = f"1795382159.{n}"
        path = folder / f"{n % 100}" / f"{uniqueid}.wav"
        started = now - rng.uniform(0, 400 * DAY_S)
        written = f"/var/spool/callcenter/recordings/{uniqueid}.wav"
        agent, customer, number = f"{1001 + n % 50}", rng.randint(1, 20_000), f"+1415555{n % 10_000:04d}"
        new = NewRecording(
            uniqueid,
            f"PJSIP/pstn-{n:08x}",
            written,
            path,
            started,
            rng.choice(QUEUES),
            agent,
            customer,
            number,
        )
        recording_id = index.start(new)
        if n % 10 == 0:
            index.pause(uniqueid, True, started + 20)
            index.pause(uniqueid, False, started + 35)
        path.write_bytes(WAV)
        index.finish(uniqueid, started + rng.uniform(30, 600), check_recording(path))
        if n % 100 == 0:
            held.append(recording_id)
    return held


def list_latencies(index: RecordingIndex, now: float, rng: random.Random, rounds: int = 500) -> list[float]:
    took: list[float] = []
    for n in range(rounds):
        since = now - rng.uniform(30, 400) * DAY_S
        where = [
            RecordingFilter(agent_id=f"{1001 + rng.randrange(50)}"),
            RecordingFilter(queue=rng.choice(QUEUES), since=since, until=since + 30 * DAY_S),
            RecordingFilter(since=since, until=since + 30 * DAY_S),
            RecordingFilter(customer_id=rng.randint(1, 20_000)),
        ][n % 4]
        start = time.perf_counter()
        index.list(where)
        took.append(time.perf_counter() - start)
    return took


def expire(desk: RecordingDesk, sessions: sessionmaker[Session], now: float, held: set[int]) -> bool:
    """One retention pass, timed and checked; True when it deleted exactly what it should."""
    with sessions() as session:
        rows = session.execute(select(Recording.id, Recording.queue, Recording.started_at)).all()
    expired = {
        r.id
        for r in rows
        if r.started_at.timestamp() < now - DAY_S * RETENTION.get(r.queue or "", DEFAULT_DAYS)
    }
    start = time.perf_counter()
    report = asyncio.run(desk.run_retention())
    took = time.perf_counter() - start
    with sessions() as session:
        deleted = set(session.scalars(select(Recording.id).where(Recording.state == "deleted")))
        audited = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "recording.deleted")
        )
        paths = dict(session.execute(select(Recording.id, Recording.path)).tuples().all())
    files_left = sum(Path(paths[i]).exists() for i in deleted)
    print(
        f"  retention pass: {took:.2f} s, {report.deleted:,} deleted, {report.held:,} kept on hold,"
        f" {len(report.failed)} failed"
    )
    ok = deleted == expired - held and audited == len(deleted) and files_left == 0
    print(
        f"  check: expired {len(expired):,} (held among them {len(expired & held):,}); deleted ="
        f" expired - held: {deleted == expired - held}; audit rows {audited:,}; files of deleted left:"
        f" {files_left} -> {'OK' if ok else 'MISMATCH'}"
    )
    return ok


def run(url: str, folder: Path, count: int, label: str) -> bool:
    migrate(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    index = RecordingIndex(sessions)
    rng = random.Random(15)
    now = time.time()
    print(f"recorder bench: {count:,} recordings on {label}")
    start = time.perf_counter()
    held = index_all(index, folder, count, now, rng)
    took = time.perf_counter() - start
    print(f"  indexed (start, 1 in 10 paused, file check, finish): {count / took:,.0f}/s ({took:.1f} s)")
    for recording_id in held:
        index.set_hold(recording_id, True)
    latencies = sorted(list_latencies(index, now, rng))
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
    print(f"  list query (100 rows, random filter): p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms")
    settings = RecorderSettings(retention_days=DEFAULT_DAYS, retention_by_queue=RETENTION)
    ok = expire(RecordingDesk(index, sessions, settings, lambda: now), sessions, now, set(held))
    engine.dispose()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="an empty PostgreSQL database (default: a SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recorder-bench-") as directory:
        folder = Path(directory) / "recordings"
        for n in range(100):
            (folder / str(n)).mkdir(parents=True)
        url = args.pg or f"sqlite:///{directory}/crm.sqlite3"
        if not run(url, folder, args.count, "PostgreSQL" if args.pg else "SQLite"):
            sys.exit(1)


if __name__ == "__main__":
    main()
