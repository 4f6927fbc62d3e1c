"""Retention: recordings older than their queue's days lose their file and become ``deleted``.

A row under legal hold is never touched; one whose file cannot be removed stays as it was (the
reason is reported, and the next pass tries again). Each deletion is reported to ``on_deleted``
(the engine writes the audit row in the same transaction as the state change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_core.models_recordings import Recording
from recorder.files import remove_file

DAY_S = 86_400.0
BATCH = 500


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    default_days: int
    by_queue: Mapping[str, int] = field(default_factory=dict)

    def days(self, queue: str | None) -> int:
        return self.by_queue.get(queue or "", self.default_days)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    deleted: int
    held: int
    failed: tuple[tuple[int, str], ...]  # (recording id, reason)


OnDeleted = Callable[[Session, int, str, float], None]  # session, id, uniqueid, now


def run_retention(
    sessions: sessionmaker[Session],
    policy: RetentionPolicy,
    now: float,
    on_deleted: OnDeleted,
    remove: Callable[[Path], str | None] = remove_file,
) -> RetentionReport:
    deleted = held = 0
    failed: list[tuple[int, str]] = []
    oldest_cutoff = now - DAY_S * min([policy.default_days, *policy.by_queue.values()])
    after_id = 0
    while True:
        with sessions.begin() as session:
            rows = list(
                session.scalars(
                    select(Recording)
                    .where(
                        Recording.state.in_(("complete", "missing")),
                        Recording.started_at < datetime.fromtimestamp(oldest_cutoff, tz=UTC),
                        Recording.id > after_id,
                    )
                    .order_by(Recording.id)
                    .limit(BATCH)
                )
            )
            for row in rows:
                if row.started_at.timestamp() >= now - DAY_S * policy.days(row.queue):
                    continue
                if row.legal_hold:
                    held += 1
                    continue
                reason = remove(Path(row.path))
                if reason is not None:
                    failed.append((row.id, reason))
                    continue
                row.state, row.deleted_at = "deleted", datetime.fromtimestamp(now, tz=UTC)
                on_deleted(session, row.id, row.uniqueid, now)
                deleted += 1
        if len(rows) < BATCH:
            return RetentionReport(deleted, held, tuple(failed))
        after_id = rows[-1].id
