"""Scheduled callbacks: promises to call a customer back at a time, kept until the customer answered.

Life of a row (see :mod:`crm_core.models_callbacks`)::

    pending --claim (due)--> queued --answered--> done
       ^                       |
       +--- not answered ------+--- (last attempt) --> failed
    pending / queued --cancel--> cancelled

People schedule one at wrap-up (:meth:`CallbackBook.schedule`: the time must be in the future and
the number a valid one in the default region, stored in E.164); the IVR records a caller who chose to
be called back instead of waiting (:meth:`CallbackBook.add_queued`, already in the ACD). The engine
claims due rows, re-queues queued ones after a restart, and reports each attempt's outcome.

Services take a ``Session``; the caller owns the transaction. No clock reads of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import limits, phones
from crm_core.clock import Clock, as_utc, utc_now
from crm_core.errors import CrmError, NotFound, ValidationError
from crm_core.models import Customer
from crm_core.models_callbacks import QUEUE_LENGTH, ScheduledCallback
from crm_core.validation import optional, required


class CallbackStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_STATUSES = (CallbackStatus.PENDING, CallbackStatus.QUEUED)
IN_PROGRESS = "in_progress"  # last_outcome while the customer is being dialed
INTERRUPTED = "interrupted"  # last_outcome of an attempt cut off by a restart (reached or not: unknown)


class InvalidCallbackTime(ValidationError):
    code = "crm.callback.invalid_time"
    template = "{value!r} is not a date and time with a UTC offset, such as 2030-01-15T09:30:00+08:00"


class CallbackInThePast(ValidationError):
    code = "crm.callback.in_the_past"
    template = "the callback time {at} has passed; choose a time in the future"


class CallbackTooFar(ValidationError):
    code = "crm.callback.too_far"
    template = "the callback time {at} is more than {days} days ahead"


class CallbackClosed(CrmError):
    code = "crm.callback.closed"
    template = "callback {callback_id} is {status}; only a pending or queued callback can change"


class CallbackInProgress(CrmError):
    code = "crm.callback.in_progress"
    template = "callback {callback_id} is being made right now; it can change once this attempt ends"


def parse_due_at(text: str) -> datetime:
    """``2030-01-15T09:30:00+08:00`` → an aware UTC datetime; a time without offset is refused
    (whose 09:30 would it be?)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidCallbackTime(value=text) from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidCallbackTime(value=text)
    return as_utc(value)


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    """What a person (or the IVR) asks for. ``number`` as typed; ``due_at`` timezone-aware."""

    number: str
    due_at: datetime
    queue: str
    customer_id: int | None = None
    requested_by: str | None = None  # the agent who promised it (None: the caller asked in the IVR)
    preferred_agent: str | None = None
    interaction_ref: str | None = None  # the contact it came from


@dataclass(frozen=True, slots=True)
class CallbackSummary:
    id: int
    customer_id: int | None
    number: str  # E.164
    due_at: datetime
    queue: str
    requested_by: str | None
    preferred_agent: str | None
    interaction_ref: str | None
    status: CallbackStatus
    attempts: int
    item_id: str | None
    last_outcome: str | None
    created_at: datetime
    updated_at: datetime


def _summary(row: ScheduledCallback) -> CallbackSummary:
    return CallbackSummary(
        id=row.id,
        customer_id=row.customer_id,
        number=row.number,
        due_at=row.due_at,
        queue=row.queue,
        requested_by=row.requested_by,
        preferred_agent=row.preferred_agent,
        interaction_ref=row.interaction_ref,
        status=CallbackStatus(row.status),
        attempts=row.attempts,
        item_id=row.item_id,
        last_outcome=row.last_outcome,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class CallbackBook:
    def __init__(self, clock: Clock, default_region: str, max_ahead_days: int = 1830) -> None:
        self.clock = clock
        self.region = default_region
        self.max_ahead_days = max_ahead_days

    def check(self, request: CallbackRequest, *, in_future: bool = True) -> CallbackRequest:
        """The request with its values normalized (E.164 number, UTC time), or a ValidationError."""
        number = phones.normalize(request.number, self.region)
        return replace(
            request,
            number=number,
            due_at=self.check_time(request.due_at, in_future),
            queue=required("queue", request.queue, QUEUE_LENGTH),
            requested_by=optional("requested_by", request.requested_by, limits.SHORT),
            preferred_agent=optional("preferred_agent", request.preferred_agent, limits.SHORT),
            interaction_ref=optional("interaction_ref", request.interaction_ref, limits.EXTERNAL_REF),
        )

    def check_time(self, due_at: datetime, in_future: bool = True) -> datetime:
        """``due_at`` in UTC if it is a time a callback can be made at, or a ValidationError."""
        try:
            due_at = as_utc(due_at)
        except ValueError as exc:
            raise InvalidCallbackTime(value=due_at.isoformat()) from exc
        now = utc_now(self.clock)
        if in_future and due_at <= now:
            raise CallbackInThePast(at=due_at.isoformat())
        if due_at > now + timedelta(days=self.max_ahead_days):
            raise CallbackTooFar(at=due_at.isoformat(), days=self.max_ahead_days)
        return due_at

    def schedule(self, session: Session, request: CallbackRequest) -> CallbackSummary:
        """A callback promised for later: ``pending`` until it is due."""
        return self._add(session, self.check(request), CallbackStatus.PENDING, None)

    def add_queued(self, session: Session, request: CallbackRequest, item_id: str) -> CallbackSummary:
        """A callback already waiting in the ACD as ``item_id`` (the IVR caller kept their place)."""
        checked = self.check(request, in_future=False)
        return self._add(session, checked, CallbackStatus.QUEUED, required("item_id", item_id, 128))

    def _add(
        self, session: Session, request: CallbackRequest, status: CallbackStatus, item_id: str | None
    ) -> CallbackSummary:
        if request.customer_id is not None and session.get(Customer, request.customer_id) is None:
            raise NotFound(kind="customer", key=request.customer_id)
        now = utc_now(self.clock)
        row = ScheduledCallback(
            customer_id=request.customer_id,
            number=request.number,
            due_at=request.due_at,
            queue=request.queue,
            requested_by=request.requested_by,
            preferred_agent=request.preferred_agent,
            interaction_ref=request.interaction_ref,
            status=status.value,
            attempts=0,
            item_id=item_id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return _summary(row)

    def get(self, session: Session, callback_id: int) -> CallbackSummary:
        return _summary(_row(session, callback_id))

    def due(self, session: Session, limit: int = 100) -> list[CallbackSummary]:
        """Pending callbacks whose time has come, the longest overdue first."""
        query = (
            select(ScheduledCallback)
            .where(ScheduledCallback.status == CallbackStatus.PENDING.value)
            .where(ScheduledCallback.due_at <= utc_now(self.clock))
            .order_by(ScheduledCallback.due_at, ScheduledCallback.id)
            .limit(limit)
        )
        return [_summary(row) for row in session.scalars(query)]

    def queued(self, session: Session) -> list[CallbackSummary]:
        """Callbacks the engine had put in the ACD (to put back after a restart)."""
        query = (
            select(ScheduledCallback)
            .where(ScheduledCallback.status == CallbackStatus.QUEUED.value)
            .order_by(ScheduledCallback.due_at, ScheduledCallback.id)
        )
        return [_summary(row) for row in session.scalars(query)]

    def for_interaction(self, session: Session, interaction_ref: str) -> list[CallbackSummary]:
        query = (
            select(ScheduledCallback)
            .where(ScheduledCallback.interaction_ref == interaction_ref)
            .order_by(ScheduledCallback.id)
        )
        return [_summary(row) for row in session.scalars(query)]

    def claim(self, session: Session, callback_id: int, item_id: str) -> bool:
        """``pending`` → ``queued`` as ``item_id``; False when another engine (or a cancel) was first."""
        row = session.scalars(
            select(ScheduledCallback).where(ScheduledCallback.id == callback_id).with_for_update()
        ).one_or_none()
        if row is None or row.status != CallbackStatus.PENDING.value:
            return False
        row.status = CallbackStatus.QUEUED.value
        row.item_id = required("item_id", item_id, limits.EXTERNAL_REF)
        row.updated_at = utc_now(self.clock)
        session.flush()
        return True

    def release(self, session: Session, callback_id: int, retry_after_s: float) -> CallbackSummary:
        """``queued`` → ``pending`` again, ``retry_after_s`` from now, without counting an attempt
        (the engine could not queue it: nobody was called)."""
        row = _open_row(session, callback_id)
        now = utc_now(self.clock)
        row.status, row.item_id = CallbackStatus.PENDING.value, None
        row.due_at = now + timedelta(seconds=retry_after_s)
        row.updated_at = now
        session.flush()
        return _summary(row)

    def attempt_started(self, session: Session, callback_id: int) -> CallbackSummary:
        """The customer is being dialed: marked, so that an engine restarting before the outcome is
        known does not dial them again at once (see ``IN_PROGRESS``)."""
        row = _open_row(session, callback_id)
        row.last_outcome = IN_PROGRESS
        row.updated_at = utc_now(self.clock)
        session.flush()
        return _summary(row)

    def answered(self, session: Session, callback_id: int) -> CallbackSummary:
        """The customer answered: the promise is kept."""
        row = _open_row(session, callback_id)
        row.attempts += 1
        row.status, row.item_id, row.last_outcome = CallbackStatus.DONE.value, None, "answered"
        row.updated_at = utc_now(self.clock)
        session.flush()
        return _summary(row)

    def not_answered(
        self,
        session: Session,
        callback_id: int,
        retry_after_s: float,
        max_attempts: int,
        outcome: str = "not_answered",
    ) -> CallbackSummary:
        """The customer was busy or did not answer: try again ``retry_after_s`` later, or give up
        (``failed``) after ``max_attempts`` attempts."""
        row = _open_row(session, callback_id)
        now = utc_now(self.clock)
        row.attempts += 1
        row.item_id = None
        row.last_outcome = required("outcome", outcome, limits.CODE)
        if row.attempts >= max_attempts:
            row.status = CallbackStatus.FAILED.value
        else:
            row.status = CallbackStatus.PENDING.value
            row.due_at = now + timedelta(seconds=retry_after_s)
        row.updated_at = now
        session.flush()
        return _summary(row)

    def listing(
        self, session: Session, *, agent: str | None = None, open_only: bool = True, limit: int = 200
    ) -> list[tuple[CallbackSummary, str | None]]:
        """Callbacks with their customer's name: open ones soonest first (or all, newest first);
        with ``agent``, only those that agent promised or is preferred for."""
        query = select(ScheduledCallback, Customer.display_name).outerjoin(
            Customer, Customer.id == ScheduledCallback.customer_id
        )
        if agent is not None:
            query = query.where(
                (ScheduledCallback.requested_by == agent) | (ScheduledCallback.preferred_agent == agent)
            )
        if open_only:
            query = query.where(ScheduledCallback.status.in_([s.value for s in OPEN_STATUSES]))
            query = query.order_by(ScheduledCallback.due_at, ScheduledCallback.id)
        else:
            query = query.order_by(ScheduledCallback.id.desc())
        return [(_summary(row), name) for row, name in session.execute(query.limit(limit))]

    def reschedule(self, session: Session, callback_id: int, due_at: datetime) -> CallbackSummary:
        """An open callback moved to another time: ``pending`` until then. (A queued one must be
        taken out of the ACD first: the engine's part.)"""
        due = self.check_time(due_at)
        row = _open_row(session, callback_id)
        row.status, row.item_id, row.due_at = CallbackStatus.PENDING.value, None, due
        row.updated_at = utc_now(self.clock)
        session.flush()
        return _summary(row)

    def cancel(self, session: Session, callback_id: int) -> CallbackSummary:
        row = _open_row(session, callback_id)
        row.status, row.item_id = CallbackStatus.CANCELLED.value, None
        row.updated_at = utc_now(self.clock)
        session.flush()
        return _summary(row)


def _row(session: Session, callback_id: int) -> ScheduledCallback:
    row = session.get(ScheduledCallback, callback_id)
    if row is None:
        raise NotFound(kind="callback", key=callback_id)
    return row


def _open_row(session: Session, callback_id: int) -> ScheduledCallback:
    row = _row(session, callback_id)
    if row.status not in OPEN_STATUSES:
        raise CallbackClosed(callback_id=callback_id, status=row.status)
    return row
