"""Files in chats, both ways: the upload read with a size cap (before the service sniffs its type), and
the download served so that no browser runs it (``nosniff``, a sandbox, only images shown inline)."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

from fastapi import Request, Response, UploadFile

from agent_desktop.errors import ApiError
from agent_desktop.state import desktop_of
from callcenter.conversations.api import AttachmentRef

_MULTIPART_OVERHEAD: Final = 16 * 1024
_INLINE: Final = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def max_attachment_bytes(request: Request) -> int:
    return desktop_of(request).settings.chat.max_attachment_bytes


async def read_upload(request: Request, file: UploadFile, language: str) -> bytes:
    """The file's bytes (at most the limit: 413 ``chat.attachment_too_large`` above it, before
    the whole body is read); an empty file or a wrong type is the service's to refuse."""
    limit = max_attachment_bytes(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _MULTIPART_OVERHEAD:
        raise ApiError(413, "chat.attachment_too_large", language, {"max_kb": limit // 1024})
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "chat.attachment_too_large", language, {"max_kb": limit // 1024})
    return data


def attachment_response(ref: AttachmentRef, data: bytes) -> Response:
    """Images inline, everything else as a download; never interpreted as a page."""
    disposition = "inline" if ref.content_type in _INLINE else "attachment"
    return Response(
        data,
        media_type=ref.content_type if ref.content_type else "application/octet-stream",
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(ref.filename, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
