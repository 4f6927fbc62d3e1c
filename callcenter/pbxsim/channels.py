"""The channel model: names, uniqueids and the standard channel header block of every event.

A channel is mutable (its state changes as the call progresses); what leaves this module onto the
wire is a tuple of header pairs, in the order Asterisk 22 writes them::

    Channel: PJSIP/pstn-00000006
    ChannelState: 6
    ChannelStateDesc: Up
    CallerIDNum: 4155550100
    ...
    Uniqueid: 1795382159.10
    Linkedid: 1795382159.10
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callcenter.pbxsim.actors import SimulatedFax

Headers = list[tuple[str, str]]

STATE_DOWN, STATE_RING, STATE_RINGING, STATE_UP = 0, 4, 5, 6
STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}
UNKNOWN = "<unknown>"

CAUSE_TEXT = {
    0: "Unknown",
    16: "Normal Clearing",
    17: "User busy",
    19: "No user responding",
    20: "Subscriber absent",
    21: "Call Rejected",
    32: "Circuit/channel congestion",
}


@dataclass(frozen=True, slots=True)
class DialplanLocation:
    context: str
    exten: str
    priority: int = 1


@dataclass(eq=False)
class CallTrace:
    """What happened to one simulated call, for :class:`SimulatedCallHandle` outcomes."""

    agi_commands: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    agent: str | None = None
    talk_started: float | None = None
    talk_ended: float | None = None
    hung_up_by: str | None = None
    first_prompt: asyncio.Event = field(default_factory=asyncio.Event)
    bridged: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


async def wait_any(channels: list[Channel], wall_seconds: float | None) -> None:
    """Wait until any of ``channels`` is poked (or the timeout passes)."""
    for chan in channels:
        chan.wake.clear()
    waiters = [asyncio.ensure_future(chan.wake.wait()) for chan in channels]
    try:
        await asyncio.wait(waiters, timeout=wall_seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)


@dataclass(eq=False)
class SpyState:
    """What ChanSpy on this channel is doing: whom it spies on, in which mode (listen, whisper,
    barge), and whether DTMF 4/5/6 switches the mode (option ``d``)."""

    spyee: str
    mode: str
    dtmf_switches_mode: bool


@dataclass(eq=False)
class Channel:
    """One live channel. ``wake`` is set whenever something interrupts what it is doing."""

    name: str
    uniqueid: str
    linkedid: str
    device: str
    context: str
    exten: str
    priority: int = 1
    state: int = STATE_DOWN
    cid_num: str = UNKNOWN
    cid_name: str = UNKNOWN
    conn_num: str = UNKNOWN
    conn_name: str = UNKNOWN
    dnid: str = ""
    created: float = 0.0
    application: str = ""
    app_data: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    bridge_id: str = ""
    hangup_cause: int | None = None
    tech_cause: str | None = None
    hangup_by: str | None = None
    partner: Channel | None = None  # the other half of a Local channel pair
    quiet_finish: bool = False
    on_app_start: Callable[[], None] | None = None  # once, when dialplan first blocks
    dial_cause: int | None = None
    dial_tech_cause: str | None = None
    redirect_to: DialplanLocation | None = None
    in_agi: bool = False
    in_pbx: bool = False  # runs dialplan (not only an Originate'd application)
    on_hold: bool = False  # between MusicOnHoldStart and MusicOnHoldStop
    phone_held: bool = False  # this channel's phone put its call on hold (SIP re-INVITE sendonly)
    call_id: str = ""  # the SIP Call-ID (BRIDGEPVTCALLID of the peer)
    # Where the AMI Bridge action lets the channel go on when its peer leaves the bridge.
    after_bridge: DialplanLocation | None = None
    ended: bool = False
    collecting: bool = False
    accepting: str = ""  # the keys the running AGI command takes (escape digits, or a collect's)
    digit_buffer: list[str] = field(default_factory=list)
    spy: SpyState | None = None  # while ChanSpy runs on this channel
    trace: CallTrace | None = None
    fax: SimulatedFax | None = None  # the far fax machine of a fax call
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def is_interrupted(self) -> bool:
        return self.hangup_cause is not None or self.redirect_to is not None

    def is_gone(self) -> bool:
        return self.ended

    def header_block(self, prefix: str = "") -> Headers:
        """The standard block, optionally prefixed (``Dest``, ``Spyer``, ``Transferer``…)."""
        return [
            (f"{prefix}Channel", self.name),
            (f"{prefix}ChannelState", str(self.state)),
            (f"{prefix}ChannelStateDesc", STATE_DESC[self.state]),
            (f"{prefix}CallerIDNum", self.cid_num),
            (f"{prefix}CallerIDName", self.cid_name),
            (f"{prefix}ConnectedLineNum", self.conn_num),
            (f"{prefix}ConnectedLineName", self.conn_name),
            (f"{prefix}Language", "en"),
            (f"{prefix}AccountCode", ""),
            (f"{prefix}Context", self.context),
            (f"{prefix}Exten", self.exten),
            (f"{prefix}Priority", str(self.priority)),
            (f"{prefix}Uniqueid", self.uniqueid),
            (f"{prefix}Linkedid", self.linkedid),
        ]

    def poke(self) -> None:
        self.wake.set()

    async def wait_digit(self, wall_seconds: float | None) -> str | None:
        """Next digit pressed while ``collecting``; None on timeout or interruption."""
        loop = asyncio.get_running_loop()
        deadline = None if wall_seconds is None else loop.time() + wall_seconds
        while True:
            if self.digit_buffer:
                return self.digit_buffer.pop(0)
            if self.is_interrupted():
                return None
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return None
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), remaining)
            except TimeoutError:
                return None

    async def pause(self, wall_seconds: float | None) -> bool:
        """Wait up to ``wall_seconds`` (None = forever); True if the channel was interrupted."""
        if self.is_interrupted():
            return True
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), wall_seconds)
        return self.is_interrupted()


class ChannelNamer:
    """Generates names like ``PJSIP/pstn-00000006`` and uniqueids like ``1795382159.10``.

    Asterisk shares one sequence for all channel names of a technology and one for uniqueids.
    """

    def __init__(self, epoch: int) -> None:
        self._epoch = epoch
        self._uid = itertools.count()
        self._name = itertools.count()
        self._local = itertools.count()

    def uniqueid(self, elapsed_s: float = 0.0) -> str:
        return f"{self._epoch + int(elapsed_s)}.{next(self._uid)}"

    def pjsip(self, endpoint: str) -> str:
        return f"PJSIP/{endpoint}-{next(self._name):08x}"

    def local_pair(self, target: str) -> tuple[str, str]:
        n = next(self._local)
        return f"Local/{target}-{n:08x};1", f"Local/{target}-{n:08x};2"


def device_of(channel_name: str) -> str:
    """``PJSIP/agent-1001-00000007`` -> ``PJSIP/agent-1001``.

    ``Local/spy@sup-sim-00000001;1`` -> ``Local/spy@sup-sim``.
    """
    return re.sub(r"-[0-9a-f]{8}(;[12])?$", "", channel_name)
