"""The conversation service's refusals as the chat API answers them: a status and the translated text
in the language the visitor chose (not the browser's), with the code unchanged."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from acd.errors import AcdError
from agent_desktop.errors import ApiError
from callcenter.errors import CallCenterError
from crm_core.errors import CrmError, NotFound

# By the last part of a ``conversation.*`` code: rate limits, sizes, missing things.
_STATUS_BY_SUFFIX: dict[str, int] = {
    "rate_limited": 429,
    "too_many_chats": 429,
    "too_many_open": 429,
    "too_long": 422,
    "too_large": 413,
    "bad_type": 415,
    "not_found": 404,
    "unknown": 404,
    "bad_key": 403,
    "forbidden": 403,
    "not_yours": 403,
}


def status_of(exc: Exception) -> int:
    code = str(getattr(exc, "code", ""))
    for suffix, status in _STATUS_BY_SUFFIX.items():
        if code.endswith(suffix) or f".{suffix}." in code or code.split(".")[-1].startswith(suffix):
            return status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, CrmError):
        return 422
    return 409


@contextlib.contextmanager
def refusals_in(language: str) -> Iterator[None]:
    """Turns the cores' coded errors raised inside into :class:`ApiError` in ``language``."""
    try:
        yield
    except (CallCenterError, CrmError, AcdError) as exc:
        code = str(getattr(exc, "code", "callcenter.error"))
        params = getattr(exc, "params", None) or {k: v for k, v in vars(exc).items() if isinstance(v, str)}
        raise ApiError(status_of(exc), code, language, params) from exc
