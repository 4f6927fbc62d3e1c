"""Call recordings on the desktop: list, details with paused segments, play and download by Range,
legal hold (supervisors, admins) and a retention run now (admins).

Who may reach which recording is :class:`callcenter.recording_desk.RecordingDesk`'s rule; every
playback and download is audited there. A file the server cannot read (deleted, never written, or a
recordings directory not shared with the engine) is answered 404 with a message saying so, and
logged with its path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path as Path_
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import FileResponse

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.media_files import MediaFileMissing, media_response
from agent_desktop.state import desktop_of
from callcenter.i18n import translate
from callcenter.recording_desk import (
    NotYourRecording,
    RecordingDesk,
    RecordingError,
    RecordingGone,
    RecordingNotFound,
    Viewer,
)
from recorder.recordings import RecordingFilter, RecordingView

log = logging.getLogger(__name__)
router = APIRouter()
T = TypeVar("T")
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]
Supervisor = Annotated[CurrentUser, Depends(require_role("supervisor", "admin"))]
Admin = Annotated[CurrentUser, Depends(require_role("admin"))]
RecordingId = Annotated[int, Path(ge=1, le=2**62)]
Name = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class HoldBody(BaseModel):
    hold: bool


def _desk(request: Request, user: CurrentUser) -> RecordingDesk:
    desk = desktop_of(request).recordings
    if desk is None:
        raise ApiError(404, "recording.not_found", user.language)
    return desk


def _viewer(user: CurrentUser) -> Viewer:
    return Viewer(user.username, user.role, user.agent_id)


_STATUS: dict[type[RecordingError], int] = {RecordingNotFound: 404, NotYourRecording: 403, RecordingGone: 410}


async def _ask(user: CurrentUser, call: Awaitable[T]) -> T:
    try:
        return await call
    except RecordingGone as exc:
        state = translate(f"ui.recordings.state.{exc.state}", user.language)
        raise ApiError(410, exc.code, user.language, {"state": state}) from None
    except (RecordingNotFound, NotYourRecording) as exc:
        raise ApiError(_STATUS[type(exc)], exc.code, user.language) from None


def recording_json(view: RecordingView) -> dict[str, Any]:
    return {
        "id": view.id,
        "uniqueid": view.uniqueid,
        "queue": view.queue,
        "agents": list(view.agents),
        "customer_id": view.customer_id,
        "caller_number": view.caller_number,
        "started_at": view.started_at,
        "ended_at": view.ended_at,
        "duration_s": view.duration_s,
        "size": view.size,
        "sha256": view.sha256,
        "state": view.state,
        "missing_reason": view.missing_reason,
        "legal_hold": view.legal_hold,
        "compressed": view.compressed,
        "pauses": [{"start_s": p.start_s, "end_s": p.end_s} for p in view.pauses],
        "audio_url": f"/api/recordings/{view.id}/audio",
        "download_url": f"/api/recordings/{view.id}/download",
    }


@router.get("/api/recordings")
async def list_recordings(
    request: Request,
    user: Staff,
    agent: Name = None,
    queue: Name = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    since: Annotated[datetime | None, Query()] = None,
    until: Annotated[datetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    where = RecordingFilter(
        agent,
        queue,
        customer_id,
        since.timestamp() if since else None,
        until.timestamp() if until else None,
        limit,
    )
    found = await _ask(user, _desk(request, user).list(_viewer(user), where))
    return [recording_json(v) for v in found]


@router.get("/api/recordings/{recording_id}")
async def get_recording(request: Request, user: Staff, recording_id: RecordingId) -> dict[str, Any]:
    return recording_json(await _ask(user, _desk(request, user).get(_viewer(user), recording_id)))


async def _serve(request: Request, user: CurrentUser, recording_id: int, download: bool) -> FileResponse:
    desk = _desk(request, user)
    viewer = _viewer(user)
    found = await _ask(user, desk.playable(viewer, recording_id))
    name = f"recording-{found.uniqueid}.wav"
    try:
        response = media_response(
            Path_(found.path), "audio/wav", name, "attachment" if download else "inline", user.language
        )
    except MediaFileMissing as exc:
        log.warning(
            "recording file not readable",
            extra={"recording": found.id, "path": found.path, "reason": exc.reason},
        )
        raise ApiError(404, "recording.file_not_visible", user.language) from None
    await desk.audit_access(viewer, found, download)
    return response


@router.get("/api/recordings/{recording_id}/audio", response_model=None)
async def play_recording(request: Request, user: Staff, recording_id: RecordingId) -> FileResponse:
    return await _serve(request, user, recording_id, download=False)


@router.get("/api/recordings/{recording_id}/download", response_model=None)
async def download_recording(request: Request, user: Staff, recording_id: RecordingId) -> FileResponse:
    return await _serve(request, user, recording_id, download=True)


@router.put("/api/recordings/{recording_id}/hold")
async def set_hold(
    request: Request, user: Supervisor, recording_id: RecordingId, body: HoldBody
) -> dict[str, Any]:
    changed = await _ask(user, _desk(request, user).set_hold(_viewer(user), recording_id, body.hold))
    return recording_json(changed)


@router.post("/api/admin/recordings/retention")
async def run_retention(request: Request, user: Admin) -> dict[str, Any]:
    report = await _desk(request, user).run_retention(_viewer(user))
    return {
        "deleted": report.deleted,
        "held": report.held,
        "failed": list(report.failed),
        "compressed": report.compressed,
    }
