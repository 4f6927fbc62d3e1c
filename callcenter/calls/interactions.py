"""Writes ended calls to the CRM timeline (in a worker thread: the event loop must stay free)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.endings import EndedCall
from callcenter.db_retry import in_transaction
from crm_core.interactions import Channel, Direction, InteractionLog, InteractionRecord


def _at(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


class CrmInteractionWriter:
    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._log = InteractionLog(default_region=default_region)

    async def __call__(self, call: EndedCall) -> None:
        await asyncio.to_thread(self._write, call)

    def _write(self, call: EndedCall) -> None:
        record = interaction_record(call)
        # Another writer at the same moment (SQLite "database is locked") must not lose the record.
        in_transaction(self._sessions, lambda session: self._log.record(session, record))


def interaction_record(call: EndedCall) -> InteractionRecord:
    return InteractionRecord(
        external_ref=call.uniqueid,
        channel=Channel.CALL.value,
        direction=Direction(call.direction).value,
        started_at=datetime.fromtimestamp(call.started_at, tz=UTC),
        queue=call.queue,
        agent_id=call.agent_id,
        caller_number=call.caller_number,
        answered_at=_at(call.answered_at),
        ended_at=_at(call.ended_at),
        outcome=call.outcome,
        notes=f"IVR digits: {''.join(call.ivr_digits)}" if call.ivr_digits else None,
        recording_path=call.recording_path,
    )
