"""Customer search, the 360° view with timeline, and one-click create from an unknown caller card."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.inputs import RowId
from agent_desktop.protocol.plain import plain_object
from agent_desktop.state import desktop_of
from callcenter.clock import SystemClock
from crm_core import limits
from crm_core.customers import CustomerDraft, CustomerService
from crm_core.errors import NumberInUse
from crm_core.lookup import ScreenPop
from crm_core.search import MAX_LIMIT, MAX_OFFSET, CustomerFilter

router = APIRouter(prefix="/api/customers")
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]


class NewCustomer(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    preferred_language: str | None = Field(None, max_length=16)
    shared_number_ok: bool = False  # the agent saw who else has this number and goes on


@router.get("")
async def search(
    user: Staff,
    request: Request,
    q: Annotated[str, Query(max_length=limits.SEARCH_QUERY)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """Any part of a name, number or e-mail; ranked; ``has_more`` tells whether a next page exists."""
    desktop = desktop_of(request)
    customers = CustomerService(SystemClock(), desktop.cc.default_region)

    def read() -> dict[str, Any]:
        with desktop.db() as session:
            found = customers.search(
                session, CustomerFilter(text=q.strip() or None), limit=limit, offset=offset
            )
        items = [
            {**plain_object(h.customer), "phones": h.phones, "emails": h.emails, "match": h.match}
            for h in found.hits
        ]
        return {"items": items, "offset": found.offset, "limit": found.limit, "has_more": found.has_more}

    return await asyncio.to_thread(read)


@router.get("/{customer_id}")
async def view(customer_id: RowId, user: Staff, request: Request) -> dict[str, Any]:
    """The 360° view: profile, alerts, notes, open tickets, recent interactions (the timeline)."""
    desktop = desktop_of(request)

    def read() -> dict[str, Any]:
        with desktop.db() as session:
            return plain_object(
                ScreenPop(desktop.cc.default_region, interactions=50).view(session, customer_id)
            )

    return await asyncio.to_thread(read)


@router.post("", status_code=201)
async def create(body: NewCustomer, user: Staff, request: Request) -> dict[str, Any]:
    desktop = desktop_of(request)
    customers = CustomerService(SystemClock(), desktop.cc.default_region)
    draft = CustomerDraft(
        display_name=body.display_name,
        phones=(body.phone,) if body.phone else (),
        emails=(body.email,) if body.email else (),
        preferred_language=body.preferred_language,
        owner=user.username,
    )

    def write() -> dict[str, Any]:
        with desktop.db.begin() as session:
            customer_id = customers.create(session, draft, shared_number_ok=body.shared_number_ok)
            return plain_object(customers.get(session, customer_id))

    try:
        return await asyncio.to_thread(write)
    except NumberInUse as exc:
        raise ApiError(409, exc.code, user.language, exc.params) from exc
