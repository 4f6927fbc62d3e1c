"""Scheduled callbacks: an agent's own list, everyone's for supervisors; cancel and another time.

Agents see and change the callbacks they promised or are preferred for; supervisors and admins all
of them. A callback being made right now cannot change (409). Every change is audited. ``at`` is
ISO 8601 with a UTC offset (the page sends the user's own zone).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, audit_async, require_role
from agent_desktop.errors import ApiError
from agent_desktop.state import DesktopState, desktop_of
from crm_core.callbacks import CallbackBook, CallbackSummary, parse_due_at

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


def _book(desktop: DesktopState) -> CallbackBook:
    return desktop.engine.callbacks.book


def _sees_all(user: CurrentUser) -> bool:
    return user.role in ("supervisor", "admin")


@router.get("")
async def list_callbacks(
    user: Staff,
    request: Request,
    status: Literal["open", "all"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Open ones soonest first, or all (``status=all``) newest first."""
    desktop = desktop_of(request)
    agent = None if _sees_all(user) else (user.agent_id or "")

    def read() -> list[dict[str, Any]]:
        with desktop.db() as session:
            rows = _book(desktop).listing(session, agent=agent, open_only=status == "open", limit=limit)
        return [callback_json(row, name) for row, name in rows]

    return await asyncio.to_thread(read)


async def _allowed(desktop: DesktopState, user: CurrentUser, callback_id: int) -> None:
    """An agent may change only their own (NotFound, a 404, when there is no such callback)."""

    def read() -> CallbackSummary:
        with desktop.db() as session:
            return _book(desktop).get(session, callback_id)

    row = await asyncio.to_thread(read)
    if not _sees_all(user) and user.agent_id not in (row.requested_by, row.preferred_agent):
        raise ApiError(403, "desktop.not_your_callback", user.language, {"callback_id": callback_id})


@router.post("/{callback_id}/cancel")
async def cancel(callback_id: CallbackId, user: Staff, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    await _allowed(desktop, user, callback_id)
    row = await desktop.engine.callbacks.cancel(callback_id)
    await audit_async(request, user, "callback.cancel", f"callback:{callback_id}", {"number": row.number})
    return callback_json(row)


@router.post("/{callback_id}/reschedule")
async def reschedule(callback_id: CallbackId, body: NewTime, user: Staff, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    due_at = parse_due_at(body.at)
    await _allowed(desktop, user, callback_id)
    row = await desktop.engine.callbacks.reschedule(callback_id, due_at)
    await audit_async(
        request, user, "callback.reschedule", f"callback:{callback_id}", {"due_at": row.due_at.isoformat()}
    )
    return callback_json(row)
