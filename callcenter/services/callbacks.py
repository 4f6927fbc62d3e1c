"""Scheduled callbacks: an agent's own list, everyone's for supervisors; cancel and another time.

Agents see and change the callbacks they promised or are preferred for (:class:`NotYourCallback`
otherwise); supervisors and admins all of them. A callback being made right now cannot change
(the scheduler's refusal). Every change is audited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.callbacks import CallbackScheduler
from callcenter.services.audit import Actor, Now, record
from callcenter.services.errors import NotYourCallback
from crm_core.callbacks import CallbackSummary, parse_due_at

T = TypeVar("T")


class CallbackDesk:
    def __init__(self, db: sessionmaker[Session], scheduler: CallbackScheduler, now: Now) -> None:
        self._db, self._scheduler, self._now = db, scheduler, now

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._db() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def _audit(self, actor: Actor, action: str, target: str, details: dict[str, str]) -> None:
        def write() -> None:
            with self._db.begin() as session:
                record(session, self._now, actor, action, target, details)

        await asyncio.to_thread(write)

    async def listing(
        self, actor: Actor, open_only: bool, limit: int
    ) -> list[tuple[CallbackSummary, str | None]]:
        """Open ones soonest first, or all newest first; with the customer's name."""
        agent = None if actor.sees_everything else (actor.agent_id or "")
        book = self._scheduler.book
        return await self._read(lambda s: book.listing(s, agent=agent, open_only=open_only, limit=limit))

    async def _allowed(self, actor: Actor, callback_id: int) -> None:
        """An agent may change only their own (NotFound when there is no such callback)."""
        row = await self._read(lambda s: self._scheduler.book.get(s, callback_id))
        if not actor.sees_everything and actor.agent_id not in (row.requested_by, row.preferred_agent):
            raise NotYourCallback(callback_id=callback_id)

    async def cancel(self, actor: Actor, callback_id: int) -> CallbackSummary:
        await self._allowed(actor, callback_id)
        row = await self._scheduler.cancel(callback_id)
        await self._audit(actor, "callback.cancel", f"callback:{callback_id}", {"number": row.number})
        return row

    async def reschedule(self, actor: Actor, callback_id: int, at: str) -> CallbackSummary:
        """Another time: ``at`` is ISO 8601 with a UTC offset."""
        due_at: datetime = parse_due_at(at)
        await self._allowed(actor, callback_id)
        row = await self._scheduler.reschedule(callback_id, due_at)
        details = {"due_at": row.due_at.isoformat()}
        await self._audit(actor, "callback.reschedule", f"callback:{callback_id}", details)
        return row
