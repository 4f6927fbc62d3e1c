"""What each route answers besides its success and the errors every route shares, for the schema.

Keyed by (method, path). Kept next to :mod:`agent_desktop.openapi`, which adds 401/403 (a session is
needed) and 422 (input) by itself; a test runs every route against the live app and fails on an
answer this table does not document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

ERROR_REF: Final = "#/components/schemas/ErrorBody"


def error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _file(media_types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": "The file.",
        "content": {media_type: {"schema": {"type": "string"}} for media_type in media_types},
    }


_TO_SIGN_IN: Final = {"description": "Not signed in with a role that may see the page: to /login."}
_NOT_FOUND: Final = error_response("No such page or file (desktop.not_found).")
_STATE: Final = error_response("The request does not fit the current state (the code says why).")
_UNKNOWN: Final = error_response("No such item (the code says which).")
_PBX: Final = error_response("The PBX (Asterisk) could not do it now (asterisk.*).")
_SCRIPTS: Final = ("text/javascript", "application/javascript")
_EDITOR: Final = error_response("The flow text or the node asked for cannot be edited (ivr_editor.*).")
_CALL_CONTROL: Final = {"409": _STATE, "503": _PBX}
_RECORDING_FILE: Final = {
    "200": _file(("audio/wav",)),
    "206": _file(("audio/wav",)),
    "404": error_response("No such recording, or its file cannot be read (recording.file_not_visible)."),
    "410": error_response("The recording was deleted by retention or its file was missing."),
    "416": error_response("The Range is past the end of the file (media.range_not_satisfiable)."),
}
_EMAIL: Final = {
    "404": _UNKNOWN,
    "403": error_response(
        "Not signed in with a role for this route, or another agent's e-mail (email.not_yours)."
    ),
    "409": _STATE,
}
_FAX: Final = {
    "404": error_response(
        "No such fax, fax is off (fax.disabled), or its file is not visible (fax.file_missing)."
    ),
    "403": error_response(
        "Not signed in with a role for this route, or another agent's fax (fax.not_yours)."
    ),
}
_CALL_ACTIONS: Final = (
    *("call/recording", "call/hangup", "call/transfer", "call/consult", "call/consult/{step}"),
    *("call/hold", "call/mute", "call/dtmf", "dial"),
)

# None: the route never answers with that status (FastAPI documents a 200 for every route).
ROUTE_RESPONSES: Final[Mapping[tuple[str, str], Mapping[str, Any | None]]] = {
    ("GET", "/"): {
        "200": _html("The status page (for everyone in the demo; signed-in users in a deployment)."),
        "303": _TO_SIGN_IN,
    },
    ("GET", "/api/public/summary"): {
        "401": error_response("A deployment shows the summary to signed-in users (auth.not_signed_in)."),
    },
    ("GET", "/login"): {"200": _html("The sign-in page.")},
    ("GET", "/home"): {"200": None, "303": {"description": "To the signed-in user's page, else to /login."}},
    ("GET", "/{page}"): {"200": _html("The page."), "303": _TO_SIGN_IN, "404": _NOT_FOUND},
    ("GET", "/static/{name}"): {"200": _file((*_SCRIPTS, "text/css", "image/svg+xml")), "404": _NOT_FOUND},
    ("GET", "/favicon.ico"): {"200": _file(("image/svg+xml",))},
    ("GET", "/static/vendor/{name}"): {"200": _file(_SCRIPTS), "404": _NOT_FOUND},
    ("GET", "/admin/ivr"): {"200": _html("The IVR flow editor."), "303": _TO_SIGN_IN},
    ("GET", "/admin/ivr/static/{name}"): {"200": _file((*_SCRIPTS, "text/css")), "404": _NOT_FOUND},
    ("GET", "/api/docs"): {"200": _html("Swagger UI on this schema.")},
    ("GET", "/api/ws-protocol"): {
        "200": {
            "description": "The /ws messages: `protocol` (the version `hello` carries) and, by wire name, "
            "each message's `direction` (to_browser | to_server), `audience` (agent | supervisor) and "
            "JSON `schema`.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    ("GET", "/api/docs/{name}"): {"200": _file((*_SCRIPTS, "text/css")), "404": _NOT_FOUND},
    ("POST", "/api/auth/login"): {
        "401": error_response("Wrong username or password, or a disabled user (auth.bad_credentials)."),
        "429": error_response("Too many failed sign-ins; Retry-After says when to try again."),
    },
    ("POST", "/api/agent/state"): {"409": _STATE},
    ("GET", "/api/agent/options"): {"409": _STATE},
    ("GET", "/api/agent/history"): {"409": _STATE},
    ("POST", "/api/agent/offer/accept"): {"409": _STATE, "503": _PBX},
    ("POST", "/api/agent/offer/decline"): {
        "409": _STATE,
        "501": error_response("Declining is not available here (desktop.decline_unavailable)."),
    },
    **{("POST", f"/api/agent/{action}"): _CALL_CONTROL for action in _CALL_ACTIONS},
    ("POST", "/api/agent/wrap-up"): {"404": _UNKNOWN, "409": _STATE},
    ("GET", "/api/agent/softphone"): {
        "409": _STATE,
        "503": error_response("The browser phone is not set up (desktop.webrtc_not_configured)."),
    },
    ("POST", "/api/callbacks/{callback_id}/cancel"): {"404": _UNKNOWN, "409": _STATE},
    ("POST", "/api/callbacks/{callback_id}/reschedule"): {"404": _UNKNOWN, "409": _STATE},
    ("GET", "/api/customers/{customer_id}"): {"404": _UNKNOWN},
    ("POST", "/api/supervisor/agents/{agent_id}/supervise"): {"404": _UNKNOWN, "409": _STATE, "503": _PBX},
    ("POST", "/api/supervisor/agents/{agent_id}/state"): {"404": _UNKNOWN, "409": _STATE},
    ("POST", "/api/supervisor/waiting/{uniqueid}/agent"): {"404": _UNKNOWN, "409": _STATE, "503": _PBX},
    ("POST", "/api/supervisor/waiting/{uniqueid}/queue"): {"404": _UNKNOWN, "409": _STATE, "503": _PBX},
    ("POST", "/api/supervisor/waiting/{uniqueid}/remove"): {"409": _STATE, "503": _PBX},
    ("POST", "/api/supervisor/items/{item_id}/queue"): {"409": _STATE},
    ("PATCH", "/api/admin/users/{user_id}"): {"404": _UNKNOWN, "409": _STATE},
    ("DELETE", "/api/admin/agents/{agent_id}"): {"404": _UNKNOWN},
    ("DELETE", "/api/admin/queues/{name}"): {"404": _UNKNOWN, "409": _STATE},
    ("GET", "/api/ivr/flows/{flow}/versions/{version}"): {"404": _UNKNOWN},
    ("GET", "/api/ivr/flows/{flow}/history"): {"404": _UNKNOWN},
    ("GET", "/api/ivr/flows/{flow}/diff"): {"404": _UNKNOWN},
    ("POST", "/api/ivr/node-form"): {"400": _EDITOR},
    ("POST", "/api/ivr/node-apply"): {"400": _EDITOR},
    ("POST", "/api/ivr/flows/{flow}/publish"): {"404": _UNKNOWN},
    ("POST", "/api/ivr/flows/{flow}/rollback"): {"404": _UNKNOWN, "409": _STATE},
    ("POST", "/api/ivr/flows/{flow}/dry-run"): {"404": _UNKNOWN},
    # The e-mail channel (agent_desktop/routes/email.py): 404 also while it is off (email.disabled).
    ("GET", "/api/agent/emails"): {"404": _UNKNOWN},
    ("GET", "/api/agent/emails/{conversation_id}"): _EMAIL,
    ("GET", "/api/agent/emails/{conversation_id}/mails/{raw_id}/attachments/{index}"): {
        **_EMAIL,
        "200": _file(("application/octet-stream",)),
    },
    ("POST", "/api/agent/emails/{conversation_id}/reply"): _EMAIL,
    ("GET", "/api/agent/emails/{conversation_id}/suggestions"): _EMAIL,
    ("POST", "/api/agent/emails/{conversation_id}/customer"): _EMAIL,
    ("GET", "/api/admin/email/quarantine"): {"404": _UNKNOWN},
    ("GET", "/api/admin/email/raw/{raw_id}"): {"404": _UNKNOWN, "200": _file(("message/rfc822",))},
    # Call recordings (agent_desktop/routes/recordings.py): 403 also for another agent's recording.
    ("GET", "/api/recordings"): {"404": _UNKNOWN},
    ("GET", "/api/recordings/{recording_id}"): {"404": _UNKNOWN},
    ("GET", "/api/recordings/{recording_id}/audio"): _RECORDING_FILE,
    ("GET", "/api/recordings/{recording_id}/download"): _RECORDING_FILE,
    ("PUT", "/api/recordings/{recording_id}/hold"): {"404": _UNKNOWN},
    ("POST", "/api/admin/recordings/retention"): {"404": _UNKNOWN},
    # Fax (agent_desktop/routes/fax.py): 404 also while it is off (fax.disabled).
    ("GET", "/api/agent/faxes"): {"404": _UNKNOWN},
    ("GET", "/api/agent/faxes/{fax_id}"): _FAX,
    ("GET", "/api/agent/faxes/{fax_id}/document"): {
        **_FAX,
        "200": _file(("application/pdf",)),
        "206": _file(("application/pdf",)),
    },
    ("POST", "/api/agent/faxes"): {
        "404": _UNKNOWN,
        "409": _STATE,
        "413": error_response("The document is larger than fax.max_upload_bytes (fax.too_large)."),
    },
}
