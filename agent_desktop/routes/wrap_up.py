"""Wrap-up: the disposition (two levels, required where the queue says so), notes, a ticket
opened or updated for the customer, linked to the agent's interaction, and a callback scheduled
(the rules: :mod:`callcenter.services.wrap_up`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import ROW_ID_MAX
from agent_desktop.state import desktop_of
from callcenter.services import wrap_up as use_case

router = APIRouter(prefix="/api/agent")
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]


class TicketChange(BaseModel):
    """``id`` None opens a ticket; otherwise the ticket is moved to ``status`` and linked."""

    id: int | None = Field(None, ge=1, le=ROW_ID_MAX)
    subject: str = Field("", max_length=200)
    type: Literal["service_request", "complaint", "enquiry"] = "service_request"
    status: Literal["open", "pending", "resolved"] = "open"


class CallbackAsk(BaseModel):
    at: str = Field(min_length=1, max_length=64)
    number: str | None = Field(None, max_length=64)


class WrapUp(BaseModel):
    uniqueid: str = Field(min_length=1, max_length=64)
    disposition: str | None = Field(None, min_length=1, max_length=32)
    sub_disposition: str | None = Field(None, max_length=32)
    notes: str | None = Field(None, max_length=2000)
    ticket: TicketChange | None = None
    callback: CallbackAsk | None = None


@router.post("/wrap-up")
async def wrap_up(body: WrapUp, user: Agent, request: Request) -> dict[str, Any]:
    """Store the disposition (``code/sub-code``), notes and ticket, then leave wrap-up."""
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    ticket = None if body.ticket is None else use_case.TicketChange(**body.ticket.model_dump())
    callback = None if body.callback is None else use_case.CallbackAsk(**body.callback.model_dump())
    done = await desktop_of(request).services.wrap_ups.wrap_up(
        use_case.WrapUpRequest(
            user.agent_id, body.uniqueid, body.disposition, body.sub_disposition, body.notes, ticket, callback
        )
    )
    return {
        "ok": True,
        "ticket_id": done.ticket_id,
        "callback_id": done.callback_id,
        "left_wrap_up": done.left_wrap_up,
    }
