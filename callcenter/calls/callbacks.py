"""Scheduled callbacks in the engine: due rows of the CRM become ACD callback work items.

``CallbackScheduler.run`` is a task: at start it puts back in the ACD every callback that was
``queued`` when the engine stopped (the ACD's in-memory state is gone, the database row is not),
then every ``poll_s`` it claims the rows whose time has come (``pending`` → ``queued``) and
enqueues each as a :attr:`acd.model.Channel.CALLBACK` item of its queue, for the customer, with the
agent who promised it preferred (``WorkItem.previous_agent_id``). Time comes from the clock port,
so tests move it by hand and call :meth:`CallbackScheduler.run_due`.

An IVR caller who asks to be called back keeps their place: their queued call item becomes a
callback item (``Router.convert_to_callback``) and a ``queued`` row records it (:meth:`from_ivr`).

:mod:`callcenter.calls.callback_delivery` rings the agent and the customer when the ACD offers an
item, then reports the attempt here: ``done``, or tried again ``retry_after_s`` later, at most
``max_attempts`` times (then ``failed``). A database outage never loses a queued customer: the ACD
item lives on without its row, and errors are logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError, DuplicateItem, IllegalItemState, UnknownAgent, UnknownItem, UnknownQueue
from acd.model import Channel, Customer, WorkItem
from acd.router import Router
from callcenter.calls.customers import CallerInfo
from callcenter.calls.queueing import CallerLookup
from callcenter.calls.registry import CallPhase, LiveCall
from callcenter.calls.service import CallService
from callcenter.contacts import lifecycle
from callcenter.db_retry import in_transaction
from callcenter.events import CallbackChanged
from crm_core import phones
from crm_core.callbacks import (
    IN_PROGRESS,
    INTERRUPTED,
    CallbackBook,
    CallbackInProgress,
    CallbackRequest,
    CallbackStatus,
    CallbackSummary,
)
from crm_core.clock import Clock
from crm_core.lookup import KnownCaller

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(slots=True)
class QueuedCallback:
    """A callback in the ACD now: what the delivery needs when it is offered."""

    item_id: str
    callback_id: int | None  # its row (None: not stored, the database was unavailable)
    number: str  # E.164
    queue: str
    info: CallerInfo

    @property
    def caller_name(self) -> str:
        pop = self.info.pop
        return pop.matches[0].profile.display_name if isinstance(pop, KnownCaller) and pop.matches else ""


class CallbackScheduler:
    def __init__(
        self,
        router: Router,
        sessions: sessionmaker[Session],
        book: CallbackBook,
        lookup: CallerLookup,
        clock: Clock,
        *,
        fallback_queue: str | None = None,
        poll_s: float = 1.0,
        retry_after_s: float = 600.0,
        max_attempts: int = 3,
        preferred_agent_wait_s: float = 300.0,
        publish: Callable[[object], None] = lambda _event: None,
    ) -> None:
        self._router = router
        self._sessions = sessions
        self.book = book
        self._lookup = lookup
        self._clock = clock
        self._fallback_queue = fallback_queue
        self.poll_s = poll_s
        self.retry_after_s = retry_after_s
        self.max_attempts = max_attempts
        self.preferred_agent_wait_s = preferred_agent_wait_s
        self._publish = publish
        self.queued: dict[str, QueuedCallback] = {}  # by ACD item id
        # Claiming a row and putting it in the ACD is one step for a cancel or a new time: without
        # it, a cancel between the two would find no item to take out, and the call would be made.
        self._moving = asyncio.Lock()

    # -- the task ----------------------------------------------------------------------------
    async def run(self) -> None:
        requeued = False
        while True:
            try:
                if not requeued:
                    await self.requeue_open()
                    requeued = True
                await self.run_due()
            except Exception:
                log.exception("callback scheduler pass failed; retrying on the next poll")
            await asyncio.sleep(self.poll_s)

    async def requeue_open(self) -> int:
        """After a start: every ``queued`` row goes (back) into the ACD. Returns how many.

        A row whose customer was being dialed when the engine stopped is not dialed again at once:
        whether they were reached is unknown, so it counts as an attempt and waits ``retry_after_s``
        (or fails if it was the last one)."""
        rows = await self._db(self.book.queued)
        interrupted = [row for row in rows if row.last_outcome == IN_PROGRESS]
        for row in interrupted:
            after = await self._db(
                partial(
                    self.book.not_answered,
                    callback_id=row.id,
                    retry_after_s=self.retry_after_s,
                    max_attempts=self.max_attempts,
                    outcome=INTERRUPTED,
                )
            )
            log.warning(
                "a callback attempt was cut off by a restart; not dialing the customer again at once",
                extra={"callback": row.id, "status": after.status.value, "attempts": after.attempts},
            )
            self._changed(after, after.status.value)
        waiting = [row for row in rows if row.last_outcome != IN_PROGRESS]
        for row in waiting:
            await self._enqueue(row, row.item_id or self._item_id(row))
        if waiting:
            log.info("queued callbacks put back in the ACD", extra={"callbacks": len(waiting)})
        return len(waiting)

    async def run_due(self) -> int:
        """Claim and enqueue every pending callback whose time has come. Returns how many."""
        started = 0
        for row in await self._db(self.book.due):
            item_id = self._item_id(row)
            async with self._moving:
                if not await self._db(partial(self.book.claim, callback_id=row.id, item_id=item_id)):
                    continue  # another engine claimed it, or it was cancelled meanwhile
                if await self._enqueue(row, item_id):
                    started += 1
                    self._changed(row, "queued")
        return started

    @staticmethod
    def _item_id(row: CallbackSummary) -> str:
        return f"cb-{row.id}-{row.attempts + 1}"

    async def _enqueue(self, row: CallbackSummary, item_id: str) -> bool:
        info = await self._safe_lookup(row.number)
        customer_id = str(row.customer_id) if row.customer_id is not None else info.customer_id
        queue = row.queue
        for attempt in range(2):
            # Known before the router may offer it (enqueue routes at once when an agent is free).
            self.queued[item_id] = QueuedCallback(item_id, row.id, row.number, queue, info)
            item = WorkItem(
                item_id=item_id,
                channel=Channel.CALLBACK,
                queue=queue,
                customer=Customer(customer_id or f"tel:{row.number}", info.tier),
                arrived_at=min(row.due_at.timestamp(), self._clock.now()),
                previous_agent_id=row.preferred_agent,
                callback_number=row.number,
            )
            try:
                await self._enqueue_item(item, row.preferred_agent)
            except DuplicateItem:
                pass  # still in the ACD (a shared store outlived this engine): nothing to add
            except UnknownQueue:
                if attempt == 0 and self._fallback_queue and queue != self._fallback_queue:
                    log.warning(
                        "callback queue does not exist; using the fallback queue",
                        extra={"callback": row.id, "queue": queue, "fallback": self._fallback_queue},
                    )
                    queue = self._fallback_queue
                    continue
                return await self._not_queued(row, item_id, "unknown queue")
            except AcdError as exc:
                return await self._not_queued(row, item_id, str(exc))
            log.info(
                "callback queued",
                extra={"callback": row.id, "item": item_id, "queue": queue, "number": row.number},
            )
            return True
        return False

    async def _enqueue_item(self, item: WorkItem, preferred_agent: str | None) -> None:
        """The agent who promised the callback has it first for ``preferred_agent_wait_s`` (if they
        are logged in), then anyone of its queue."""
        if preferred_agent and self.preferred_agent_wait_s > 0:
            try:
                await self._router.enqueue_for_agent(item, preferred_agent, self.preferred_agent_wait_s)
                return
            except UnknownAgent:
                log.info(
                    "preferred agent not logged in; the callback goes to the queue",
                    extra={"item": item.item_id},
                )
        await self._router.enqueue(item)

    async def _not_queued(self, row: CallbackSummary, item_id: str, why: str) -> bool:
        """The ACD refused it: back to pending, tried again later (no attempt is counted)."""
        self.queued.pop(item_id, None)
        log.error("callback could not be queued; retrying later", extra={"callback": row.id, "error": why})
        try:
            await self._db(lambda s: self.book.release(s, row.id, self.retry_after_s))
        except Exception:
            log.exception("could not put the callback back to pending", extra={"callback": row.id})
        return False

    async def _safe_lookup(self, number: str) -> CallerInfo:
        try:
            return await self._lookup(number)
        except Exception:
            log.exception("customer lookup failed; the callback routes as a normal customer")
            return CallerInfo.unknown()

    # -- the IVR: a caller chose to be called back ---------------------------------------------
    async def from_ivr(self, service: CallService, call: LiveCall, queue: str, number: str) -> bool:
        """Queue the caller (unless they wait in the queue already, ``calls.hold_options``), then turn
        the call item into a callback item at the same place.

        True: the caller may hang up (their place is kept). False: they stay on the line as a call
        (the number cannot be called back, an agent was free at once, or the ACD refused); the call
        is queued unless it is already.
        """
        e164 = phones.try_normalize(number, self.book.region)
        if e164 is None:
            log.warning("callback offer without a number to call back; caller stays queued")
            return False
        try:
            if call.phase is not CallPhase.QUEUED:
                await service.enqueue(call, queue)
        except AcdError as exc:
            # not queued: the caller is queued as a call instead
            call.contact = lifecycle.leave_queue(call.contact, self._clock.now())
            log.warning("could not queue the callback request", extra={"queue": queue, "error": str(exc)})
            return False
        item_id = call.item_id
        if call.phase is not CallPhase.QUEUED or item_id is None:
            return False  # offered at once: the caller is being put through
        info = call.caller_info or CallerInfo.unknown()
        self.queued[item_id] = QueuedCallback(item_id, None, e164, queue, info)
        try:
            await self._router.convert_to_callback(item_id, e164)
        except AcdError as exc:
            self.queued.pop(item_id, None)
            log.warning(
                "could not turn the call into a callback; caller stays queued", extra={"error": str(exc)}
            )
            return False
        # The item is the callback's now: the caller's hang-up must not abandon it.
        service.calls.remove(call)
        call.item_id, call.contact = None, lifecycle.leave_queue(call.contact, self._clock.now())
        call.outcome = "callback_requested"
        service.calls.add(call)
        log.info("caller left a callback request", extra={"uniqueid": call.uniqueid, "queue": queue})
        customer_id = info.customer_id
        request = CallbackRequest(
            number=e164,
            due_at=datetime.fromtimestamp(self._clock.now(), UTC),
            queue=queue,
            customer_id=int(customer_id) if customer_id and customer_id.isdigit() else None,
            interaction_ref=call.uniqueid,
        )
        try:
            row = await self._db(lambda s: self.book.add_queued(s, request, item_id))
        except Exception:
            log.exception("callback request not stored; it is still queued", extra={"item": item_id})
        else:
            self.queued[item_id].callback_id = row.id
            self._changed(row, row.status.value)
        return True

    # -- what the delivery reports ------------------------------------------------------------
    def ticket(self, item: WorkItem) -> QueuedCallback:
        """The callback behind an offered item (made from the item itself if it is not known)."""
        known = self.queued.get(item.item_id)
        if known is not None:
            return known
        number = item.callback_number or ""
        return QueuedCallback(item.item_id, None, number, item.queue, CallerInfo.unknown())

    async def attempt_started(self, ticket: QueuedCallback) -> None:
        """The agent answered: the customer is dialed now (recorded before the outcome is known)."""
        callback_id = ticket.callback_id
        if callback_id is None:
            return
        try:
            await self._db(lambda s: self.book.attempt_started(s, callback_id))
        except Exception:
            log.exception("could not record the callback attempt's start", extra={"callback": callback_id})

    async def attempt_over(self, ticket: QueuedCallback, answered: bool) -> None:
        """The customer was called: ``done``, or tried again later (``failed`` after the last try)."""
        self.queued.pop(ticket.item_id, None)
        callback_id = ticket.callback_id
        if callback_id is None:
            log.info("unstored callback attempt over", extra={"item": ticket.item_id, "answered": answered})
            return
        try:
            if answered:
                done = await self._db(lambda s: self.book.answered(s, callback_id))
                log.info("callback done", extra={"callback": callback_id})
                self._changed(done, done.status.value)
                return
            row = await self._db(
                lambda s: self.book.not_answered(s, callback_id, self.retry_after_s, self.max_attempts)
            )
        except Exception:
            log.exception("could not record the callback attempt", extra={"callback": callback_id})
            return
        log.info(
            "callback not answered",
            extra={"callback": callback_id, "attempts": row.attempts, "status": row.status.value},
        )
        self._changed(row, row.status.value)

    # -- people promise one, or change their mind: cancel, another time ------------------------
    async def schedule(self, request: CallbackRequest) -> CallbackSummary:
        """A callback promised for later (``pending`` until due); a ValidationError if it cannot be."""
        row = await self._db(lambda s: self.book.schedule(s, request))
        log.info("callback scheduled", extra={"callback": row.id, "due_at": row.due_at.isoformat()})
        self._changed(row, row.status.value)
        return row

    async def cancel(self, callback_id: int) -> CallbackSummary:
        """Cancelled, and out of the ACD if it was waiting there; not while it is being made."""
        async with self._moving:
            await self._take_out_of_acd(callback_id)
            row = await self._db(lambda s: self.book.cancel(s, callback_id))
        log.info("callback cancelled", extra={"callback": callback_id})
        self._changed(row, row.status.value)
        return row

    async def reschedule(self, callback_id: int, due_at: datetime) -> CallbackSummary:
        """Pending until ``due_at`` (out of the ACD if it was waiting there)."""
        self.book.check_time(due_at)  # refused before anything moves
        async with self._moving:
            await self._take_out_of_acd(callback_id)
            row = await self._db(lambda s: self.book.reschedule(s, callback_id, due_at))
        log.info("callback rescheduled", extra={"callback": callback_id, "due_at": row.due_at.isoformat()})
        self._changed(row, row.status.value)
        return row

    async def _take_out_of_acd(self, callback_id: int) -> None:
        row = await self._db(lambda s: self.book.get(s, callback_id))
        if row.status is not CallbackStatus.QUEUED or not row.item_id:
            return
        try:
            await self._router.cancel(row.item_id)
        except UnknownItem:
            pass  # not in this engine's ACD: nothing waits to be taken out
        except IllegalItemState as exc:  # offered or active: the agent is calling the customer
            raise CallbackInProgress(callback_id=callback_id) from exc
        self.queued.pop(row.item_id, None)

    def _changed(self, row: CallbackSummary, status: str) -> None:
        agent = row.preferred_agent or row.requested_by
        self._publish(CallbackChanged(row.id, status, agent, self._clock.now()))

    # -- the database, in a worker thread -----------------------------------------------------
    async def _db(self, work: Callable[[Session], T]) -> T:
        return await asyncio.to_thread(in_transaction, self._sessions, work)
