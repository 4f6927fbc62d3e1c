"""The voicemail rows (``crm_core.models_voicemail``), written and read in worker threads, and the
audit rows of who played a message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callcenter.db_retry import in_transaction
from crm_core.audit import AuditLog
from crm_core.models_voicemail import VoicemailRecord

T = TypeVar("T")
TRANSCRIPT_MAX = 20_000


@dataclass(frozen=True, slots=True)
class NewVoicemail:
    uniqueid: str
    caller_number: str
    caller_name: str
    mailbox: str
    queue: str
    file_path: str
    duration_s: float
    size_bytes: int
    state: str = "new"


@dataclass(frozen=True, slots=True)
class VoicemailView:
    id: int
    caller_number: str
    caller_name: str
    customer_id: int | None
    queue: str
    file_path: str
    duration_s: float
    size_bytes: int
    state: str
    transcript: str | None
    conversation_id: str | None
    created_at: datetime


def _view(r: VoicemailRecord) -> VoicemailView:
    return VoicemailView(
        r.id, r.caller_number, r.caller_name, r.customer_id, r.queue, r.file_path, r.duration_s,
        r.size_bytes, r.state, r.transcript, r.conversation_id, r.created_at,
    )  # fmt: skip


class VoicemailStore:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], float]) -> None:
        self._sessions = sessions
        self._clock = clock
        self._audit = AuditLog()

    async def _write(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(in_transaction, self._sessions, work)

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def add(self, message: NewVoicemail) -> int:
        def work(session: Session) -> int:
            row = VoicemailRecord(
                uniqueid=message.uniqueid[:64], caller_number=message.caller_number[:64],
                caller_name=message.caller_name[:200], customer_id=None, mailbox=message.mailbox[:64],
                queue=message.queue[:64], file_path=message.file_path[:500], duration_s=message.duration_s,
                size_bytes=message.size_bytes, state=message.state, transcript=None, conversation_id=None,
                created_at=datetime.fromtimestamp(self._clock(), tz=UTC),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

        return await self._write(work)

    async def opened(self, voicemail_id: int, conversation_id: str, customer_id: int | None) -> None:
        await self._set(voicemail_id, conversation_id=conversation_id, customer_id=customer_id)

    async def set_transcript(self, voicemail_id: int, text: str) -> None:
        await self._set(voicemail_id, transcript=text[:TRANSCRIPT_MAX])

    async def done(self, conversation_id: str) -> None:
        def work(session: Session) -> None:
            session.execute(
                update(VoicemailRecord)
                .where(VoicemailRecord.conversation_id == conversation_id, VoicemailRecord.state == "new")
                .values(state="done")
            )

        await self._write(work)

    async def _set(self, voicemail_id: int, **values: object) -> None:
        def work(session: Session) -> None:
            session.execute(
                update(VoicemailRecord).where(VoicemailRecord.id == voicemail_id).values(**values)
            )

        await self._write(work)

    async def of_conversation(self, conversation_id: str) -> VoicemailView | None:
        def work(session: Session) -> VoicemailView | None:
            query = select(VoicemailRecord).where(VoicemailRecord.conversation_id == conversation_id)
            row = session.scalars(query.limit(1)).first()
            return _view(row) if row is not None else None

        return await self._read(work)

    async def unqueued(self, limit: int = 1000) -> list[VoicemailView]:
        """Messages recorded but never made a work item (the engine stopped in between)."""

        def work(session: Session) -> list[VoicemailView]:
            query = select(VoicemailRecord).where(
                VoicemailRecord.state == "new", VoicemailRecord.conversation_id.is_(None)
            )
            return [_view(r) for r in session.scalars(query.order_by(VoicemailRecord.id).limit(limit))]

        return await self._read(work)

    async def audit(
        self, actor: str, role: str, action: str, voicemail_id: int, details: dict[str, str]
    ) -> None:
        await self._write(
            lambda s: self._audit.record(
                s, self._clock(), actor, role, action, f"voicemail:{voicemail_id}", details
            )
        )
