"""The supervisor's view of live chats: the list, one conversation's messages, joining it and
writing in it (the chat counterpart of listen and barge). Joining is audited by the service, each
post here before it is stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, audit_async, require_role
from agent_desktop.chat import responses
from agent_desktop.chat.errors import refusals_in
from agent_desktop.chat.port import conversations
from agent_desktop.chat.wire import conversation_json, message_json
from agent_desktop.errors import ApiError
from agent_desktop.routes.chat_visitor import CLIENT_ID, ConversationId

router = APIRouter(prefix="/api/supervisor/chats", responses=responses.SUPERVISOR)
Supervisor = Annotated[CurrentUser, Depends(require_role("supervisor", "admin"))]


class SupervisorPost(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)
    client_id: str = Field(pattern=CLIENT_ID)


@router.get("")
async def live_chats(user: Supervisor, request: Request) -> dict[str, Any]:
    port = conversations(request)
    with refusals_in(user.language):
        live = await port.live()
    return {"chats": [conversation_json(v) for v in live]}


@router.get("/{conversation_id}")
async def read_chat(
    conversation_id: ConversationId,
    user: Supervisor,
    request: Request,
    after: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """The conversation and its messages after ``after`` (reading is not an intervention)."""
    port = conversations(request)
    with refusals_in(user.language):
        view = await port.view(conversation_id)
        found = await port.messages(conversation_id, after, 500)
    return {"conversation": conversation_json(view), "messages": [message_json(m) for m in found]}


@router.post("/{conversation_id}/join")
async def join(conversation_id: ConversationId, user: Supervisor, request: Request) -> dict[str, Any]:
    port = conversations(request)
    with refusals_in(user.language):  # the service audits the join (``conversation.join``)
        view = await port.join(conversation_id, user.username)
    return conversation_json(view)


@router.post("/{conversation_id}/messages")
async def post(
    conversation_id: ConversationId, body: SupervisorPost, user: Supervisor, request: Request
) -> dict[str, Any]:
    port = conversations(request)
    if not body.text.strip():
        raise ApiError(422, "conversation.empty_message", user.language)
    with refusals_in(user.language):
        view = await port.view(conversation_id)
    if user.username not in view.supervisors:
        raise ApiError(409, "chat.join_first", user.language)
    await audit_async(
        request, user, "chat.post", f"conversation:{conversation_id}", {"client_id": body.client_id}
    )
    with refusals_in(user.language):
        stored = await port.post_supervisor(conversation_id, user.username, body.text, body.client_id)
    return message_json(stored)
