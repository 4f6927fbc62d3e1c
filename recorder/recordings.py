"""The recordings index: a row per MixMonitor file, from its start to its check, hold and deletion.

Each method is one transaction over the CRM database (``crm_core.models_recordings``), taking plain
values (times are epoch seconds). Starting twice for one ``uniqueid`` (a second agent after a
transfer starts MixMonitor again on the same caller channel) adds the agent to the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crm_core.models_recordings import Recording, RecordingAgent, RecordingPause
from recorder.files import FileCheck


@dataclass(frozen=True, slots=True)
class Pause:
    start_s: float
    end_s: float | None


@dataclass(frozen=True, slots=True)
class RecordingView:
    id: int
    uniqueid: str
    queue: str | None
    agents: tuple[str, ...]
    customer_id: int | None
    caller_number: str | None
    started_at: float
    ended_at: float | None
    duration_s: float | None
    size: int | None
    sha256: str | None
    state: str
    missing_reason: str | None
    legal_hold: bool
    path: str
    pauses: tuple[Pause, ...] = ()
    compressed: bool = False


@dataclass(frozen=True, slots=True)
class RecordingFilter:
    agent_id: str | None = None
    queue: str | None = None
    customer_id: int | None = None
    since: float | None = None
    until: float | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class NewRecording:
    uniqueid: str
    channel: str
    asterisk_path: str
    path: Path
    started_at: float
    queue: str | None
    agent_id: str | None
    customer_id: int | None
    caller_number: str | None


def _when(at: float) -> datetime:
    return datetime.fromtimestamp(at, tz=UTC)


class RecordingIndex:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(self, new: NewRecording) -> int:
        with self._sessions.begin() as session:
            row = session.scalar(select(Recording).where(Recording.uniqueid == new.uniqueid))
            created = row is None
            if row is None:
                row = Recording(
                    uniqueid=new.uniqueid,
                    channel=new.channel,
                    queue=new.queue,
                    customer_id=new.customer_id,
                    caller_number=new.caller_number,
                    asterisk_path=new.asterisk_path,
                    path=str(new.path),
                    started_at=_when(new.started_at),
                    state="recording",
                    legal_hold=False,
                )
                session.add(row)
                session.flush()
            if new.agent_id and (created or session.get(RecordingAgent, (row.id, new.agent_id)) is None):
                session.add(RecordingAgent(recording_id=row.id, agent_id=new.agent_id))
            return row.id

    def pause(self, uniqueid: str, paused: bool, at: float) -> bool:
        """A paused segment opens (``paused``) or closes; False when no recording is running."""
        with self._sessions.begin() as session:
            row = session.scalar(select(Recording).where(Recording.uniqueid == uniqueid))
            if row is None or row.state != "recording":
                return False
            offset = max(0.0, at - row.started_at.timestamp())
            last = session.scalar(
                select(RecordingPause)
                .where(RecordingPause.recording_id == row.id)
                .order_by(RecordingPause.seq.desc())
                .limit(1)
            )
            if paused and (last is None or last.end_s is not None):
                seq = 1 if last is None else last.seq + 1
                session.add(RecordingPause(recording_id=row.id, seq=seq, start_s=offset, end_s=None))
            elif not paused and last is not None and last.end_s is None:
                last.end_s = offset
            return True

    def finish(self, uniqueid: str, at: float, check: FileCheck) -> str | None:
        """The call ended: the file's check decides ``complete`` or ``missing`` (returned; None: no
        recording running); an open pause closes."""
        with self._sessions.begin() as session:
            row = session.scalar(select(Recording).where(Recording.uniqueid == uniqueid))
            if row is None or row.state != "recording":
                return None
            row.ended_at = _when(at)
            row.duration_s = max(0.0, at - row.started_at.timestamp())
            row.size, row.sha256 = check.size, check.sha256
            row.state = "complete" if check.ok else "missing"
            row.missing_reason = check.reason
            open_pauses = select(RecordingPause).where(
                RecordingPause.recording_id == row.id, RecordingPause.end_s.is_(None)
            )
            for pause in session.scalars(open_pauses):
                pause.end_s = row.duration_s
            return row.state

    def stale(self, before: float, limit: int = 500) -> list[tuple[str, str, float]]:
        """(uniqueid, path, started_at) of recordings still ``recording`` that started before ``before``:
        calls whose end the engine never saw (it was down when they ended)."""
        query = (
            select(Recording.uniqueid, Recording.path, Recording.started_at)
            .where(Recording.state == "recording", Recording.started_at < _when(before))
            .order_by(Recording.id)
            .limit(limit)
        )
        with self._sessions() as session:
            return [(u, p, s.timestamp()) for u, p, s in session.execute(query).tuples()]

    def get(self, recording_id: int) -> RecordingView | None:
        with self._sessions() as session:
            row = session.get(Recording, recording_id)
            return None if row is None else _view(session, row)

    def by_uniqueid(self, uniqueid: str) -> RecordingView | None:
        with self._sessions() as session:
            row = session.scalar(select(Recording).where(Recording.uniqueid == uniqueid))
            return None if row is None else _view(session, row)

    def list(self, where: RecordingFilter) -> list[RecordingView]:
        query = select(Recording).order_by(Recording.started_at.desc(), Recording.id.desc())
        if where.agent_id is not None:
            query = query.join(RecordingAgent, RecordingAgent.recording_id == Recording.id).where(
                RecordingAgent.agent_id == where.agent_id
            )
        if where.queue is not None:
            query = query.where(Recording.queue == where.queue)
        if where.customer_id is not None:
            query = query.where(Recording.customer_id == where.customer_id)
        if where.since is not None:
            query = query.where(Recording.started_at >= _when(where.since))
        if where.until is not None:
            query = query.where(Recording.started_at < _when(where.until))
        with self._sessions() as session:
            rows = list(session.scalars(query.limit(max(1, min(where.limit, 500)))))
            ids = [r.id for r in rows]
            agents, pauses = _agents(session, ids), _pauses(session, ids)
            return [_view(session, r, agents.get(r.id, ()), pauses.get(r.id, ())) for r in rows]

    def set_hold(self, recording_id: int, hold: bool) -> RecordingView | None:
        with self._sessions.begin() as session:
            row = session.get(Recording, recording_id)
            if row is None:
                return None
            row.legal_hold = hold
            session.flush()
            return _view(session, row)

    def count(self) -> int:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(Recording)) or 0


def _agents(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    if ids:
        query = select(RecordingAgent).where(RecordingAgent.recording_id.in_(ids))
        for link in session.scalars(query.order_by(RecordingAgent.agent_id)):
            found.setdefault(link.recording_id, []).append(link.agent_id)
    return {k: tuple(v) for k, v in found.items()}


def _pauses(session: Session, ids: list[int]) -> dict[int, tuple[Pause, ...]]:
    found: dict[int, list[Pause]] = {}
    if ids:
        query = select(RecordingPause).where(RecordingPause.recording_id.in_(ids))
        for p in session.scalars(query.order_by(RecordingPause.recording_id, RecordingPause.seq)):
            found.setdefault(p.recording_id, []).append(Pause(p.start_s, p.end_s))
    return {k: tuple(v) for k, v in found.items()}


def _view(
    session: Session,
    row: Recording,
    agents: tuple[str, ...] | None = None,
    pauses: tuple[Pause, ...] | None = None,
) -> RecordingView:
    if agents is None:
        agents = _agents(session, [row.id]).get(row.id, ())
    if pauses is None:
        pauses = _pauses(session, [row.id]).get(row.id, ())
    return RecordingView(
        id=row.id,
        uniqueid=row.uniqueid,
        queue=row.queue,
        agents=agents,
        customer_id=row.customer_id,
        caller_number=row.caller_number,
        started_at=row.started_at.timestamp(),
        ended_at=row.ended_at.timestamp() if row.ended_at else None,
        duration_s=row.duration_s,
        size=row.size,
        sha256=row.sha256,
        state=row.state,
        missing_reason=row.missing_reason,
        legal_hold=row.legal_hold,
        path=row.path,
        pauses=pauses,
        compressed=row.compressed_at is not None,
    )
