"""Who is calling: the CRM lookup the call service uses to route by customer value."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from acd.model import ValueTier
from crm_core.lookup import KnownCaller, ScreenPop


class CrmTierLookup:
    """Caller number (any format) → (customer id, value tier); unknown callers are normal.

    A number shared by several customers routes with the highest tier among them (the
    CRM lists VIPs first); the agent's screen pop shows all of them.
    """

    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._pop = ScreenPop(default_region=default_region, interactions=0, notes=0)

    async def __call__(self, number: str) -> tuple[str | None, ValueTier]:
        return await asyncio.to_thread(self._lookup, number)

    def _lookup(self, number: str) -> tuple[str | None, ValueTier]:
        with self._sessions() as session:
            result = self._pop.by_number(session, number)
        if not isinstance(result, KnownCaller) or not result.matches:
            return None, ValueTier.NORMAL
        profile = result.matches[0].profile
        return str(profile.id), ValueTier(profile.tier)
