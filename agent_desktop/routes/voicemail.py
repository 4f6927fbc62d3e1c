"""Voicemail on the agent desktop: the agent's voicemail conversations, one message's details
(caller, length, transcript) and its audio.

Agents reach the voicemails assigned to them, supervisors and admins any. The audio answers Range
requests (the player seeks) and every playback is audited (``voicemail.play``: the first request of
a playback, not each range the player asks for). A file the engine cannot read is a clear 404
``voicemail.file_missing`` (and an error in the log), never a crash. Accept, end and wrap-up are the
conversation routes every channel uses; the call back is the click-to-dial route.
"""

from __future__ import annotations

import logging
from pathlib import Path as FilePath
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import FileResponse

from acd.model import Channel
from agent_desktop.auth.deps import CurrentUser, audit_async, own_scope, require_role
from agent_desktop.chat.port import conversations
from agent_desktop.errors import ApiError
from agent_desktop.media_files import MediaFileMissing, media_response
from agent_desktop.openapi_routes import error_response
from agent_desktop.state import desktop_of
from callcenter.conversations.api import ConversationView
from callcenter.conversations.errors import ConversationError
from recorder.voicemail_store import VoicemailStore, VoicemailView

log = logging.getLogger(__name__)
_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    403: error_response("Another agent's voicemail (voicemail.not_yours)."),
    404: error_response(
        "No such voicemail (voicemail.not_found), or its file is unreadable (voicemail.file_missing)."
    ),
}
_AUDIO: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The WAV file.", "content": {"audio/wav": {"schema": {"type": "string"}}}},
    206: {
        "description": "The part asked for by Range.",
        "content": {"audio/wav": {"schema": {"type": "string"}}},
    },
}
router = APIRouter(prefix="/api/agent/voicemails", responses=_ERRORS)
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _store(request: Request) -> VoicemailStore:
    desktop = desktop_of(request)
    return VoicemailStore(desktop.db, desktop.clock)


async def _allowed(
    user: CurrentUser, request: Request, conversation_id: str
) -> tuple[ConversationView, VoicemailView]:
    try:
        view = await conversations(request).view(conversation_id)
    except ConversationError:
        raise ApiError(404, "voicemail.not_found", user.language) from None
    if view.channel is not Channel.VOICEMAIL:
        raise ApiError(404, "voicemail.not_found", user.language)
    if user.role == "agent" and (not user.agent_id or view.agent_id != user.agent_id):
        raise ApiError(403, "voicemail.not_yours", user.language)
    message = await _store(request).of_conversation(conversation_id)
    if message is None:
        raise ApiError(404, "voicemail.not_found", user.language)
    return view, message


def _json(view: ConversationView, message: VoicemailView) -> dict[str, Any]:
    return {
        "conversation_id": view.conversation_id,
        "status": view.status.value,
        "queue": view.queue,
        "customer_id": view.customer_id,
        "customer_name": view.customer_name,
        "caller_number": message.caller_number,
        "duration_s": message.duration_s,
        "size_bytes": message.size_bytes,
        "transcript": message.transcript,
        "created_at": message.created_at.isoformat(),
        "audio_url": f"/api/agent/voicemails/{view.conversation_id}/audio",
    }


@router.get("")
async def my_voicemails(user: Staff, request: Request) -> list[dict[str, Any]]:
    """The agent's voicemail conversations in hand or in wrap-up (supervisors, admins: all live ones)."""
    live = [v for v in await conversations(request).live(own_scope(user)) if v.channel is Channel.VOICEMAIL]
    store = _store(request)
    out = []
    for view in live:
        message = await store.of_conversation(view.conversation_id)
        if message is not None:
            out.append(_json(view, message))
    return out


@router.get("/{conversation_id}")
async def read_voicemail(conversation_id: ConversationId, user: Staff, request: Request) -> dict[str, Any]:
    return _json(*await _allowed(user, request, conversation_id))


@router.get("/{conversation_id}/audio", response_model=None, responses=_AUDIO)
async def play(conversation_id: ConversationId, user: Staff, request: Request) -> FileResponse:
    _view, message = await _allowed(user, request, conversation_id)
    try:
        response = media_response(
            FilePath(message.file_path), "audio/wav", f"voicemail-{message.id}.wav", "inline", user.language
        )
    except MediaFileMissing as exc:
        log.error(
            "voicemail audio not readable",
            extra={"voicemail": message.id, "path": message.file_path, "reason": exc.reason},
        )
        raise ApiError(404, "voicemail.file_missing", user.language) from None
    requested = request.headers.get("range", "")
    if not requested or requested.replace(" ", "").startswith("bytes=0-"):
        await audit_async(
            request, user, "voicemail.play", f"voicemail:{message.id}",
            {"conversation": conversation_id, "range": requested[:40]},
        )  # fmt: skip
    return response
