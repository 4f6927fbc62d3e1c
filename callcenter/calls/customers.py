"""Who is calling: the CRM lookup done once per call, for routing (value tier) and the screen pop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from acd.model import ValueTier
from crm_core.lookup import KnownCaller, LookupResult, ScreenPop


@dataclass(frozen=True, slots=True)
class CallerInfo:
    customer_id: str | None
    tier: ValueTier
    pop: LookupResult | None  # None when the CRM could not be asked

    @staticmethod
    def unknown() -> CallerInfo:
        return CallerInfo(None, ValueTier.NORMAL, None)


class CrmCallerLookup:
    """Caller number (any format) → the 360° view, customer id and value tier.

    A number shared by several customers routes with the highest tier among them (the CRM
    lists VIPs first); the agent's screen pop shows all of them.
    """

    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._pop = ScreenPop(default_region=default_region)

    async def __call__(self, number: str) -> CallerInfo:
        return await asyncio.to_thread(self._lookup, number)

    def _lookup(self, number: str) -> CallerInfo:
        with self._sessions() as session:
            result = self._pop.by_number(session, number)
        if not isinstance(result, KnownCaller) or not result.matches:
            return CallerInfo(None, ValueTier.NORMAL, result)
        profile = result.matches[0].profile
        return CallerInfo(str(profile.id), ValueTier(profile.tier), result)
