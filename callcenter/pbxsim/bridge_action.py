"""The AMI ``Bridge`` action (Channel1, Channel2, Tone), as recorded in ``inbound_bridge.jsonl``.

Asterisk (``action_bridge`` in main/features.c) finds each channel by name prefix (then by
uniqueid), *yanks* it out of whatever it runs and imparts the clone into a new basic bridge. The
original channel object, still held by the AGI or the Originate'd ``Wait``, becomes a hung-up
zombie whose events are never published. So the recording shows, for a caller held by
``EXEC MusicOnHold`` inside AGI and an agent leg Originate'd with ``Application: Wait``::

    agi< 200 result=-1        (no AGIExecEnd)         agi< HANGUP   (before the next answer)
    Response: Success / Message: Channels have been bridged
    BridgeCreate, MusicOnHoldStop (caller, Priority 2),
    BridgeEnter caller (Priority 3), BridgeEnter agent (Linkedid now the caller's),
    VarSet BRIDGEPEER/BRIDGEPVTCALLID agent+caller (three times), NewConnectedLine agent, caller

Later AGI commands are answered (``200 result=0``) without AMI events, and no ``AGISTATUS``. When
one side hangs up: VarSet BRIDGEPEER/BRIDGEPVTCALLID cleared, BridgeLeave (first the side that
left), BridgeDestroy, and a side that ran dialplan goes on after its AGI (``Hangup()`` there).
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import TYPE_CHECKING

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import Channel, DialplanLocation, wait_any

if TYPE_CHECKING:
    from callcenter.pbxsim.pbx import Pbx

BRIDGED = "Channels have been bridged"
# Recorded: the agent's Hangup arrives ~15 ms after the caller's dialplan ended the caller.
OTHER_SIDE_GRACE_S = 0.015


def find_for_bridge(pbx: Pbx, wanted: str) -> Channel | None:
    """``ast_channel_get_by_name_prefix``: case-insensitive name prefix, then uniqueid prefix."""
    live = [c for c in pbx.channels.values() if not c.is_gone()]
    key = wanted.lower()
    for attr in ("name", "uniqueid"):
        for chan in live:
            if getattr(chan, attr).lower().startswith(key):
                return chan
    return None


def check_bridge(pbx: Pbx, one: str, two: str) -> tuple[str | None, tuple[Channel, Channel] | None]:
    """(error message, None) as ``action_bridge`` words it, or (None, the two channels)."""
    if not one or not two:
        return "Missing channel parameter in request", None
    first = find_for_bridge(pbx, one)
    if first is None:
        return f"Channel1 does not exist: {one}", None
    second = find_for_bridge(pbx, two)
    if second is None:
        return f"Channel2 does not exist: {two}", None
    if first is second:  # the clone of Channel1 is already imparted; the zombie cannot join
        return f"Unable to add Channel2 to bridge: {second.name}", None
    if first.bridge_id and first.bridge_id == second.bridge_id:
        return f"Unable to add Channel2 to bridge: {second.name}", None
    return None, (first, second)


def move_out(pbx: Pbx, chan: Channel) -> Channel:
    """A bridged channel leaves its bridge for the new one (``bridge_move``: no clone, no hangup).
    The peer it leaves stays in the old bridge, alone, until it hangs up."""
    pbx.set_var(chan, "BRIDGEPEER", "")
    pbx.emit(ev.bridge_event("BridgeLeave", ev.BridgeInfo(chan.bridge_id), 1, chan))
    chan.bridge_id = ""
    chan.poke()
    return chan


def yank(pbx: Pbx, chan: Channel) -> Channel:
    """``ast_channel_yank`` + masquerade: a clone takes over; the original becomes a zombie.

    Whatever runs on the original (an AGI command, ``Wait``) returns as after a hangup and emits
    nothing more; its dialplan runner ends without ``Hangup`` events.
    """
    clone = dataclasses.replace(
        chan,
        variables=dict(chan.variables),
        digit_buffer=[],
        wake=asyncio.Event(),
        collecting=False,
        on_app_start=None,
        partner=None,
    )
    if chan.in_pbx:  # after the bridge it goes on at the next priority (BridgeEnter shows it)
        clone.after_bridge = DialplanLocation(chan.context, chan.exten, chan.priority + 1)
    pbx.channels[chan.name] = clone
    chan.ended, chan.hangup_cause, chan.on_hold = True, 0, False
    chan.poke()
    return clone


def _call_id(pbx: Pbx, chan: Channel) -> str:
    """The SIP Call-ID BRIDGEPVTCALLID names: SIPp's for the inbound leg, a UUID for Asterisk's."""
    if not chan.call_id:
        if chan.dnid:
            chan.call_id = f"1-{pbx.rng.randrange(1000, 65536)}@127.0.0.1"
        else:
            chan.call_id = str(uuid.UUID(int=pbx.rng.getrandbits(128), version=4))
    return chan.call_id


def _peer_vars(pbx: Pbx, agent_side: Channel, caller_side: Channel, clear: bool = False) -> None:
    for chan, peer in ((agent_side, caller_side), (caller_side, agent_side)):
        pbx.set_var(chan, "BRIDGEPEER", "" if clear else peer.name)
        pbx.set_var(chan, "BRIDGEPVTCALLID", "" if clear else _call_id(pbx, peer))


def join(pbx: Pbx, first: Channel, second: Channel) -> ev.BridgeInfo:
    """Everything Asterisk publishes when both clones enter the new bridge, in recorded order."""
    bridge = ev.BridgeInfo(str(uuid.UUID(int=pbx.rng.getrandbits(128), version=4)))
    pbx.emit(ev.bridge_event("BridgeCreate", bridge, 0))
    for chan in (first, second):
        if chan.on_hold:
            chan.on_hold = False
            pbx.emit(ev.channel_event("MusicOnHoldStop", chan))
    oldest = min((first, second), key=lambda c: c.created)
    for count, chan in ((1, first), (2, second)):
        if chan.after_bridge is not None:
            chan.priority = chan.after_bridge.priority
        chan.linkedid = oldest.linkedid
        chan.bridge_id, chan.application, chan.app_data = bridge.uniqueid, "", ""
        pbx.emit(ev.bridge_event("BridgeEnter", bridge, count, chan))
    for _ in range(2):
        _peer_vars(pbx, second, first)
    second.conn_num, second.conn_name = first.cid_num, first.cid_name
    pbx.emit(ev.channel_event("NewConnectedLine", second))
    _peer_vars(pbx, second, first)
    first.conn_num, first.conn_name = second.cid_num, second.cid_name
    pbx.emit(ev.channel_event("NewConnectedLine", first))
    return bridge


async def run_bridge(pbx: Pbx, bridge: ev.BridgeInfo, first: Channel, second: Channel) -> None:
    """Hold both in the bridge until one leaves; then each goes on or ends."""
    loop = asyncio.get_running_loop()
    trace = first.trace or second.trace
    customer, agent = (first, second) if trace is first.trace else (second, first)
    if trace is not None:
        trace.agent = agent.device.removeprefix("PJSIP/")
        trace.talk_started = loop.time()
        trace.bridged.set()
    while not any(c.is_interrupted() or c.is_gone() for c in (first, second)):
        await wait_any([first, second], None)
    if trace is not None:
        trace.talk_ended = loop.time()
        if trace.hung_up_by is None and not customer.is_interrupted():
            trace.hung_up_by = agent.hangup_by or "agent"
    left = [c for c in (second, first) if c.is_interrupted() or c.is_gone()]
    stays = [c for c in (first, second) if c not in left]
    if all(not c.is_gone() for c in (first, second)):
        _peer_vars(pbx, second, first, clear=True)
    for count, chan in zip((1, 0), [*left, *stays], strict=True):
        if not chan.is_gone():
            pbx.emit(ev.bridge_event("BridgeLeave", bridge, count, chan))
        chan.bridge_id = ""
    pbx.emit(ev.bridge_event("BridgeDestroy", bridge, 0))
    goes_on = [pbx.spawn(_after_bridge(pbx, c)) for c in stays]
    if goes_on:
        await asyncio.wait(goes_on, timeout=pbx.timing.wall(OTHER_SIDE_GRACE_S))
    for chan in left:
        if not chan.is_gone() and chan.redirect_to is None:
            pbx.destroy(chan, chan.hangup_cause if chan.hangup_cause is not None else 16)
        elif chan.redirect_to is not None:
            where, chan.redirect_to = chan.redirect_to, None
            pbx.spawn(pbx.run(chan, where))


async def _after_bridge(pbx: Pbx, chan: Channel) -> None:
    """The peer left: a channel that ran dialplan goes on (after-bridge goto); others hang up."""
    if chan.after_bridge is None:
        pbx.finish(chan)
        return
    where, chan.after_bridge = chan.after_bridge, None
    await pbx.run(chan, where)
