"""Who is writing: the CRM lookup of a visitor or a sender (signed token, e-mail, phone), once per
conversation, for routing (value tier) and the agent's screen pop."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from acd.model import ValueTier
from crm_core.errors import CrmError
from crm_core.lookup import KnownCaller, LookupResult, ScreenPop

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Identity:
    customer_id: int | None
    tier: ValueTier
    pop: LookupResult | None  # None when nothing was given or the CRM could not be asked
    name: str | None = None  # the CRM's name for a customer known by token


UNKNOWN = Identity(None, ValueTier.NORMAL, None)


class CrmCustomers:
    def __init__(self, sessions: sessionmaker[Session], default_region: str) -> None:
        self._sessions = sessions
        self._pop = ScreenPop(default_region=default_region)

    async def by_id(self, customer_id: int) -> Identity | None:
        """A customer known by a signed token; None when the id is not (any more) in the CRM."""
        return await asyncio.to_thread(self._by_id, customer_id)

    async def by_contact(self, email: str | None, phone: str | None) -> Identity:
        """By e-mail first, then phone; a CRM outage routes as a normal, unknown customer."""
        try:
            return await asyncio.to_thread(self._by_contact, email, phone)
        except Exception:
            log.exception("customer lookup failed; routing as a normal customer")
            return UNKNOWN

    def _by_id(self, customer_id: int) -> Identity | None:
        with self._sessions() as session:
            try:
                view = self._pop.view(session, customer_id)
            except CrmError:
                return None
        pop = KnownCaller(str(customer_id), (view,), shared_number=False)
        return Identity(customer_id, _tier(view.profile.tier), pop, view.profile.display_name)

    def _by_contact(self, email: str | None, phone: str | None) -> Identity:
        with self._sessions() as session:
            result: LookupResult | None = None
            if email:
                result = self._pop.by_email(session, email)
            if phone and not isinstance(result, KnownCaller):
                by_phone = self._pop.by_number(session, phone)
                result = by_phone if isinstance(by_phone, KnownCaller) or result is None else result
        if not isinstance(result, KnownCaller) or not result.matches:
            return Identity(None, ValueTier.NORMAL, result)
        profile = result.matches[0].profile
        return Identity(profile.id, _tier(profile.tier), result)


def _tier(value: str) -> ValueTier:
    try:
        return ValueTier(value)
    except ValueError:
        return ValueTier.NORMAL
