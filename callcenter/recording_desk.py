"""Recordings for the desktop: who may list, play and download which, legal hold, retention runs.

Agents reach recordings of calls they were on (``recorder.agents_hear_own``; off: none),
supervisors and admins every one. Each playback and download, each legal-hold change and each
retention deletion writes an audit row (``crm_core.audit``) in the same transaction as its effect.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from callcenter.errors import CallCenterError
from callcenter.settings_recorder import RecorderSettings
from crm_core.audit import AuditLog
from recorder.recordings import RecordingFilter, RecordingIndex, RecordingView
from recorder.recordings_compress import compress_verified
from recorder.retention import DAY_S, RetentionPolicy, run_retention

log = logging.getLogger(__name__)
SYSTEM = "system"
PLAY_WINDOW_S = 600.0


class RecordingError(CallCenterError):
    code = "recording.error"


class RecordingNotFound(RecordingError):
    code = "recording.not_found"


class NotYourRecording(RecordingError):
    code = "recording.not_yours"


class RecordingGone(RecordingError):
    """The row is there but its file is not (deleted by retention, missing, or not visible)."""

    code = "recording.file_unavailable"

    def __init__(self, state: str, reason: str) -> None:
        super().__init__(f"{state}: {reason}")
        self.state = state
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RetentionRun:
    deleted: int
    held: int
    failed: tuple[int, ...]  # recording ids whose file could not be removed (logged with the reason)
    compressed: int


@dataclass(frozen=True, slots=True)
class Viewer:
    username: str
    role: str  # agent | supervisor | admin
    agent_id: str | None


class RecordingDesk:
    def __init__(
        self,
        index: RecordingIndex,
        sessions: sessionmaker[Session],
        settings: RecorderSettings,
        clock: Callable[[], float],
    ) -> None:
        self._index = index
        self._sessions = sessions
        self.settings = settings
        self.clock = clock  # the wall clock; a test steps it to expire recordings
        self._plays: dict[tuple[str, int], float] = {}
        self.policy = RetentionPolicy(settings.retention_days, dict(settings.retention_by_queue))

    def _now(self) -> float:
        return self.clock()

    def _scope(self, viewer: Viewer) -> str | None:
        """The agent whose recordings this viewer may see; None: all."""
        if viewer.role in ("supervisor", "admin"):
            return None
        if viewer.role == "agent" and self.settings.agents_hear_own and viewer.agent_id:
            return viewer.agent_id
        raise NotYourRecording()

    async def list(self, viewer: Viewer, where: RecordingFilter) -> list[RecordingView]:
        scope = self._scope(viewer)
        if scope is not None:
            if where.agent_id not in (None, scope):
                raise NotYourRecording()
            where = RecordingFilter(
                scope, where.queue, where.customer_id, where.since, where.until, where.limit
            )
        return await asyncio.to_thread(self._index.list, where)

    async def get(self, viewer: Viewer, recording_id: int) -> RecordingView:
        found = await asyncio.to_thread(self._index.get, recording_id)
        if found is None:
            raise RecordingNotFound()
        scope = self._scope(viewer)
        if scope is not None and scope not in found.agents:
            raise NotYourRecording()
        return found

    async def playable(self, viewer: Viewer, recording_id: int) -> RecordingView:
        """A recording this viewer may play whose file should be there (not deleted, not missing)."""
        found = await self.get(viewer, recording_id)
        if found.state in ("deleted", "missing"):
            raise RecordingGone(found.state, found.missing_reason or found.state)
        return found

    async def audit_access(self, viewer: Viewer, found: RecordingView, download: bool) -> None:
        """``recording.downloaded`` every time; ``recording.played`` once per viewer and recording in
        ``PLAY_WINDOW_S``: a player's range requests (loading, seeking) are one playback."""
        now = self._now()
        if not download:
            key = (viewer.username, found.id)
            if now - self._plays.get(key, float("-inf")) < PLAY_WINDOW_S:
                return
            self._plays[key] = now
            if len(self._plays) > 10_000:
                self._plays = {k: t for k, t in self._plays.items() if now - t < PLAY_WINDOW_S}
        action = "recording.downloaded" if download else "recording.played"
        await asyncio.to_thread(self._audit, viewer, action, found, {"uniqueid": found.uniqueid})

    def _audit(self, viewer: Viewer, action: str, found: RecordingView, details: dict[str, str]) -> None:
        with self._sessions.begin() as session:
            AuditLog().record(
                session, self._now(), viewer.username, viewer.role, action, f"recording:{found.id}", details
            )

    async def set_hold(self, viewer: Viewer, recording_id: int, hold: bool) -> RecordingView:
        if viewer.role not in ("supervisor", "admin"):
            raise NotYourRecording()
        changed = await asyncio.to_thread(self._index.set_hold, recording_id, hold)
        if changed is None:
            raise RecordingNotFound()
        action = "recording.hold_set" if hold else "recording.hold_cleared"
        await asyncio.to_thread(self._audit, viewer, action, changed, {"uniqueid": changed.uniqueid})
        return changed

    async def run_retention(self, viewer: Viewer | None = None) -> RetentionRun:
        """One retention pass now, then compression when configured (the daily job passes no viewer;
        an admin's run is audited)."""
        now = self._now()
        report = await asyncio.to_thread(run_retention, self._sessions, self.policy, now, self._deleted)
        compressed = await self.compress(now)
        for recording_id, reason in report.failed:
            log.warning(
                "retention could not delete a recording", extra={"recording": recording_id, "reason": reason}
            )
        log.info("retention pass", extra={"deleted": report.deleted, "held": report.held})
        if viewer is not None:
            counts = {"deleted": report.deleted, "held": report.held, "failed": len(report.failed)}
            details = {k: str(v) for k, v in counts.items()}
            await asyncio.to_thread(self._audit_run, viewer, now, details)
        return RetentionRun(report.deleted, report.held, tuple(i for i, _ in report.failed), compressed)

    def _audit_run(self, viewer: Viewer, now: float, details: dict[str, str]) -> None:
        with self._sessions.begin() as session:
            AuditLog().record(
                session, now, viewer.username, viewer.role, "recording.retention_run", "recordings", details
            )

    async def compress(self, now: float) -> int:
        """Compress what ``compress_after_days`` says (none when unset); how many were."""
        days = self.settings.compress_after_days
        if days is None:
            return 0
        before = now - days * DAY_S
        report = await asyncio.to_thread(compress_verified, self._sessions, before, now, self._compressed)
        log.info(
            "compression pass", extra={"compressed": report.compressed, "saved_bytes": report.saved_bytes}
        )
        return report.compressed

    @staticmethod
    def _compressed(
        session: Session, recording_id: int, uniqueid: str, original_sha256: str, now: float
    ) -> None:
        details = {"uniqueid": uniqueid, "original_sha256": original_sha256}
        AuditLog().record(
            session, now, SYSTEM, SYSTEM, "recording.compressed", f"recording:{recording_id}", details
        )

    @staticmethod
    def _deleted(session: Session, recording_id: int, uniqueid: str, now: float) -> None:
        AuditLog().record(
            session,
            now,
            SYSTEM,
            SYSTEM,
            "recording.deleted",
            f"recording:{recording_id}",
            {"uniqueid": uniqueid},
        )

    async def retention_forever(self, first_after_s: float = 60.0) -> None:
        """A pass soon after start (an engine restarted more often than the period still expires
        recordings), then one every ``retention_every_h``."""
        await asyncio.sleep(first_after_s)
        while True:
            try:
                await self.run_retention()
            except Exception:
                log.exception("retention pass failed")
            await asyncio.sleep(self.settings.retention_every_h * 3600)
