"""Scheduled callbacks: an agent's own list, everyone's for supervisors; cancel and another time.

Agents see and change the callbacks they promised or are preferred for; supervisors and admins all
of them (the rules: :mod:`callcenter.services.callbacks`). A callback being made right now cannot
change (409). Every change is audited. ``at`` is
ISO 8601 with a UTC offset (the page sends the user's own zone).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, actor_of, require_role
from agent_desktop.state import desktop_of
from crm_core.callbacks import CallbackSummary

router = APIRouter(prefix="/api/callbacks")
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]
CallbackId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class NewTime(BaseModel):
    at: str = Field(min_length=1, max_length=64)


def callback_json(row: CallbackSummary, customer_name: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "customer_id": row.customer_id,
        "customer_name": customer_name,
        "due_at": row.due_at.isoformat(),
        "queue": row.queue,
        "status": row.status.value,
        "attempts": row.attempts,
        "last_outcome": row.last_outcome,
        "requested_by": row.requested_by,
        "preferred_agent": row.preferred_agent,
    }


@router.get("")
async def list_callbacks(
    user: Staff,
    request: Request,
    status: Literal["open", "all"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Open ones soonest first, or all (``status=all``) newest first."""
    desk = desktop_of(request).services.callbacks
    rows = await desk.listing(actor_of(user), open_only=status == "open", limit=limit)
    return [callback_json(row, name) for row, name in rows]


@router.post("/{callback_id}/cancel")
async def cancel(callback_id: CallbackId, user: Staff, request: Request) -> dict[str, Any]:
    return callback_json(await desktop_of(request).services.callbacks.cancel(actor_of(user), callback_id))


@router.post("/{callback_id}/reschedule")
async def reschedule(callback_id: CallbackId, body: NewTime, user: Staff, request: Request) -> dict[str, Any]:
    desk = desktop_of(request).services.callbacks
    return callback_json(await desk.reschedule(actor_of(user), callback_id, body.at))
