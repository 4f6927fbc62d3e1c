"""Wrap-up: the disposition (two levels, required where the queue says so), notes, a ticket
opened or updated for the customer, linked to the agent's interaction, and a callback scheduled
(``agent_desktop.callbacks``; the engine calls the customer back when it is due)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from acd.errors import AcdError
from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.callbacks import CallbackAsk, checked_callback
from agent_desktop.errors import ApiError
from agent_desktop.inputs import ROW_ID_MAX
from agent_desktop.state import DesktopState, desktop_of
from callcenter.clock import SystemClock
from crm_core.models import Interaction
from crm_core.tickets import TicketDraft, TicketService

router = APIRouter(prefix="/api/agent")
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]


class TicketChange(BaseModel):
    """``id`` None opens a ticket; otherwise the ticket is moved to ``status`` and linked."""

    id: int | None = Field(None, ge=1, le=ROW_ID_MAX)
    subject: str = Field("", max_length=200)
    type: Literal["service_request", "complaint", "enquiry"] = "service_request"
    status: Literal["open", "pending", "resolved"] = "open"


class WrapUp(BaseModel):
    uniqueid: str = Field(min_length=1, max_length=64)
    disposition: str | None = Field(None, min_length=1, max_length=32)
    sub_disposition: str | None = Field(None, max_length=32)
    notes: str | None = Field(None, max_length=2000)
    ticket: TicketChange | None = None
    callback: CallbackAsk | None = None


def _interaction(
    desktop: DesktopState, ref: str, agent: str, language: str
) -> tuple[int, int | None, str | None] | None:
    """The agent's interaction ``ref`` (id, customer, queue); 403 when another agent handled it."""
    with desktop.db() as session:
        row = session.scalars(select(Interaction).where(Interaction.external_ref == ref)).one_or_none()
        if row is not None and row.agent_id != agent:
            raise ApiError(403, "desktop.not_your_interaction", language)
        return None if row is None else (row.id, row.customer_id, row.queue)


def _save_ticket(
    desktop: DesktopState, change: TicketChange, interaction: tuple[int, int | None, str | None]
) -> int:
    interaction_id, customer_id, _queue = interaction
    tickets = TicketService(SystemClock())
    with desktop.db.begin() as session:
        if change.id is None:
            subject = change.subject.strip()
            draft = TicketDraft(change.type, subject, customer_id, interaction_id=interaction_id)
            return tickets.open(session, draft).id
        current = tickets.get(session, change.id)
        if current.status != change.status:
            tickets.transition(session, change.id, change.status)
        if interaction_id not in tickets.interaction_ids(session, change.id):
            tickets.link_interaction(session, change.id, interaction_id)
        return change.id


@router.post("/wrap-up")
async def wrap_up(body: WrapUp, user: Agent, request: Request) -> dict[str, Any]:
    """Store the disposition (``code/sub-code``), notes and ticket, then leave wrap-up."""
    desktop = desktop_of(request)
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    agent = user.agent_id
    interaction = await asyncio.to_thread(
        _interaction, desktop, desktop.cc.interaction_ref(body.uniqueid, agent), agent, user.language
    )
    queue = interaction[2] if interaction else None
    required = {q.name: q.disposition_required for q in desktop.engine.settings.queues}
    if body.disposition is None and required.get(queue or "", False):
        raise ApiError(422, "desktop.disposition_required", user.language)
    code = None
    if body.disposition is not None:
        subs = desktop.dispositions.get(body.disposition)
        if subs is None or (body.sub_disposition is not None and body.sub_disposition not in subs):
            raise ApiError(422, "desktop.bad_disposition", user.language)
        code = body.disposition + (f"/{body.sub_disposition}" if body.sub_disposition else "")
    callback = None
    if body.callback is not None:  # checked before anything is stored: a bad time or number is a 422
        ref = desktop.cc.interaction_ref(body.uniqueid, agent)
        callback = await asyncio.to_thread(checked_callback, desktop, body.callback, ref, agent)
    ticket_id = None
    if body.ticket is not None and interaction is not None:
        ticket_id = await asyncio.to_thread(_save_ticket, desktop, body.ticket, interaction)
    callback_id = None
    if callback is not None:
        callback_id = (await desktop.engine.callbacks.schedule(callback)).id
    done = {"ok": True, "ticket_id": ticket_id, "callback_id": callback_id}
    try:
        await desktop.cc.wrap_up(agent, body.uniqueid, code, body.notes or None)
    except AcdError:
        # The disposition is stored; the queue's wrap-up time had already ended by itself.
        return done | {"left_wrap_up": False}
    return done | {"left_wrap_up": True}
