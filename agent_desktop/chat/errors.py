"""The conversation service's refusals as the chat API answers them: a status and the translated text
in the language of the person asking (a visitor's choice in the widget, not only their browser's),
with the code unchanged."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Final

from acd.errors import AcdError
from agent_desktop.errors import ApiError
from callcenter.conversations.errors import (
    BadAttachment,
    BadInput,
    BadVisitorKey,
    ConversationNotFound,
    NotYours,
    RateLimited,
    Unavailable,
)
from callcenter.errors import CallCenterError
from crm_core.errors import CrmError, NotFound

_STATUS_BY_CODE: Final[dict[str, int]] = {
    "conversation.attachment_too_large": 413,
    "conversation.attachment_type": 415,
    "conversation.attachment_mismatch": 415,
    "conversation.unknown_attachment": 404,
    "conversation.unknown_queue": 422,
    "conversation.unknown_topic": 422,
    "conversation.transcript_unavailable": 503,
}
_STATUS_BY_KIND: Final[tuple[tuple[type[Exception], int], ...]] = (
    (ConversationNotFound, 404),
    (BadVisitorKey, 403),
    (NotYours, 403),
    (RateLimited, 429),
    (BadAttachment, 422),
    (BadInput, 422),
    (Unavailable, 503),
    (NotFound, 404),
    (CrmError, 422),
)


def status_of(exc: Exception) -> int:
    """``conversation.closed``, ``offer_gone``, ``not_ended``…: 409 (not in this state)."""
    status = _STATUS_BY_CODE.get(str(getattr(exc, "code", "")))
    if status is not None:
        return status
    return next((s for kind, s in _STATUS_BY_KIND if isinstance(exc, kind)), 409)


@contextlib.contextmanager
def refusals_in(language: str) -> Iterator[None]:
    """Turns the cores' coded errors raised inside into :class:`ApiError` in ``language``."""
    try:
        yield
    except (CallCenterError, CrmError, AcdError) as exc:
        code = str(getattr(exc, "code", "callcenter.error"))
        raise ApiError(status_of(exc), code, language, error_params(exc)) from exc


def error_params(exc: Exception) -> dict[str, object]:
    """The parameters of a coded error's text: its ``params``, else its string attributes (never
    ``code``, which :func:`callcenter.i18n.translate` takes as its own argument)."""
    params = getattr(exc, "params", None)
    if params is None:
        params = {k: v for k, v in vars(exc).items() if isinstance(v, str)}
    return {k: v for k, v in dict(params).items() if k != "code"}
