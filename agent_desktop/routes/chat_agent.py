"""The agent's chats: offers, several conversations at once, messages both ways, files, transfer,
end and wrap-up, and quick answers from the knowledge base.

Every route acts for the signed-in agent's own ``agent_id``; a conversation that is not theirs (never
was, or was transferred away) answers 403 ``chat.not_your_chat``. Messages missed while the desktop
was offline come from ``GET …/messages?after=<last seq seen>``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.chat import responses
from agent_desktop.chat.attachments import attachment_response, read_upload
from agent_desktop.chat.errors import refusals_in
from agent_desktop.chat.port import conversations
from agent_desktop.chat.relay import ChatRelay
from agent_desktop.chat.wire import conversation_json, message_json
from agent_desktop.errors import ApiError
from agent_desktop.routes.chat_visitor import CLIENT_ID, ConversationId, PostMessage
from agent_desktop.state import desktop_of
from callcenter.clock import SystemClock
from callcenter.conversations.api import ConversationPort, ConversationView, Sender
from crm_core.knowledge import KnowledgeBase

router = APIRouter(prefix="/api/agent/chats", responses=responses.AGENT)
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]
OfferId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:~-]{1,120}$")]  # "<item id>~<n>"


class ChatTransfer(BaseModel):
    kind: Literal["agent", "queue"]
    target: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")


class ChatWrapUp(BaseModel):
    """As a call's wrap-up: ``disposition`` a code of the list (or ``code/sub-code``), with an
    optional ``sub_disposition``; required where the chat's queue says so."""

    disposition: str | None = Field(None, max_length=80, pattern=r"^[A-Za-z0-9_/-]*$")
    sub_disposition: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9_-]*$")
    notes: str | None = Field(None, max_length=4000)

    def code(self) -> str | None:
        if not self.disposition:
            return None
        return self.disposition + (f"/{self.sub_disposition}" if self.sub_disposition else "")


def relay_of(request: Request) -> ChatRelay:
    relay = getattr(request.app.state, "chat_relay", None)
    if not isinstance(relay, ChatRelay):
        raise TypeError("the app has no chat relay")
    return relay


class AgentChat:
    """The signed-in agent, their id and the port."""

    def __init__(self, user: CurrentUser, port: ConversationPort) -> None:
        if not user.agent_id:
            raise ApiError(409, "desktop.no_agent_link", user.language)
        self.user, self.agent_id, self.port = user, user.agent_id, port

    async def own(self, conversation_id: str) -> ConversationView:
        with refusals_in(self.user.language):
            view = await self.port.view(conversation_id)
        if view.agent_id != self.agent_id:
            raise ApiError(403, "chat.not_your_chat", self.user.language)
        return view


async def _agent_chat(user: Agent, request: Request) -> AgentChat:
    return AgentChat(user, conversations(request))


Me = Annotated[AgentChat, Depends(_agent_chat)]


@router.get("")
async def my_chats(me: Me, request: Request) -> dict[str, Any]:
    """The agent's open conversations and the offers they have not answered yet."""
    relay = relay_of(request)
    with refusals_in(me.user.language):
        live = await me.port.live(me.agent_id)
        offers = []
        for offer in relay.offers_for(me.agent_id):
            if me.port.offer_open(me.agent_id, offer["offer_id"]):
                offers.append(offer)
            else:  # timed out or taken back meanwhile
                relay.forget_offer(me.agent_id, offer["offer_id"])
    return {"chats": [conversation_json(v) for v in live], "offers": offers}


@router.post("/offers/{offer_id}/accept")
async def accept(offer_id: OfferId, me: Me, request: Request) -> dict[str, Any]:
    with refusals_in(me.user.language):
        view = await me.port.accept(me.agent_id, offer_id)
    relay_of(request).forget_offer(me.agent_id, offer_id)
    return conversation_json(view)


@router.post("/offers/{offer_id}/decline")
async def decline(offer_id: OfferId, me: Me, request: Request) -> dict[str, bool]:
    with refusals_in(me.user.language):
        await me.port.decline(me.agent_id, offer_id)
    relay_of(request).forget_offer(me.agent_id, offer_id)
    return {"ok": True}


@router.get("/quick-answers")
async def quick_answers(
    me: Me, request: Request, q: Annotated[str, Query(min_length=1, max_length=200)]
) -> dict[str, Any]:
    """Knowledge-base articles for the words typed: title and body (the agent inserts the body)."""
    desktop = desktop_of(request)
    knowledge = KnowledgeBase(SystemClock())

    def search() -> list[dict[str, Any]]:
        with desktop.db() as session:
            hits = knowledge.search(session, q, limit=5, match_any=True)
            articles = [knowledge.get(session, hit.id) for hit in hits]
        return [{"id": a.id, "title": a.title, "body": a.body, "language": a.language} for a in articles]

    with refusals_in(me.user.language):
        return {"answers": await asyncio.to_thread(search)}


@router.get("/{conversation_id}")
async def one_chat(conversation_id: ConversationId, me: Me) -> dict[str, Any]:
    return conversation_json(await me.own(conversation_id))


@router.get("/{conversation_id}/messages")
async def messages(
    conversation_id: ConversationId, me: Me, after: Annotated[int, Query(ge=0, le=10**9)] = 0
) -> dict[str, Any]:
    await me.own(conversation_id)
    with refusals_in(me.user.language):
        found = await me.port.messages(conversation_id, after, 500)
    return {"messages": [message_json(m) for m in found]}


@router.post("/{conversation_id}/messages")
async def post_message(conversation_id: ConversationId, body: PostMessage, me: Me) -> dict[str, Any]:
    with refusals_in(me.user.language):
        stored = await me.port.post_agent(
            conversation_id, me.agent_id, body.text, body.client_id, tuple(body.attachments)
        )
    return message_json(stored)


@router.post("/{conversation_id}/typing")
async def typing(conversation_id: ConversationId, me: Me) -> dict[str, bool]:
    with refusals_in(me.user.language):
        await me.port.typing(conversation_id, Sender.AGENT, me.agent_id)
    return {"ok": True}


@router.post("/{conversation_id}/attachments")
async def upload(
    conversation_id: ConversationId, me: Me, request: Request, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    await me.own(conversation_id)
    data = await read_upload(request, file, me.user.language)
    with refusals_in(me.user.language):
        ref = await me.port.add_attachment(
            conversation_id,
            me.agent_id,
            file.filename or "file",
            file.content_type or "application/octet-stream",
            data,
        )
    return {"attachment_id": ref.attachment_id, "filename": ref.filename,
            "content_type": ref.content_type, "size": ref.size}  # fmt: skip


@router.get("/{conversation_id}/attachments/{attachment_id}", response_model=None)
async def download(
    conversation_id: ConversationId, attachment_id: Annotated[str, Path(pattern=CLIENT_ID)], me: Me
) -> Any:
    await me.own(conversation_id)
    with refusals_in(me.user.language):
        ref, data = await me.port.read_attachment(conversation_id, attachment_id)
    return attachment_response(ref, data)


@router.post("/{conversation_id}/transfer")
async def transfer(conversation_id: ConversationId, body: ChatTransfer, me: Me) -> dict[str, Any]:
    if body.kind == "agent" and body.target == me.agent_id:
        raise ApiError(422, "desktop.bad_transfer_target", me.user.language)
    with refusals_in(me.user.language):
        view = await me.port.transfer(
            conversation_id,
            me.agent_id,
            to_queue=body.target if body.kind == "queue" else None,
            to_agent=body.target if body.kind == "agent" else None,
        )
    return conversation_json(view)


@router.post("/{conversation_id}/end")
async def end(conversation_id: ConversationId, me: Me) -> dict[str, Any]:
    await me.own(conversation_id)
    with refusals_in(me.user.language):
        view = await me.port.end(conversation_id, Sender.AGENT, me.agent_id)
    return conversation_json(view)


@router.post("/{conversation_id}/wrap-up")
async def wrap_up(conversation_id: ConversationId, body: ChatWrapUp, me: Me) -> dict[str, bool]:
    await me.own(conversation_id)
    with refusals_in(me.user.language):
        await me.port.wrap_up(conversation_id, me.agent_id, body.code(), body.notes or None)
    return {"ok": True}
