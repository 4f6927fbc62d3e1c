"""The callback an agent schedules at wrap-up, checked against the agent's interaction before anything
is stored; the engine's scheduler then keeps it in the CRM (``crm_core.callbacks``) until it is due.

``at`` is ISO 8601 with the UTC offset of the agent's time zone (the page computes it); ``number``
None means the caller's number. The callback goes to the call's queue (or the first configured
queue for a call without one), to the customer of the interaction, preferably to the same agent.
Every problem is a ``crm_core`` validation error with a stable code (HTTP 422 at the edge).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field
from sqlalchemy import select

from agent_desktop.state import DesktopState
from crm_core.callbacks import CallbackBook, CallbackRequest, parse_due_at
from crm_core.errors import MissingField
from crm_core.models import Interaction


class CallbackAsk(BaseModel):
    at: str = Field(min_length=1, max_length=64)
    number: str | None = Field(None, max_length=64)


class _Clock:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def _book(desktop: DesktopState) -> CallbackBook:
    return CallbackBook(_Clock(desktop.clock), desktop.cc.default_region)


def _queue(desktop: DesktopState, queue: str | None) -> str:
    engine = desktop.engine
    known = set(getattr(engine, "known_queues", ())) or {q.name for q in engine.settings.queues}
    known.discard(engine.settings.dialplan.outbound_queue)
    if queue in known:
        return str(queue)
    configured = [q.name for q in engine.settings.queues if q.name in known]
    return (configured or sorted(known) or ["general"])[0]


def checked_callback(desktop: DesktopState, ask: CallbackAsk, ref: str, agent_id: str) -> CallbackRequest:
    """The request for interaction ``ref``, validated (a future time, a callable number in E.164)."""
    with desktop.db() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == ref)).one_or_none()
        customer_id, queue, caller = (
            (row.customer_id, row.queue, row.caller_number) if row else (None, None, None)
        )
    number = (ask.number or "").strip() or caller
    if not number:
        raise MissingField(field="number")
    request = CallbackRequest(
        number=number,
        due_at=parse_due_at(ask.at),
        queue=_queue(desktop, queue),
        customer_id=customer_id,
        requested_by=agent_id,
        preferred_agent=agent_id,
        interaction_ref=ref,
    )
    return _book(desktop).check(request)
