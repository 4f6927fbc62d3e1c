"""ChanSpy and the digits a channel receives from AMI ``PlayDTMF`` with ``Receive: true``.

As app_chanspy.c does: options ``w`` (whisper) and ``B`` (barge, which wins over ``w``) choose the
starting mode; with option ``d`` the DTMF digits 4, 5 and 6 switch the running spy to listen,
whisper and barge, on the same channel, with no new ChanSpyStart (``change_spy_mode``). Without
``d`` the digits are ChanSpy's usual numeric input and change nothing here.

``PlayDTMF`` with ``Receive: true`` queues a DTMF end frame on the channel (``ast_queue_frame``):
whatever the channel runs reads it as a digit from its own phone, and Asterisk publishes
``DTMFEnd`` with ``Direction: Received`` and the given ``Duration`` (0 without one) — no
``DTMFBegin``.
"""

from __future__ import annotations

import re

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import Channel, SpyState, wait_any
from callcenter.pbxsim.pbx import Pbx

MODE_OF_DIGIT = {"4": "listen", "5": "whisper", "6": "barge"}
_OPTION_ARGUMENT = re.compile(r"\([^)]*\)")


def spy_state(spyee: str, options: str) -> SpyState:
    """``spy_state("PJSIP/agent-1001-00000007", "qdw")`` -> whisper, switchable by DTMF."""
    flags = _OPTION_ARGUMENT.sub("", options)  # e(1001:1002), v(-1), x(#)... carry no flags
    mode = "barge" if "B" in flags else "whisper" if "w" in flags or "W" in flags else "listen"
    return SpyState(spyee, mode, "d" in flags)


async def chan_spy_app(pbx: Pbx, chan: Channel, data: str) -> None:
    """ChanSpy(<channel>,<options>): ChanSpyStart, then ChanSpyStop when either side leaves."""
    target, _, options = data.partition(",")
    spyee = pbx.find(target)
    if spyee is None:
        return
    await chan.pause(pbx.timing.wall(0.1))
    if chan.is_interrupted() or spyee.is_gone():
        return
    chan.spy = spy_state(spyee.name, options)
    pbx.emit(ev.two_channel_event("ChanSpyStart", ("Spyer", chan), ("Spyee", spyee)))
    try:
        while not chan.is_interrupted() and not spyee.is_gone():
            await wait_any([chan, spyee], None)
    finally:
        chan.spy = None
    pbx.emit(ev.two_channel_event("ChanSpyStop", ("Spyer", chan), ("Spyee", spyee)))


def receive_digit(pbx: Pbx, chan: Channel, digit: str, duration_ms: int) -> None:
    """A digit queued on ``chan`` as if its own phone had sent it."""
    pbx.emit(
        ev.channel_event(
            "DTMFEnd",
            chan,
            ("Digit", digit),
            ("DurationMs", str(duration_ms)),
            ("Direction", "Received"),
            privilege="dtmf,all",
        )
    )
    deliver_digit(chan, digit)


def deliver_digit(chan: Channel, digit: str) -> bool:
    """What reads a digit received on ``chan``: a ChanSpy with option d, or an AGI collecting digits;
    False when nothing took it (a command that collects but does not take that key drops it)."""
    if chan.spy is not None and chan.spy.dtmf_switches_mode and digit in MODE_OF_DIGIT:
        chan.spy.mode = MODE_OF_DIGIT[digit]
        return True
    if chan.collecting:
        chan.digit_buffer.append(digit)
        chan.poke()
    return digit in chan.accepting
