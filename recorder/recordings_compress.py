"""Compressing verified recordings: ``complete`` records older than a number of days, not on legal
hold, whose file still has the checksum taken at the end of the call, get a μ-law copy
(:mod:`recorder.compress`) read back and checked; the record then points at it (keeping the
original's size and checksum) in one transaction with its audit row, and the original is removed.

A file whose checksum changed is left alone and reported: it is not the file that was verified.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_core.models_recordings import Recording
from recorder.compress import NotCompressible, mulaw_frames, to_mulaw
from recorder.files import check_recording, remove_file

log = logging.getLogger(__name__)
BATCH = 200
SUFFIX = ".ulaw.wav"

OnCompressed = Callable[[Session, int, str, str, float], None]  # session, id, uniqueid, original sha, now


@dataclass(frozen=True, slots=True)
class CompressionReport:
    compressed: int
    saved_bytes: int
    refused: tuple[tuple[int, str], ...]  # (recording id, reason)


def _candidates(sessions: sessionmaker[Session], before: float, after_id: int) -> list[tuple[int, str, str]]:
    query = (
        select(Recording.id, Recording.path, Recording.sha256)
        .where(
            Recording.state == "complete",
            Recording.compressed_at.is_(None),
            Recording.legal_hold.is_(False),
            Recording.started_at < datetime.fromtimestamp(before, tz=UTC),
            Recording.id > after_id,
        )
        .order_by(Recording.id)
        .limit(BATCH)
    )
    with sessions() as session:
        return [(i, p, h or "") for i, p, h in session.execute(query).tuples()]


def _compress_one(path: Path, sha256: str) -> tuple[Path, int, str] | str:
    """(new path, size, sha256) of the checked μ-law copy, or why not."""
    original = check_recording(path)
    if not original.ok or original.sha256 != sha256:
        return original.reason or "checksum_changed"
    target = path.with_name(path.name.removesuffix(".wav") + SUFFIX)
    try:
        made = to_mulaw(path, target)
        if mulaw_frames(target) != made.frames:
            raise NotCompressible("read back differs")
    except (NotCompressible, OSError) as exc:
        target.unlink(missing_ok=True)
        return f"not_compressible: {exc}"[:200]
    copy = check_recording(target)
    if not copy.ok or copy.size is None or copy.sha256 is None:
        target.unlink(missing_ok=True)
        return f"copy_unusable: {copy.reason}"
    return target, copy.size, copy.sha256


def compress_verified(
    sessions: sessionmaker[Session], before: float, now: float, on_compressed: OnCompressed
) -> CompressionReport:
    compressed = saved = 0
    refused: list[tuple[int, str]] = []
    after_id = 0
    while rows := _candidates(sessions, before, after_id):
        after_id = rows[-1][0]
        for recording_id, path, sha256 in rows:
            made = _compress_one(Path(path), sha256)
            if isinstance(made, str):
                refused.append((recording_id, made))
                log.warning("recording not compressed", extra={"recording": recording_id, "reason": made})
                continue
            target, size, digest = made
            with sessions.begin() as session:
                row = session.get(Recording, recording_id)
                if row is None or row.state != "complete" or row.legal_hold or row.compressed_at is not None:
                    target.unlink(missing_ok=True)  # changed meanwhile (deleted, held): keep it as it is
                    continue
                saved += (row.size or 0) - size
                row.original_size, row.original_sha256 = row.size, row.sha256
                row.path, row.size, row.sha256 = str(target), size, digest
                row.compressed_at = datetime.fromtimestamp(now, tz=UTC)
                on_compressed(session, recording_id, row.uniqueid, sha256, now)
            compressed += 1
            if (reason := remove_file(Path(path))) is not None:
                log.warning("original recording not removed", extra={"path": path, "reason": reason})
    return CompressionReport(compressed, saved, tuple(refused))
