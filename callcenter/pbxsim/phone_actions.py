"""What an agent does on their own phone during a call: hold and DTMF (the demo desktop drives these).

A SIP phone that holds sends a re-INVITE (sendonly); Asterisk raises ``Hold`` on the phone's
channel, with ``MusicClass``, and starts music on hold for the bridged peer; ``Unhold`` and
``MusicOnHoldStop`` follow when the phone resumes. DTMF from the phone arrives on its channel
(``Direction: Received``) and is passed on to the peer (``Direction: Sent``).
"""

from __future__ import annotations

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import Channel
from callcenter.pbxsim.pbx import Pbx

DTMF_DURATION_MS = 120


def bridged_leg(pbx: Pbx, endpoint: str) -> tuple[Channel, Channel] | None:
    """The phone's channel in a bridge and its peer, or None when the phone is not on a call."""
    device = f"PJSIP/{endpoint}"
    live = [c for c in pbx.channels.values() if not c.is_gone()]
    for chan in live:
        if chan.device == device and chan.bridge_id:
            peer = next((c for c in live if c is not chan and c.bridge_id == chan.bridge_id), None)
            if peer is not None:
                return chan, peer
    return None


def hold(pbx: Pbx, endpoint: str, on: bool) -> bool:
    leg = bridged_leg(pbx, endpoint)
    if leg is None:
        return False
    phone, peer = leg
    if phone.phone_held == on:
        return True
    phone.phone_held = on
    if on:
        pbx.emit(ev.channel_event("Hold", phone, ("MusicClass", "default")))
        pbx.emit(ev.channel_event("MusicOnHoldStart", peer, ("Class", "default")))
    else:
        pbx.emit(ev.channel_event("Unhold", phone))
        pbx.emit(ev.channel_event("MusicOnHoldStop", peer))
    return True


def send_dtmf(pbx: Pbx, endpoint: str, digits: str) -> bool:
    leg = bridged_leg(pbx, endpoint)
    if leg is None:
        return False
    phone, peer = leg
    for digit in digits:
        for chan, direction in ((phone, "Received"), (peer, "Sent")):
            pbx.emit(
                ev.channel_event(
                    "DTMFBegin", chan, ("Digit", digit), ("Direction", direction), privilege="dtmf,all"
                )
            )
        for chan, direction in ((phone, "Received"), (peer, "Sent")):
            pbx.emit(
                ev.channel_event(
                    "DTMFEnd",
                    chan,
                    ("Digit", digit),
                    ("DurationMs", str(DTMF_DURATION_MS)),
                    ("Direction", direction),
                    privilege="dtmf,all",
                )
            )
    return True
