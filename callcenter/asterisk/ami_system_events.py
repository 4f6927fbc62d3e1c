"""System events, list items and lifecycle facts of the AMI adapter, and the event unions.

Wire events (``WireEvent``) come from Asterisk; lifecycle facts (``AmiConnected``,
``AmiDisconnected``, ``AmiResynced``) come from the connection owner itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from callcenter.asterisk.ami_event_types import (
    BlindTransfer,
    BridgeCreate,
    BridgeDestroy,
    BridgeEnter,
    BridgeLeave,
    ChannelRef,
    ChanSpyStart,
    ChanSpyStop,
    DialBegin,
    DialEnd,
    DtmfBegin,
    DtmfEnd,
    Hangup,
    HangupRequest,
    Hold,
    MixMonitorMute,
    MixMonitorStart,
    MixMonitorStop,
    MusicOnHoldStart,
    MusicOnHoldStop,
    Newchannel,
    Newstate,
    OriginateResponse,
    SoftHangupRequest,
    Unhold,
    VarSet,
)


@dataclass(frozen=True, slots=True)
class AgiExecStart:
    name: ClassVar[str] = "AGIExecStart"
    channel: ChannelRef
    command_id: str
    command: str


@dataclass(frozen=True, slots=True)
class AgiExecEnd:
    name: ClassVar[str] = "AGIExecEnd"
    channel: ChannelRef
    command_id: str
    command: str
    result_code: int
    result: str


@dataclass(frozen=True, slots=True)
class Shutdown:
    name: ClassVar[str] = "Shutdown"
    shutdown: str  # Cleanly | Uncleanly
    restart: bool


@dataclass(frozen=True, slots=True)
class FullyBooted:
    name: ClassVar[str] = "FullyBooted"
    status: str
    uptime: int


@dataclass(frozen=True, slots=True)
class CoreShowChannel:
    """One item of a ``CoreShowChannels`` list (the resync snapshot)."""

    name: ClassVar[str] = "CoreShowChannel"
    channel: ChannelRef
    application: str
    application_data: str
    duration: str  # HH:MM:SS as Asterisk prints it
    bridge_id: str
    action_id: str


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """One item of a ``Status`` list (wire event name ``Status``)."""

    name: ClassVar[str] = "Status"
    channel: ChannelRef
    application: str
    data: str
    seconds: int
    bridge_id: str
    action_id: str


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """Any event not modelled above, with its fields as Asterisk sent them."""

    name: str
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class AmiConnected:
    """Logged in, events on: actions may be sent."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class AmiDisconnected:
    """The manager session ended; in-flight actions failed with ``AmiActionLost``."""

    reason: str


@dataclass(frozen=True, slots=True)
class AmiResynced:
    """The live channels right after a (re)connect: rebuild state from these."""

    channels: tuple[CoreShowChannel, ...]


WireEvent = (
    VarSet
    | Newchannel
    | Newstate
    | Hangup
    | HangupRequest
    | SoftHangupRequest
    | DialBegin
    | DialEnd
    | BridgeCreate
    | BridgeDestroy
    | BridgeEnter
    | BridgeLeave
    | DtmfBegin
    | DtmfEnd
    | OriginateResponse
    | MusicOnHoldStart
    | MusicOnHoldStop
    | Hold
    | Unhold
    | MixMonitorStart
    | MixMonitorStop
    | MixMonitorMute
    | ChanSpyStart
    | ChanSpyStop
    | BlindTransfer
    | AgiExecStart
    | AgiExecEnd
    | Shutdown
    | FullyBooted
    | CoreShowChannel
    | ChannelStatus
    | OtherEvent
)

# What subscribers receive: wire events and the connection's lifecycle facts.
AmiEvent = WireEvent | AmiConnected | AmiDisconnected | AmiResynced
