"""Serving a stored media file (a recording, a voicemail, a fax) over HTTP, with Range requests.

One function for every recorder download so the audio element can seek in a long call: the browser
asks ``Range: bytes=N-`` and gets ``206 Partial Content`` with ``Content-Range``; a range past the
end is answered ``416`` with ``Content-Range: bytes */size``. Starlette's ``FileResponse`` does the
range arithmetic (single and multiple ranges); this module adds what it lacks: a clear error when the
file the database names is not there (``MediaFileMissing``, for the caller to translate and log)
instead of a crash halfway through the response, and the unit in a 416's ``Content-Range``
(Starlette 0.48 sends ``*/size``; RFC 9110 14.4 wants ``bytes */size``, and players check it), and
a 416 body like every other error of the API (``{"code", "message"}``, in ``language``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from starlette.responses import FileResponse
from starlette.types import Message, Receive, Scope, Send

from callcenter.i18n import translate

Disposition = Literal["inline", "attachment"]


class MediaFileMissing(Exception):
    """The file is not readable at ``path`` (deleted, never written, or a mount the engine cannot see)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class _RangeFileResponse(FileResponse):
    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._language = language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = False
        code = "media.range_not_satisfiable"
        body = json.dumps({"code": code, "message": translate(code, self._language)}).encode()

        async def send_fixed(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 416:
                refused = True
                size = next((v for k, v in message["headers"] if k == b"content-range"), b"*/0").split(b"/")[
                    -1
                ]
                message["headers"] = [
                    (b"content-range", b"bytes */" + size),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
            elif message["type"] == "http.response.body" and refused:
                message = {"type": "http.response.body", "body": body, "more_body": False}
            await send(message)

        await super().__call__(scope, receive, send_fixed)


def media_response(
    path: Path, media_type: str, filename: str, disposition: Disposition = "inline", language: str = "en"
) -> FileResponse:
    """A response serving ``path`` whole or by ``Range``; raises :class:`MediaFileMissing` first."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise MediaFileMissing(path, "not found") from None
    except OSError as exc:
        raise MediaFileMissing(path, exc.strerror or type(exc).__name__) from None
    if not os.access(path, os.R_OK):
        raise MediaFileMissing(path, "not readable")
    return _RangeFileResponse(
        path,
        media_type=media_type,
        filename=filename,
        stat_result=stat,
        content_disposition_type=disposition,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        language=language,
    )
