"""The browser phones as the engine sees them: the site for ``telephony_config.webrtc`` and the
connection settings one signed-in user's browser gets (its own password only).

Agents' phones are ``dialplan.agent_endpoint_template`` endpoints; supervisors without a desk phone
(``webrtc.supervisors``) get the console's browser phone, endpoint ``supervisor-<username>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from callcenter.settings import Settings
from telephony_config.webrtc import (
    WebRtcSite,
    checked_endpoint_names,
    default_ws_url,
    endpoint_names,
    sip_password,
    sip_uri,
)

SUPERVISOR_ENDPOINT_TEMPLATE = "supervisor-{supervisor}"


@dataclass(frozen=True, slots=True)
class BrowserPhone:
    endpoint: str
    ws_url: str
    sip_uri: str
    authorization_user: str
    password: str = field(repr=False)


def ws_url(settings: Settings) -> str:
    return settings.webrtc.ws_url or default_ws_url(settings.ami.host)


def supervisor_endpoint(supervisor: str) -> str:
    return SUPERVISOR_ENDPOINT_TEMPLATE.format(supervisor=supervisor)


def webrtc_site(settings: Settings) -> WebRtcSite:
    """Every configured agent's endpoint, named as the engine dials it (agent_endpoint_template),
    and the browser phone of each supervisor in ``webrtc.supervisors``."""
    template = settings.dialplan.agent_endpoint_template
    agents = endpoint_names(template, tuple(a.agent_id for a in settings.agents))
    supervisors = tuple(supervisor_endpoint(s) for s in settings.webrtc.supervisors)
    return WebRtcSite(
        endpoints=checked_endpoint_names(agents + supervisors),
        ws_url=ws_url(settings),
        context=settings.webrtc.context,
        password_secret=settings.webrtc.password_secret.get_secret_value(),
    )


def _browser_phone(settings: Settings, endpoint: str) -> BrowserPhone:
    return BrowserPhone(
        endpoint=endpoint,
        ws_url=ws_url(settings),
        sip_uri=sip_uri(endpoint, settings.webrtc.sip_domain or settings.ami.host),
        authorization_user=endpoint,
        password=sip_password(settings.webrtc.password_secret.get_secret_value(), endpoint),
    )


def agent_phone(settings: Settings, agent_id: str) -> BrowserPhone:
    """What ``agent_id``'s browser needs to register; raises TelephonyConfigError without a secret."""
    (endpoint,) = endpoint_names(settings.dialplan.agent_endpoint_template, (agent_id,))
    return _browser_phone(settings, endpoint)


def supervisor_phone(settings: Settings, supervisor: str) -> BrowserPhone | None:
    """The console's browser phone of ``supervisor``; None when they use a desk phone.
    Raises TelephonyConfigError without a password secret."""
    if supervisor not in settings.webrtc.supervisors:
        return None
    return _browser_phone(settings, supervisor_endpoint(supervisor))


def supervisor_channel(settings: Settings, supervisor: str) -> str:
    """The channel Originated for ``supervisor``'s listen / whisper / barge: the console's browser
    phone when they have one, else their desk phone (``dialplan.supervisor_channel_template``)."""
    if supervisor in settings.webrtc.supervisors:
        return f"PJSIP/{supervisor_endpoint(supervisor)}"
    return settings.dialplan.supervisor_channel_template.format(supervisor=supervisor)
