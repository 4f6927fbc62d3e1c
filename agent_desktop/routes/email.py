"""E-mail conversations on the agent desktop, and the quarantine for admins.

Agents reach the e-mail conversations assigned to them, supervisors and admins any. The customer's
HTML comes back sanitized (``safe_html``); attachments download as attachments, never rendered
inline. Reading a quarantined mail's raw bytes is admin-only and audited.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, audit_async, own_scope, require_role
from agent_desktop.errors import ApiError
from agent_desktop.state import desktop_of
from callcenter.conversations.api import ConversationView
from callcenter.email.desk import BadCustomerLink, EmailDesk, EmptyReply, MailView, NotYourEmail
from callcenter.email.errors import MailNotFound
from callcenter.errors import CallCenterError
from callcenter.i18n import translate

router = APIRouter()
T = TypeVar("T")
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]
Admin = Annotated[CurrentUser, Depends(require_role("admin"))]
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
RowId = Annotated[int, Path(ge=1, le=2**62)]


class ReplyBody(BaseModel):
    text: str = Field(min_length=1, max_length=50_000)
    client_id: str = Field(min_length=1, max_length=64)


class SenderLink(BaseModel):
    customer_id: int | None = Field(default=None, ge=1, le=2**62)
    name: str | None = Field(default=None, max_length=200)


def _desk(request: Request, user: CurrentUser) -> EmailDesk:
    desk = desktop_of(request).email
    if desk is None:
        raise ApiError(404, "email.disabled", user.language)
    return desk


def _not_found(user: CurrentUser) -> ApiError:
    return ApiError(404, MailNotFound.code, user.language)


_STATUS: dict[type[Exception], int] = {
    MailNotFound: 404,
    NotYourEmail: 403,
    EmptyReply: 422,
    BadCustomerLink: 422,
}


async def _ask(user: CurrentUser, call: Awaitable[T]) -> T:
    """The desk's answer, its refusals as this API's statuses (others: the domain handler, 409)."""
    try:
        return await call
    except (MailNotFound, NotYourEmail, EmptyReply, BadCustomerLink) as exc:
        raise ApiError(_STATUS[type(exc)], exc.code, user.language) from None


def _conversation_json(view: ConversationView) -> dict[str, Any]:
    return {
        "conversation_id": view.conversation_id,
        "status": view.status.value,
        "queue": view.queue,
        "subject": view.subject,
        "customer_id": view.customer_id,
        "customer_name": view.customer_name,
        "customer_address": view.customer_address,
        "ticket_id": view.ticket_id,
        "agent_id": view.agent_id,
    }


def _mail_json(mail: MailView) -> dict[str, Any]:
    return {
        "id": mail.raw_id,
        "direction": mail.direction,
        "from_address": mail.from_address,
        "from_name": mail.from_name,
        "subject": mail.subject,
        "at": mail.at.isoformat(),
        "text": mail.text,
        "safe_html": mail.safe_html,
        "status": mail.status,
        "attachments": [
            {"index": a.index, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in mail.attachments
        ],
    }


@router.get("/api/agent/emails")
async def my_emails(user: Staff, request: Request) -> list[dict[str, Any]]:
    """The signed-in agent's open e-mail conversations (supervisors and admins: all of them)."""
    return [_conversation_json(v) for v in await _desk(request, user).mine(own_scope(user))]


@router.get("/api/agent/emails/{conversation_id}")
async def read_email(conversation_id: ConversationId, user: Staff, request: Request) -> dict[str, Any]:
    view, mails = await _ask(user, _desk(request, user).mails(conversation_id, own_scope(user)))
    return {"conversation": _conversation_json(view), "mails": [_mail_json(m) for m in mails]}


@router.get("/api/agent/emails/{conversation_id}/mails/{raw_id}/attachments/{index}")
async def download_attachment(
    conversation_id: ConversationId,
    raw_id: RowId,
    index: Annotated[int, Path(ge=0, le=1000)],
    user: Staff,
    request: Request,
) -> Response:
    desk = _desk(request, user)
    filename, _type, data = await _ask(user, desk.attachment(conversation_id, own_scope(user), raw_id, index))
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[:100] or "attachment"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/api/agent/emails/{conversation_id}/reply")
async def reply(
    conversation_id: ConversationId, body: ReplyBody, user: Staff, request: Request
) -> dict[str, Any]:
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    desk = _desk(request, user)
    message = await _ask(user, desk.reply(conversation_id, user.agent_id, body.text, body.client_id))
    return {"seq": message.seq, "message_id": message.message_id, "at": message.at}


@router.get("/api/agent/emails/{conversation_id}/suggestions")
async def suggestions(conversation_id: ConversationId, user: Staff, request: Request) -> list[dict[str, Any]]:
    hits = await _ask(user, _desk(request, user).suggestions(conversation_id, own_scope(user)))
    return [{"id": h.id, "title": h.title, "snippet": h.snippet} for h in hits]


@router.post("/api/agent/emails/{conversation_id}/customer")
async def link_sender(
    conversation_id: ConversationId, body: SenderLink, user: Staff, request: Request
) -> dict[str, Any]:
    """Unknown sender: add the address to an existing customer, or create a customer with it."""
    desk = _desk(request, user)
    customer_id = await _ask(
        user, desk.link_sender(conversation_id, own_scope(user), body.customer_id, body.name)
    )
    await audit_async(
        request, user, "email.link_sender", f"customer:{customer_id}", {"conversation": conversation_id}
    )
    return {"customer_id": customer_id}


@router.get("/api/admin/email/quarantine")
async def quarantine(
    user: Admin,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    rows = await _desk(request, user).quarantined(limit, offset)
    return [
        {
            "id": r.id,
            "received_at": r.received_at.isoformat(),
            "size": r.size,
            "sha256": r.sha256,
            "reason": r.reason,
            "reason_text": translate(r.reason or "email.error", user.language),
            "detail": r.detail,
        }
        for r in rows
    ]


@router.get("/api/admin/email/raw/{raw_id}")
async def raw_mail(raw_id: RowId, user: Admin, request: Request) -> Response:
    try:
        row = await _desk(request, user).raw(raw_id)
    except CallCenterError:
        raise _not_found(user) from None
    await audit_async(request, user, "email.read_raw", f"mail:{raw_id}", {"status": row.status})
    return Response(
        row.raw,
        media_type="message/rfc822",
        headers={
            "Content-Disposition": f'attachment; filename="mail-{raw_id}.eml"',
            "X-Content-Type-Options": "nosniff",
        },
    )
