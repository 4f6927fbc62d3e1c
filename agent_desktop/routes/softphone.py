"""How the browser phone connects: simulated in demo mode, SIP over WebSocket to Asterisk otherwise.

The answer holds the SIP password of the signed-in user's own endpoint (derived from
``webrtc.password_secret``, see :mod:`telephony_config.webrtc`); no route hands out anyone else's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from agent_desktop.auth.deps import CurrentUser, require_role
from agent_desktop.errors import ApiError
from agent_desktop.state import desktop_of
from callcenter.webrtc_phones import BrowserPhone, agent_phone
from telephony_config.errors import TelephonyConfigError

router = APIRouter(prefix="/api/agent")
Agent = Annotated[CurrentUser, Depends(require_role("agent"))]

# An INVITE this soon after the agent clicked to dial (or the supervisor clicked listen) is the
# engine ringing the user's own phone first: the browser answers it by itself.
AUTO_ANSWER_WINDOW_S = 30


def _agent_id(user: CurrentUser) -> str:
    if not user.agent_id:
        raise ApiError(409, "desktop.no_agent_link", user.language)
    return user.agent_id


def browser_phone_settings(phone: BrowserPhone, response: Response) -> dict[str, Any]:
    """Where and how a browser phone registers (its own password: never kept by a cache)."""
    response.headers["Cache-Control"] = "no-store"
    return {
        "mode": "webrtc",
        "endpoint": phone.endpoint,
        "ws_url": phone.ws_url,
        "sip_uri": phone.sip_uri,
        "authorization_user": phone.authorization_user,
        "password": phone.password,
        "auto_answer_window_s": AUTO_ANSWER_WINDOW_S,
    }


@router.get("/softphone")
async def softphone(user: Agent, request: Request, response: Response) -> dict[str, Any]:
    """The phone's mode and, for the browser phone, where and how to register."""
    desktop = desktop_of(request)
    settings, agent = desktop.settings, _agent_id(user)
    if desktop.simulator_mode:
        endpoint = settings.dialplan.agent_endpoint_template.format(agent=agent)
        return {"mode": "simulator", "endpoint": endpoint}
    try:
        phone = agent_phone(settings, agent)
    except TelephonyConfigError as exc:
        raise ApiError(503, "desktop.webrtc_not_configured", user.language) from exc
    return browser_phone_settings(phone, response)
