"""The engine's FastAGI routes: which ``agi://engine/<script>`` reaches which call handling.

The handlers are built after the FastAGI server (they need the AMI and the call service), so each
route looks its handler up when a session arrives. Every route gets the session as caller media.
"""

from __future__ import annotations

from collections.abc import Callable

from callcenter.asterisk.agi_media import AgiCallerMedia
from callcenter.asterisk.fastagi import AgiHandler
from callcenter.calls.consult import Consults
from callcenter.calls.inbound import InboundCalls
from callcenter.fax_wiring import FaxParts, fax_or_ivr


def agi_routes(
    inbound: Callable[[], InboundCalls],
    consults: Callable[[], Consults],
    fax: Callable[[], FaxParts | None],
) -> dict[str, AgiHandler]:
    return {
        "ivr": lambda session: fax_or_ivr(fax(), session, lambda: inbound().on_ivr(AgiCallerMedia(session))),
        "connect-failed": lambda session: inbound().on_connect_failed(AgiCallerMedia(session)),
        "transfer": lambda session: inbound().on_transfer(AgiCallerMedia(session)),
        "consult-end": lambda session: consults().on_consult_end(AgiCallerMedia(session)),
        # A caller whose engine died, back through the crash-safe dialplan (fact 19).
        "resume": lambda session: inbound().on_resume(AgiCallerMedia(session)),
    }
