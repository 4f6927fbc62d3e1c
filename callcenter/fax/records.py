"""The fax records from the engine's event loop: each call runs in a worker thread, in a transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from callcenter.db_retry import in_transaction
from crm_core import faxes
from crm_core.faxes import FaxView
from crm_core.interactions import InteractionLog
from crm_core.models import Customer

T = TypeVar("T")


class FaxRecords:
    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._interactions = InteractionLog(default_region=default_region)

    async def _run(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(in_transaction, self._sessions, work)

    async def customer_exists(self, customer_id: int) -> bool:
        return await self._run(lambda s: s.get(Customer, customer_id) is not None)

    async def add(self, **fields: object) -> FaxView:
        return await self._run(lambda s: faxes.add(s, **fields))

    async def get(self, fax_id: int) -> FaxView:
        return await self._run(lambda s: faxes.get(s, fax_id))

    async def update(self, fax_id: int, **fields: object) -> FaxView:
        return await self._run(lambda s: faxes.update(s, fax_id, **fields))

    async def by_conversation(self, conversation_id: str) -> FaxView | None:
        return await self._run(lambda s: faxes.by_conversation(s, conversation_id))

    async def recent(self, agent_id: str | None = None, limit: int = 50) -> list[FaxView]:
        return await self._run(lambda s: faxes.recent(s, agent_id, limit))

    async def unfinished(self) -> list[FaxView]:
        return await self._run(faxes.unfinished)

    async def finish(self, fax_id: int, **fields: object) -> FaxView:
        """Set ``fields`` (a fax's final state or its links) and write the fax's interaction, so the
        customer's history shows it."""

        def work(session: Session) -> FaxView:
            fax = faxes.update(session, fax_id, **fields)
            faxes.record_interaction(session, self._interactions, fax)
            return fax

        return await self._run(work)
