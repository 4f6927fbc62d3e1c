"""Fax conversations: a received fax (or one that failed on the line) opens a ``fax`` work item in
the fax queue; the customer is the CRM's owner of the calling number, else of the number the
remote station id spells (a fax machine's id is usually its own number)."""

from __future__ import annotations

from acd.model import Channel
from callcenter.conversations.agents import AgentSide
from callcenter.conversations.api import ConversationStatus, ConversationView, Sender
from callcenter.conversations.core import new_id
from callcenter.conversations.customers import Identity
from callcenter.conversations.errors import BadInput
from callcenter.conversations.store import view_of
from crm_core import conversations as db
from crm_core.lookup import KnownCaller

S = ConversationStatus
FAX_RECEIVED = "conversation.system.fax_received"
FAX_FAILED = "conversation.system.fax_failed"


class FaxSide(AgentSide):
    async def open_fax(
        self, fax_ref: str, number: str, station_id: str, queue: str, failed: bool = False
    ) -> ConversationView:
        """``fax_ref`` is the fax record's key (``fax:<id>``): handing the same fax over twice
        opens one conversation."""
        if queue not in self.queues():
            raise BadInput("conversation.unknown_queue", queue=queue[:40])
        identity = await self._fax_sender(number, station_id)
        now = self.clock()
        conversation_id = new_id("c")
        pop = identity.pop
        known = pop.matches[0].profile.display_name if isinstance(pop, KnownCaller) else None
        name = (known or station_id or number or "-")[:200]
        first = db.NewMessage(
            new_id("m"), Sender.SYSTEM.value, "system", FAX_FAILED if failed else FAX_RECEIVED, now, fax_ref
        )
        record = await self.store.create(
            first, id=conversation_id, channel=Channel.FAX.value, status=S.WAITING.value, queue=queue,
            skills=(), language="en", customer_id=identity.customer_id, customer_name=name,
            customer_address=number[:254] or None, tier=identity.tier.value, subject=station_id[:200],
            address=None, opened_at=now, queued_at=now, interaction_ref=fax_ref,
        )  # fmt: skip
        await self.route(record, Channel.FAX, identity.pop, identity.tier)
        return view_of(await self.store.get(conversation_id))

    async def _fax_sender(self, number: str, station_id: str) -> Identity:
        identity = await self.customers.by_contact(None, number or None)
        digits = "".join(c for c in station_id if c.isdigit() or c == "+")
        if identity.customer_id is None and len(digits) >= 5:
            identity = await self.customers.by_contact(None, digits)
        return identity
