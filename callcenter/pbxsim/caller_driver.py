"""Drives one :class:`SimulatedCaller`: the inbound channel, its digits, patience and talk time."""

from __future__ import annotations

import asyncio
import contextlib

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.actors import SimulatedCaller
from callcenter.pbxsim.channels import STATE_RING, CallTrace, Channel, DialplanLocation
from callcenter.pbxsim.chanspy import deliver_digit
from callcenter.pbxsim.pbx import Pbx

DTMF_LENGTH_S = 0.14  # DTMFBegin -> DTMFEnd in the recordings


async def press(pbx: Pbx, chan: Channel, digit: str) -> bool:
    """RFC 4733 digit: AMI DTMFBegin/DTMFEnd always; the AGI sees it only while collecting, a
    ChanSpy with option d switches mode on 4/5/6. Returns whether anything heard it."""
    chan = pbx.current(chan)
    if chan.is_gone():
        return False
    pbx.emit(ev.dtmf(chan, digit, end=False))
    await pbx.timing.sleep(DTMF_LENGTH_S)
    chan = pbx.current(chan)
    if chan.is_gone():
        return False
    pbx.emit(ev.dtmf(chan, digit, end=True))
    return deliver_digit(chan, digit)


async def _press_until_heard(pbx: Pbx, chan: Channel, digit: str) -> None:
    """Press when the running AGI command takes ``digit``, again if it ended meanwhile."""
    while not pbx.current(chan).is_gone():
        if digit in pbx.current(chan).accepting and await press(pbx, chan, digit):
            return
        await asyncio.sleep(0.002)


def start_inbound_call(pbx: Pbx, caller: SimulatedCaller) -> tuple[Channel, CallTrace]:
    """Newchannel on the trunk, then the inbound context runs (NoOp, AGI, Hangup)."""
    trace = CallTrace()
    chan = pbx.new_channel(
        pbx.namer.pjsip("pstn"),
        pbx.config.inbound_context,
        caller.dialed,
        state=STATE_RING,
        cid=(caller.number, caller.name),
    )
    chan.dnid = caller.dialed
    chan.trace = trace
    pbx.set_var(chan, "SIPDOMAIN", "127.0.0.1")
    pbx.spawn(pbx.run(chan, DialplanLocation(pbx.config.inbound_context, caller.dialed, 1)))
    pbx.spawn(_drive(pbx, caller, chan, trace))
    return chan, trace


def caller_hangs_up(pbx: Pbx, chan: Channel) -> None:
    # A BYE from the caller shows as HangupRequest without a Cause; after AGI the final cause is 0.
    chan = pbx.current(chan)
    pbx.request_hangup(chan, 16 if chan.bridge_id else 0, by="caller", event=ev.hangup_request(chan))


async def _drive(pbx: Pbx, caller: SimulatedCaller, chan: Channel, trace: CallTrace) -> None:
    digits = pbx.spawn(_press_digits(pbx, caller, chan, trace))
    try:
        bridged = asyncio.ensure_future(trace.bridged.wait())
        finished = asyncio.ensure_future(trace.finished.wait())
        try:
            await asyncio.wait(
                {bridged, finished},
                timeout=pbx.timing.wall(caller.patience_s),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for f in (bridged, finished):
                f.cancel()
            await asyncio.gather(bridged, finished, return_exceptions=True)
        if trace.finished.is_set():
            return
        if not trace.bridged.is_set():
            caller_hangs_up(pbx, chan)
            return
        if caller.talk_s is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(trace.finished.wait(), pbx.timing.wall(caller.talk_s))
            if not trace.finished.is_set() and pbx.current(chan).bridge_id:
                caller_hangs_up(pbx, chan)
        await trace.finished.wait()
    finally:
        digits.cancel()


async def _press_digits(pbx: Pbx, caller: SimulatedCaller, chan: Channel, trace: CallTrace) -> None:
    if not caller.digits:
        return
    await trace.first_prompt.wait()
    for delay, digit in caller.digits:
        await pbx.timing.sleep(delay)
        if caller.waits_to_be_heard:
            await _press_until_heard(pbx, chan, digit)
        else:
            await press(pbx, chan, digit)
