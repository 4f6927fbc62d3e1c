"""Follows calls through AMI events and feeds the facts to :class:`CallService`.

The AMI reader calls :meth:`AmiCallTracker.on_ami_event` synchronously for every event, so
it only filters and enqueues (Asterisk drops a manager session whose writes block for
100 ms); :meth:`run` does the work in order on its own task.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Protocol

from callcenter.asterisk import ami_events as ev
from callcenter.calls.agent_calls import AgentCalls
from callcenter.calls.consult import Consults
from callcenter.calls.service import CallService

log = logging.getLogger(__name__)


class Recovery(Protocol):
    """Calls of an earlier engine process (:class:`callcenter.calls.live_recovery.LiveCallRecovery`),
    told in the order of the AMI events: a resync first, before the calls', a Hangup after."""

    async def resynced(self, live_channels: set[str], bridged: Mapping[str, str | None]) -> None: ...

    def hung_up(self, channel: str) -> None: ...

    async def bridged(self, channel: str, agent_channel: str | None) -> None: ...


GONE_KEPT = 10_000  # hung-up channels remembered against a resync list that names them (minutes' worth)
_INTERESTING = (ev.BridgeEnter, ev.DialBegin, ev.Hangup, ev.AmiResynced, ev.Hold, ev.Unhold)


def bridge_peers(listed: Sequence[ev.CoreShowChannel]) -> dict[str, str | None]:
    """Each bridged channel of a resync and the other channel of its bridge (None unless two)."""
    members: dict[str, list[str]] = {}
    for c in listed:
        if c.bridge_id:
            members.setdefault(c.bridge_id, []).append(c.channel.channel)
    peers: dict[str, str | None] = {}
    for channels in members.values():
        for channel in channels:
            others = [c for c in channels if c != channel]
            peers[channel] = others[0] if len(others) == 1 else None
    return peers


class AmiCallTracker:
    def __init__(self, service: CallService, agent_calls: AgentCalls, consults: Consults) -> None:
        self._service = service
        self._agent_calls = agent_calls
        self._consults = consults
        self._inbox: asyncio.Queue[ev.AmiEvent] = asyncio.Queue()
        # caller channel -> agent channel, learnt from DialBegin in the connect context
        self._agent_leg: dict[str, str] = {}
        self.recovery: Recovery | None = None  # set by the composition root
        self._resynced_once = False
        # Channels seen hanging up, newest last: a Hangup can arrive while the resync's list is still
        # coming, so the list may name a channel already gone (a channel name is never reused).
        self._gone: OrderedDict[str, None] = OrderedDict()

    def on_ami_event(self, event: ev.AmiEvent) -> None:
        if isinstance(event, _INTERESTING):
            self._inbox.put_nowait(event)

    async def run(self) -> None:
        while True:
            event = await self._inbox.get()
            try:
                await self._handle(event)
            except Exception:
                log.exception("call tracker failed on an event", extra={"event": type(event).__name__})

    async def _handle(self, event: ev.AmiEvent) -> None:
        if isinstance(event, ev.DialBegin):
            if event.caller is None:
                # An Originate: the agent's leg of a click-to-dial call carries our Uniqueid.
                self._service.outbound_channel(event.dest.uniqueid, event.dest.channel)
            else:
                self._consults.target_dialed(event.caller.channel, event.dest.channel)
                self._agent_leg[event.caller.channel] = event.dest.channel
                self._service.agent_ringing(event.caller.channel, event.dest.channel)
        elif isinstance(event, ev.BridgeEnter):
            channel = event.channel.channel
            self._consults.leg_bridged(channel)
            if self._service.calls.by_channel(channel) is not None:
                await self._service.agent_answered(channel, self._agent_leg.get(channel))
            elif self.recovery is not None:
                await self.recovery.bridged(channel, self._agent_leg.get(channel))
        elif isinstance(event, ev.Hangup):
            channel = event.channel.channel
            self._gone[channel] = None
            if len(self._gone) > GONE_KEPT:
                self._gone.popitem(last=False)
            self._agent_leg.pop(channel, None)
            await self._consults.leg_gone(channel)
            await self._service.channel_hung_up(channel)
            if self.recovery is not None:
                self.recovery.hung_up(channel)
        elif isinstance(event, ev.Hold | ev.Unhold):
            self._agent_calls.phone_held(event.channel.channel, isinstance(event, ev.Hold))
        elif isinstance(event, ev.AmiResynced):
            listed = [c for c in event.channels if c.channel.channel not in self._gone]
            live = {c.channel.channel for c in listed}
            if self.recovery is not None:
                await self.recovery.resynced(live, bridge_peers(listed))
            await self._service.resynced(live)
            if not self._resynced_once:  # items a dead engine left in a shared store
                self._resynced_once = True
                await self._service.drop_vanished_items({c.channel.uniqueid for c in listed})
