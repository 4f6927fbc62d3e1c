"""The AMI ``Bridge`` action: join two live channels, as recorded in ``inbound_bridge.jsonl``.

Recorded order: the caller's running AGI command answers ``200 result=-1`` (and the bare
``HANGUP`` line follows, fact 7), ``Response: Success`` / ``Channels have been bridged``, then
``BridgeCreate``, ``MusicOnHoldStop``, ``BridgeEnter`` of Channel1 then Channel2. When a side
hangs up, both leave the bridge, it is destroyed, and Channel1 continues its dialplan after
the AGI (``Hangup()`` there).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from callcenter.pbxsim import events as ev
from callcenter.pbxsim.channels import Channel, wait_any

if TYPE_CHECKING:
    from callcenter.pbxsim.pbx import Pbx


def request_bridge(pbx: Pbx, first: Channel, second: Channel) -> None:
    """Pull both channels out of what they run (AGI, Wait, ...) and into one bridge."""
    first.bridge_peer, second.bridge_peer = second, first
    first.poke()
    second.poke()


async def run_bridge(pbx: Pbx, first: Channel, second: Channel) -> None:
    """Called by Channel1's dialplan runner once its application returned."""
    first.bridge_peer = None
    bridge = ev.BridgeInfo(str(uuid.UUID(int=pbx.rng.getrandbits(128), version=4)))
    pbx.emit(ev.bridge_event("BridgeCreate", bridge, 0))
    first.bridge_id = second.bridge_id = bridge.uniqueid
    pbx.emit(ev.bridge_event("BridgeEnter", bridge, 1, first))
    pbx.emit(ev.bridge_event("BridgeEnter", bridge, 2, second))
    if first.trace is not None:
        first.trace.agent = second.device.removeprefix("PJSIP/")
        first.trace.talk_started = asyncio.get_running_loop().time()
        first.trace.bridged.set()
    while not any(c.is_interrupted() or c.is_gone() for c in (first, second)):
        await wait_any([first, second], None)
    if first.trace is not None:
        first.trace.talk_ended = asyncio.get_running_loop().time()
        if first.trace.hung_up_by is None and not first.is_interrupted():
            first.trace.hung_up_by = second.hangup_by or "agent"
    leaving = (second, first) if second.is_interrupted() or second.is_gone() else (first, second)
    for count, chan in zip((1, 0), leaving, strict=True):
        if not chan.is_gone():
            pbx.emit(ev.bridge_event("BridgeLeave", bridge, count, chan))
        chan.bridge_id = ""
    pbx.emit(ev.bridge_event("BridgeDestroy", bridge, 0))
    second.bridge_done.set()
