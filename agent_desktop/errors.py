"""The web app's error: an HTTP status, a stable code and a message translated at the edge.

Rendered as ``{"code": "auth.not_signed_in", "message": "..."}`` by the handler that
:func:`agent_desktop.app.create_app` installs. It subclasses ``HTTPException`` so that a router
mounted without that handler (for example in a unit test) still answers with the right status.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException, Request, WebSocket, WebSocketException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.websockets import WebSocketState

from acd.errors import AcdError
from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.state import desktop_of
from callcenter.errors import CallCenterError
from callcenter.i18n import SUPPORTED_LANGUAGES, translate
from callcenter.pbx import PbxError
from crm_core.errors import CrmError, NotFound


def translate_code(code: str, language: str, params: Mapping[str, object] | None = None) -> str:
    """UI codes and the cores' error codes, through :func:`callcenter.i18n.translate`."""
    return translate(code, language, **{k: str(v) for k, v in (params or {}).items()})


class ApiError(HTTPException):
    def __init__(
        self,
        status: int,
        code: str,
        language: str = "en",
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = translate_code(code, language, params)
        super().__init__(status, {"code": code, "message": self.message}, dict(headers or {}))


def request_language(request: Request) -> str:
    """The signed-in user's language (as they last chose it); for a person not (yet) signed in, the
    ``lang`` cookie, then Accept-Language."""
    try:
        user = desktop_of(request).sessions.get(request.cookies.get(COOKIE_NAME), touch=False)
    except TypeError:  # a router mounted on its own (the IVR editor's tests): no sessions
        user = None
    if user is not None and user.language in SUPPORTED_LANGUAGES:
        return user.language
    cookie = request.cookies.get("lang", "")
    if cookie in SUPPORTED_LANGUAGES:
        return cookie
    accept = request.headers.get("accept-language", "").lower()
    return "zh_CN" if accept.startswith("zh") else "en"


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse({"code": exc.code, "message": exc.message}, exc.status_code, exc.headers)


# The use cases' refusals (``callcenter.services.errors``) and the engine's, by code.
_STATUS_BY_CODE: dict[str, int] = {
    "desktop.not_your_interaction": 403,
    "desktop.not_your_callback": 403,
    "desktop.disposition_required": 422,
    "desktop.bad_disposition": 422,
    "desktop.bad_transfer_target": 422,
    "desktop.unknown_agent": 404,
    "desktop.queue_in_use": 409,
    "desktop.own_account": 409,
    "auth.bad_credentials": 401,
    "auth.rate_limited": 429,
    "callcenter.phone_does_this": 501,
    "callcenter.bad_phone_number": 422,
    "callcenter.pbx_unavailable": 503,
    "callcenter.not_waiting": 409,
    "crm.callback.closed": 409,
    "crm.callback.in_progress": 409,
}


def _status_of(exc: Exception) -> int:
    status = _STATUS_BY_CODE.get(str(getattr(exc, "code", "")))
    if status is not None:
        return status
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, CrmError):
        return 422
    if isinstance(exc, PbxError):
        return 503
    return 409  # AcdError, CallCenterError: the request does not fit the current state


async def domain_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The cores' and the engine's errors: their stable code, translated for the person asking."""
    code = str(getattr(exc, "code", "callcenter.error"))
    params = getattr(exc, "params", None) or {k: v for k, v in vars(exc).items() if isinstance(v, str)}
    params = {k: v for k, v in params.items() if k != "code"}  # a code given when raised is no parameter
    message = translate_code(code, request_language(request), params)
    return JSONResponse({"code": code, "message": message}, _status_of(exc))


DOMAIN_ERRORS: tuple[type[Exception], ...] = (AcdError, CrmError, CallCenterError)


# What Starlette and FastAPI raise themselves: a body that is not JSON, an unknown path or method.
_HTTP_CODES: dict[int, str] = {
    400: "desktop.bad_json",
    404: "desktop.not_found",
    405: "desktop.method_not_allowed",
}


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals in the API's body (``{code, message}``, translated) instead of
    ``{"detail": …}``; an ``ApiError`` has its handler."""
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "desktop.invalid_request")
    message = translate_code(code, request_language(request), {"fields": ""})
    return JSONResponse({"code": code, "message": message}, exc.status_code, dict(exc.headers or {}))


async def invalid_request_handler(request: Request, exc: Exception) -> JSONResponse:
    """A body, path or query the API's models refuse: 422 with a translated message naming the
    fields at fault (FastAPI's own answer is English-only, and the pages show ``message``)."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "field": ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0]),
            "problem": error["msg"],
        }
        for error in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(p["field"] for p in problems))
    message = translate_code("desktop.invalid_request", request_language(request), {"fields": fields})
    return JSONResponse({"code": "desktop.invalid_request", "message": message, "errors": problems}, 422)


async def websocket_refusal_handler(websocket: WebSocket, exc: Exception) -> None:
    """Accept, then close with the code (4401 / 4403): a socket closed before the handshake completes
    would reach the browser as a bare HTTP 403, and the page could not tell "sign in again" apart."""
    assert isinstance(exc, WebSocketException)
    if websocket.application_state is WebSocketState.CONNECTING:
        await websocket.accept()
    if websocket.application_state is WebSocketState.CONNECTED:
        await websocket.close(exc.code, exc.reason)
