"""Call events the AMI adapter hands to the rest of the engine, as frozen values.

Field names follow Asterisk's (``CallerIDNum`` → ``caller_id_num``), see ``ami_events``.
System events, list items, lifecycle facts and the unions are in ``ami_system_events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """The channel snapshot Asterisk repeats in most events (``Channel``, ``Uniqueid``, ...)."""

    channel: str
    uniqueid: str
    linkedid: str
    caller_id_num: str
    caller_id_name: str
    context: str
    exten: str
    state: int  # ChannelState: 0 Down, 4 Ring, 5 Ringing, 6 Up, ...
    state_desc: str


@dataclass(frozen=True, slots=True)
class BridgeRef:
    uniqueid: str
    bridge_type: str
    technology: str
    num_channels: int


@dataclass(frozen=True, slots=True)
class VarSet:
    """The most frequent event by far: deliberately flat and small (no ChannelRef)."""

    name: ClassVar[str] = "VarSet"
    channel: str
    uniqueid: str
    linkedid: str
    variable: str
    value: str


@dataclass(frozen=True, slots=True)
class Newchannel:
    name: ClassVar[str] = "Newchannel"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class Newstate:
    name: ClassVar[str] = "Newstate"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class Hangup:
    name: ClassVar[str] = "Hangup"
    channel: ChannelRef
    cause: int  # Q.850: 16 normal clearing, 17 user busy, 19 no answer, ...
    cause_txt: str


@dataclass(frozen=True, slots=True)
class HangupRequest:
    name: ClassVar[str] = "HangupRequest"
    channel: ChannelRef
    cause: int


@dataclass(frozen=True, slots=True)
class SoftHangupRequest:
    name: ClassVar[str] = "SoftHangupRequest"
    channel: ChannelRef
    cause: int


@dataclass(frozen=True, slots=True)
class DialBegin:
    name: ClassVar[str] = "DialBegin"
    caller: ChannelRef | None  # None when the dial comes from an Originate
    dest: ChannelRef
    dial_string: str


@dataclass(frozen=True, slots=True)
class DialEnd:
    name: ClassVar[str] = "DialEnd"
    caller: ChannelRef | None
    dest: ChannelRef
    dial_status: str  # ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL


@dataclass(frozen=True, slots=True)
class BridgeCreate:
    name: ClassVar[str] = "BridgeCreate"
    bridge: BridgeRef


@dataclass(frozen=True, slots=True)
class BridgeDestroy:
    name: ClassVar[str] = "BridgeDestroy"
    bridge: BridgeRef


@dataclass(frozen=True, slots=True)
class BridgeEnter:
    name: ClassVar[str] = "BridgeEnter"
    bridge: BridgeRef
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class BridgeLeave:
    name: ClassVar[str] = "BridgeLeave"
    bridge: BridgeRef
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class DtmfBegin:
    name: ClassVar[str] = "DTMFBegin"
    channel: ChannelRef
    digit: str
    direction: str  # Received | Sent


@dataclass(frozen=True, slots=True)
class DtmfEnd:
    name: ClassVar[str] = "DTMFEnd"
    channel: ChannelRef
    digit: str
    direction: str
    duration_ms: int


@dataclass(frozen=True, slots=True)
class OriginateResponse:
    """The late outcome of an ``Async: true`` Originate, matched by ``action_id``.

    ``reason`` is Asterisk's control frame code (4 answered, 5 busy, 3 no answer, 0 failed),
    but a busy callee was recorded with ``Response: Failure`` and ``Reason: 0``.
    """

    name: ClassVar[str] = "OriginateResponse"
    action_id: str
    response: str  # Success | Failure
    reason: int
    channel: str
    uniqueid: str | None  # None when Asterisk says <unknown>
    context: str | None
    exten: str | None
    application: str | None
    data: str | None
    caller_id_num: str
    caller_id_name: str

    @property
    def success(self) -> bool:
        return self.response == "Success"


@dataclass(frozen=True, slots=True)
class MusicOnHoldStart:
    name: ClassVar[str] = "MusicOnHoldStart"
    channel: ChannelRef
    moh_class: str


@dataclass(frozen=True, slots=True)
class MusicOnHoldStop:
    name: ClassVar[str] = "MusicOnHoldStop"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class Hold:
    """The channel's own device put the call on hold (SIP re-INVITE sendonly); its peer hears music."""

    name: ClassVar[str] = "Hold"
    channel: ChannelRef
    music_class: str


@dataclass(frozen=True, slots=True)
class Unhold:
    name: ClassVar[str] = "Unhold"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class MixMonitorStart:
    name: ClassVar[str] = "MixMonitorStart"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class MixMonitorStop:
    name: ClassVar[str] = "MixMonitorStop"
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class MixMonitorMute:
    name: ClassVar[str] = "MixMonitorMute"
    channel: ChannelRef
    direction: str  # read | write | both
    muted: bool


@dataclass(frozen=True, slots=True)
class ChanSpyStart:
    name: ClassVar[str] = "ChanSpyStart"
    spyer: ChannelRef
    spyee: ChannelRef | None


@dataclass(frozen=True, slots=True)
class ChanSpyStop:
    name: ClassVar[str] = "ChanSpyStop"
    spyer: ChannelRef
    spyee: ChannelRef | None  # absent when the spied-on channel is already gone


@dataclass(frozen=True, slots=True)
class BlindTransfer:
    """Transfer of the agent's (transferer) channel moves the *other* party (transferee)."""

    name: ClassVar[str] = "BlindTransfer"
    result: str  # Success | Fail | Invalid | Not Permitted
    transferer: ChannelRef
    transferee: ChannelRef | None
    context: str
    extension: str
    is_external: bool
    bridge_uniqueid: str
