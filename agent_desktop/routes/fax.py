"""Fax on the agent desktop: the fax work items and sent faxes, a fax's PDF (authorised, audited,
served by Range), and sending a PDF to a number.

Agents see the faxes of the conversations they hold and the faxes they sent; supervisors and admins
see every fax. Every view or download of a document writes an audit row (``fax.view``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from starlette.responses import FileResponse

from agent_desktop.auth.deps import CurrentUser, audit_async, own_scope, require_role
from agent_desktop.errors import ApiError
from agent_desktop.media_files import MediaFileMissing, media_response
from agent_desktop.state import desktop_of
from callcenter.fax.desk import FaxDesk
from callcenter.fax.errors import FaxError
from callcenter.i18n import translate
from crm_core.faxes import FaxView

log = logging.getLogger(__name__)
router = APIRouter()
Staff = Annotated[CurrentUser, Depends(require_role("agent", "supervisor", "admin"))]
FaxId = Annotated[int, Path(ge=1, le=2**62)]
_STATUS = {"fax.not_found": 404, "fax.not_yours": 403, "fax.file_missing": 404, "fax.too_large": 413}


def _desk(request: Request, user: CurrentUser) -> FaxDesk:
    desk = desktop_of(request).fax
    if desk is None:
        raise ApiError(404, "fax.disabled", user.language)
    return desk


def _refused(exc: FaxError, user: CurrentUser) -> ApiError:
    return ApiError(_STATUS.get(exc.code, 422), exc.code, user.language, exc.params)


def error_text(error: str | None, language: str) -> str | None:
    """Our own reasons (``fax.<code>: <detail>``) in the person's language; Asterisk's FAXERROR
    texts (``RETRAIN_FAILED: …``) as Asterisk gave them."""
    if error is None or not error.startswith("fax."):
        return error
    code, _, detail = error.partition(": ")
    return translate(code, language, path=detail)


def _fax_json(fax: FaxView, language: str) -> dict[str, Any]:
    return {
        "id": fax.id,
        "direction": fax.direction,
        "number": fax.number,
        "remote_station_id": fax.remote_station_id,
        "pages": fax.pages,
        "resolution": fax.resolution,
        "status": fax.status,
        "error": fax.error,
        "error_text": error_text(fax.error, language),
        "attempts": fax.attempts,
        "customer_id": fax.customer_id,
        "agent_id": fax.agent_id,
        "conversation_id": fax.conversation_id,
        "has_document": fax.pdf_path is not None,
        "created_at": fax.created_at.isoformat(),
        "finished_at": fax.finished_at.isoformat() if fax.finished_at else None,
    }


@router.get("/api/agent/faxes")
async def my_faxes(user: Staff, request: Request) -> dict[str, Any]:
    """The fax work items the agent holds (supervisors: all live ones) and the faxes they sent."""
    desk = _desk(request, user)
    items = await desk.open_items(own_scope(user))
    return {
        "items": [
            {
                "conversation_id": v.conversation_id,
                "status": v.status.value,
                "customer_name": v.customer_name,
                "customer_id": v.customer_id,
                "fax": _fax_json(f, user.language) if f is not None else None,
            }
            for v, f in items
        ],
        "sent": [_fax_json(f, user.language) for f in await desk.sent(own_scope(user))],
    }


@router.get("/api/agent/faxes/{fax_id}")
async def one_fax(fax_id: FaxId, user: Staff, request: Request) -> dict[str, Any]:
    try:
        return _fax_json(await _desk(request, user).fax(fax_id, own_scope(user)), user.language)
    except FaxError as exc:
        raise _refused(exc, user) from None


@router.get("/api/agent/faxes/{fax_id}/document")
async def document(
    fax_id: FaxId,
    user: Staff,
    request: Request,
    download: Annotated[bool, Query()] = False,
) -> FileResponse:
    """The fax's PDF, inline for the viewer or as a download; each request is audited (a viewer's
    range requests included: every one read the document)."""
    try:
        fax, path = await _desk(request, user).document(fax_id, own_scope(user))
        response = media_response(
            path,
            "application/pdf",
            f"fax-{fax.id}.pdf",
            "attachment" if download else "inline",
            user.language,
        )
    except FaxError as exc:
        if exc.code == "fax.file_missing":
            log.error("fax document not visible to the engine", extra={"fax": fax_id, "path": exc.params})
        raise _refused(exc, user) from None
    except MediaFileMissing as exc:
        log.error("fax document not readable", extra={"fax": fax_id, "reason": exc.reason})
        raise ApiError(404, "fax.file_missing", user.language, {"path": "-"}) from None
    await audit_async(
        request, user, "fax.view", f"fax:{fax.id}",
        {"download": str(download).lower(), "range": request.headers.get("range", "")[:60]},
    )  # fmt: skip
    return response


@router.post("/api/agent/faxes")
async def send_fax(
    user: Staff,
    request: Request,
    number: Annotated[str, Form(min_length=3, max_length=40)],
    document: Annotated[UploadFile, File()],
    customer_id: Annotated[int | None, Form(ge=1, le=2**62)] = None,
) -> dict[str, Any]:
    """Send the uploaded PDF to ``number``: converted, queued and dialed at once (busy lines are
    tried again); the answer is the fax as it stands."""
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    desk = _desk(request, user)
    limit = desktop_of(request).settings.fax.max_upload_bytes
    data = await document.read(limit + 1)
    try:
        if len(data) > limit:
            raise FaxError("fax.too_large", limit=limit)
        fax = await desk.send(user.agent_id, number, data, customer_id)
    except FaxError as exc:
        raise _refused(exc, user) from None
    await audit_async(
        request, user, "fax.send", f"fax:{fax.id}", {"number": fax.number, "pages": str(fax.pages)}
    )
    return _fax_json(fax, user.language)
