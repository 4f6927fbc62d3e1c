"""Wrap-up: the disposition (two levels, required where the queue says so), notes and a ticket
opened or updated for the customer, linked to the agent's interaction, all in one transaction;
then a callback scheduled (the engine calls the customer back when it is due) and the agent leaves
wrap-up.

An agent wraps up only their own interactions (:class:`NotYourInteraction`). A callback's ``at`` is
ISO 8601 with the UTC offset of the agent's time zone; ``number`` None means the caller's number.
It goes to the call's queue (or the first configured queue for a call without one), to the customer
of the interaction, preferably to the same agent; it is checked before anything is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError
from callcenter.calls.callbacks import CallbackScheduler
from callcenter.contact_center import ContactCenter
from callcenter.services.audit import Now, NowClock
from callcenter.services.errors import BadDisposition, DispositionRequired, NotYourInteraction
from crm_core.callbacks import CallbackBook, CallbackRequest, parse_due_at
from crm_core.errors import MissingField
from crm_core.interactions import InteractionLog
from crm_core.models import Interaction
from crm_core.tickets import TicketDraft, TicketService

# The wrap-up dispositions offered to agents: code → sub-codes (a two-level list).
DEFAULT_DISPOSITIONS: dict[str, tuple[str, ...]] = {
    "resolved": ("information_given", "order_placed", "problem_fixed"),
    "follow_up": ("callback_promised", "ticket_opened", "escalated"),
    "not_resolved": ("customer_hung_up", "wrong_queue", "technical_issue"),
    "sales": ("sold", "quote_sent", "not_interested"),
}


@dataclass(frozen=True, slots=True)
class TicketChange:
    """``id`` None opens a ticket; otherwise the ticket is moved to ``status`` and linked."""

    id: int | None = None
    subject: str = ""
    type: str = "service_request"
    status: str = "open"


@dataclass(frozen=True, slots=True)
class CallbackAsk:
    at: str
    number: str | None = None


@dataclass(frozen=True, slots=True)
class WrapUpRequest:
    agent_id: str
    uniqueid: str
    disposition: str | None = None
    sub_disposition: str | None = None
    notes: str | None = None
    ticket: TicketChange | None = None
    callback: CallbackAsk | None = None


@dataclass(frozen=True, slots=True)
class WrapUpDone:
    ticket_id: int | None
    callback_id: int | None
    left_wrap_up: bool  # False: the queue's wrap-up time had already ended by itself


@dataclass(frozen=True, slots=True)
class _Interaction:
    id: int
    customer_id: int | None
    queue: str | None
    caller_number: str | None


@dataclass(frozen=True, slots=True)
class QueueRules:
    """What the queues decide for wrap-up and callbacks."""

    known: Collection[str]  # the queues that exist now (a live set)
    configured: Sequence[str]  # the settings file's queues, in order
    outbound: str  # click-to-dial's queue: never a callback's
    disposition_required: Mapping[str, bool]

    def callback_queue(self, queue: str | None) -> str:
        known = set(self.known or self.configured) - {self.outbound}
        if queue in known:
            return str(queue)
        configured = [q for q in self.configured if q in known]
        return (configured or sorted(known) or ["general"])[0]


class WrapUps:
    def __init__(
        self,
        db: sessionmaker[Session],
        cc: ContactCenter,
        callbacks: CallbackScheduler,
        now: Now,
        dispositions: Mapping[str, tuple[str, ...]],
        rules: QueueRules,
    ) -> None:
        self._db, self._cc, self._callbacks, self._now = db, cc, callbacks, now
        self.dispositions, self._rules = dispositions, rules
        self._tickets = TicketService(NowClock(now))
        self._interactions = InteractionLog(cc.default_region)

    async def wrap_up(self, request: WrapUpRequest) -> WrapUpDone:
        """Store the disposition (``code/sub-code``), notes and ticket, schedule the callback, then
        leave wrap-up."""
        ref = self._cc.interaction_ref(request.uniqueid, request.agent_id)
        ticket_id, callback = await asyncio.to_thread(self._store, request, ref)
        callback_id = None if callback is None else (await self._callbacks.schedule(callback)).id
        try:
            await self._cc.end_wrap_up(request.agent_id)
        except AcdError:
            return WrapUpDone(ticket_id, callback_id, left_wrap_up=False)
        return WrapUpDone(ticket_id, callback_id, left_wrap_up=True)

    def _store(self, request: WrapUpRequest, ref: str) -> tuple[int | None, CallbackRequest | None]:
        with self._db.begin() as session:
            interaction = self._interaction(session, ref, request.agent_id)
            code = self._disposition(request, interaction)
            callback = None
            if request.callback is not None:  # checked before anything is stored
                callback = self._checked_callback(request.callback, interaction, ref, request.agent_id)
            ticket_id = None
            if request.ticket is not None and interaction is not None:
                ticket_id = self._save_ticket(session, request.ticket, interaction)
            if code is not None:
                self._interactions.set_wrap_up(session, ref, code, request.notes or None)
            return ticket_id, callback

    @staticmethod
    def _interaction(session: Session, ref: str, agent_id: str) -> _Interaction | None:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == ref)).one_or_none()
        if row is None:
            return None
        if row.agent_id != agent_id:
            raise NotYourInteraction()
        return _Interaction(row.id, row.customer_id, row.queue, row.caller_number)

    def _disposition(self, request: WrapUpRequest, interaction: _Interaction | None) -> str | None:
        queue = interaction.queue if interaction else None
        if request.disposition is None:
            if self._rules.disposition_required.get(queue or "", False):
                raise DispositionRequired()
            return None
        subs = self.dispositions.get(request.disposition)
        if subs is None or (request.sub_disposition is not None and request.sub_disposition not in subs):
            raise BadDisposition()
        return request.disposition + (f"/{request.sub_disposition}" if request.sub_disposition else "")

    def _checked_callback(
        self, ask: CallbackAsk, interaction: _Interaction | None, ref: str, agent_id: str
    ) -> CallbackRequest:
        """The request for interaction ``ref``, validated (a future time, a callable number in E.164)."""
        number = (ask.number or "").strip() or (interaction.caller_number if interaction else None)
        if not number:
            raise MissingField(field="number")
        request = CallbackRequest(
            number=number,
            due_at=parse_due_at(ask.at),
            queue=self._rules.callback_queue(interaction.queue if interaction else None),
            customer_id=interaction.customer_id if interaction else None,
            requested_by=agent_id,
            preferred_agent=agent_id,
            interaction_ref=ref,
        )
        return CallbackBook(NowClock(self._now), self._cc.default_region).check(request)

    def _save_ticket(self, session: Session, change: TicketChange, interaction: _Interaction) -> int:
        tickets = self._tickets
        if change.id is None:
            draft = TicketDraft(
                change.type, change.subject.strip(), interaction.customer_id, interaction_id=interaction.id
            )
            return tickets.open(session, draft).id
        current = tickets.get(session, change.id)
        if current.status != change.status:
            tickets.transition(session, change.id, change.status)
        if interaction.id not in tickets.interaction_ids(session, change.id):
            tickets.link_interaction(session, change.id, interaction.id)
        return change.id
