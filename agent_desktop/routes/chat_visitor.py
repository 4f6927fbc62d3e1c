"""The visitors' chat API: public (no sign-in), so every byte is treated as hostile.

A visitor starts a chat (the pre-chat form or the site's signed customer token) and gets the
conversation id and a visitor key; every later call names the conversation in the path and sends the
key in ``X-Chat-Key``. The visitor's language is ``X-Chat-Lang`` (their choice in the widget), else
the browser's. Errors are ``{code, message}`` in that language; ``chat.*`` codes are this API's own,
``conversation.*`` the service's.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Header, Path, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from agent_desktop.chat import responses
from agent_desktop.chat.attachments import attachment_response, read_upload
from agent_desktop.chat.errors import refusals_in
from agent_desktop.chat.port import conversations
from agent_desktop.chat.visitor_keys import visitor_keys_of
from agent_desktop.chat.visitor_socket import serve_visitor
from agent_desktop.chat.wire import message_json, visitor_conversation_json, wait_json
from agent_desktop.errors import ApiError, request_language
from agent_desktop.state import desktop_of
from callcenter.conversations.api import ChatRequest, ConversationPort, ConversationView, Sender
from callcenter.errors import CallCenterError
from callcenter.i18n import SUPPORTED_LANGUAGES, catalogue, translate
from crm_core.errors import CrmError

router = APIRouter(prefix="/api/chat", responses=responses.VISITOR)
router.add_api_websocket_route("/ws", serve_visitor)

CONVERSATION_ID = r"^[A-Za-z0-9_-]{1,64}$"
CLIENT_ID = r"^[A-Za-z0-9_-]{1,64}$"
ConversationId = Annotated[str, Path(pattern=CONVERSATION_ID)]


async def visitor_language(request: Request) -> str:
    chosen = request.headers.get("x-chat-lang", "")
    return chosen if chosen in SUPPORTED_LANGUAGES else request_language(request)


Language = Annotated[str, Depends(visitor_language)]


class Visitor:
    """The conversation a request's key opens, with the port and the visitor's language."""

    def __init__(self, port: ConversationPort, view: ConversationView, language: str) -> None:
        self.port, self.view, self.language = port, view, language

    @property
    def conversation_id(self) -> str:
        return self.view.conversation_id


async def _visitor(
    request: Request,
    conversation_id: ConversationId,
    language: Language,
    x_chat_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Visitor:
    """401 ``chat.key_required`` without a key, 403 ``chat.not_your_chat`` with a wrong one or an
    unknown conversation (the two are not told apart)."""
    port = conversations(request)
    if not x_chat_key:
        raise ApiError(401, "chat.key_required", language)
    try:
        view = await visitor_keys_of(request).authenticate(port, conversation_id, x_chat_key)
    except (CallCenterError, CrmError):  # either way the caller learns nothing about the conversation
        raise ApiError(403, "chat.not_your_chat", language) from None
    return Visitor(port, view, language)


VisitorOf = Annotated[Visitor, Depends(_visitor)]


class StartChat(BaseModel):
    name: str = Field("", max_length=100)
    topic: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    language: Literal["en", "zh_CN"] | None = None  # else X-Chat-Lang, else the browser's
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+() .-]*$")
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+$")
    customer_token: str | None = Field(None, max_length=512, pattern=r"^[A-Za-z0-9_.:=-]+$")


class PostMessage(BaseModel):
    text: str = Field("", max_length=20_000)  # the service's own, smaller limit answers with its code
    client_id: str = Field(pattern=CLIENT_ID)
    attachments: list[Annotated[str, Field(pattern=CLIENT_ID)]] = Field(default_factory=list, max_length=5)


class TranscriptRequest(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/start")
async def start(body: StartChat, request: Request, language: Language) -> dict[str, Any]:
    """A new chat: the pre-chat form (``name`` and ``topic`` at least, or a ``customer_token``)."""
    name, lang = body.name.strip(), body.language or language
    port = conversations(request)
    chat = ChatRequest(
        name=name,
        topic=body.topic,
        language=lang,
        address=_address(request),
        phone=body.phone or None,
        email=body.email or None,
        customer_token=body.customer_token or None,
    )
    with refusals_in(lang):
        opened = await port.open_chat(chat)
        wait = await port.wait_info(opened.conversation.conversation_id)
    visitor_keys_of(request).remember(opened.conversation, opened.visitor_key)
    return {
        "conversation": visitor_conversation_json(opened.conversation),
        "visitor_key": opened.visitor_key,
        "wait": wait_json(wait),
    }


@router.get("/{conversation_id}")
async def conversation(visitor: VisitorOf) -> dict[str, Any]:
    with refusals_in(visitor.language):
        view = await visitor.port.view(visitor.conversation_id)
        wait = await visitor.port.wait_info(visitor.conversation_id)
    return {"conversation": visitor_conversation_json(view), "wait": wait_json(wait)}


@router.get("/{conversation_id}/messages")
async def messages(visitor: VisitorOf, after: Annotated[int, Query(ge=0, le=10**9)] = 0) -> dict[str, Any]:
    """What came after ``seq`` ``after``, in order (at most 500: ask again from the last one)."""
    with refusals_in(visitor.language):
        found = await visitor.port.messages(visitor.conversation_id, after, 500)
    return {"messages": [message_json(m) for m in found]}


@router.post("/{conversation_id}/messages")
async def post_message(body: PostMessage, visitor: VisitorOf) -> dict[str, Any]:
    """Stored once per ``client_id``: a retry after a network drop answers with the same message."""
    with refusals_in(visitor.language):
        stored = await visitor.port.post_customer(
            visitor.conversation_id, body.text, body.client_id, tuple(body.attachments)
        )
    return message_json(stored)


@router.post("/{conversation_id}/typing", status_code=204)
async def typing(visitor: VisitorOf) -> Response:
    with refusals_in(visitor.language):
        await visitor.port.typing(visitor.conversation_id, Sender.CUSTOMER, visitor.view.customer_name)
    return Response(status_code=204)


@router.post("/{conversation_id}/end")
async def end(visitor: VisitorOf) -> dict[str, Any]:
    with refusals_in(visitor.language):
        view = await visitor.port.end(visitor.conversation_id, Sender.CUSTOMER, visitor.view.customer_name)
    return {"conversation": visitor_conversation_json(view)}


@router.post("/{conversation_id}/transcript", status_code=202)
async def transcript(body: TranscriptRequest, visitor: VisitorOf) -> dict[str, Any]:
    """E-mails the transcript to ``email`` (queued by the e-mail channel)."""
    with refusals_in(visitor.language):
        await visitor.port.email_transcript(visitor.conversation_id, body.email)
    return {"queued": True}


@router.post("/{conversation_id}/attachments")
async def upload(request: Request, visitor: VisitorOf, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """One file (multipart ``file``); its type is checked on its content, its size against
    ``chat.max_attachment_bytes``. Send its ``attachment_id`` with a message."""
    data = await read_upload(request, file, visitor.language)
    with refusals_in(visitor.language):
        ref = await visitor.port.add_attachment(
            visitor.conversation_id,
            "customer",
            file.filename or "file",
            file.content_type or "application/octet-stream",
            data,
        )
    return {
        "attachment_id": ref.attachment_id,
        "filename": ref.filename,
        "content_type": ref.content_type,
        "size": ref.size,
    }


@router.get("/{conversation_id}/attachments/{attachment_id}", response_model=None)
async def download(visitor: VisitorOf, attachment_id: Annotated[str, Path(pattern=CLIENT_ID)]) -> Response:
    with refusals_in(visitor.language):
        ref, data = await visitor.port.read_attachment(visitor.conversation_id, attachment_id)
    return attachment_response(ref, data)


@router.get("/topics/{language}")
async def topics(language: str, request: Request) -> dict[str, Any]:
    """The pre-chat form's topics (``chat.topics``) with their names in ``language``."""
    lang = language if language in SUPPORTED_LANGUAGES else "en"
    names = desktop_of(request).settings.chat.topics
    return {"topics": [{"topic": t, "label": translate(f"ui.chat.topic.{t}", lang)} for t in names]}


@router.get("/i18n/{language}")
async def texts(language: str) -> dict[str, Any]:
    """The widget's texts (``ui.chat.*``) and the system messages' (``conversation.system.*``)."""
    lang = language if language in SUPPORTED_LANGUAGES else "en"
    return {
        "language": lang,
        "texts": catalogue(lang, "ui.chat.") | catalogue(lang, "conversation.system."),
    }
