"""The agents' browser phones as the engine sees them: the site for ``telephony_config.webrtc``
and the connection settings one signed-in agent's browser gets (its own password only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from callcenter.settings import Settings
from telephony_config.webrtc import WebRtcSite, default_ws_url, endpoint_names, sip_password, sip_uri


@dataclass(frozen=True, slots=True)
class AgentPhone:
    endpoint: str
    ws_url: str
    sip_uri: str
    authorization_user: str
    password: str = field(repr=False)


def ws_url(settings: Settings) -> str:
    return settings.webrtc.ws_url or default_ws_url(settings.ami.host)


def webrtc_site(settings: Settings) -> WebRtcSite:
    """Every configured agent's endpoint, named as the engine dials it (agent_endpoint_template)."""
    template = settings.dialplan.agent_endpoint_template
    return WebRtcSite(
        endpoints=endpoint_names(template, tuple(a.agent_id for a in settings.agents)),
        ws_url=ws_url(settings),
        context=settings.webrtc.context,
        password_secret=settings.webrtc.password_secret.get_secret_value(),
    )


def agent_phone(settings: Settings, agent_id: str) -> AgentPhone:
    """What ``agent_id``'s browser needs to register; raises TelephonyConfigError without a secret."""
    (endpoint,) = endpoint_names(settings.dialplan.agent_endpoint_template, (agent_id,))
    return AgentPhone(
        endpoint=endpoint,
        ws_url=ws_url(settings),
        sip_uri=sip_uri(endpoint, settings.webrtc.sip_domain or settings.ami.host),
        authorization_user=endpoint,
        password=sip_password(settings.webrtc.password_secret.get_secret_value(), endpoint),
    )
