"""Typed AMI events: frozen values built from wire messages by :func:`to_domain_event`.

Field names are the ones Asterisk 22 sends (see ``tests/fixtures/transcripts``), e.g.::

    Event: VarSet\\r\\nPrivilege: dialplan,all\\r\\nChannel: PJSIP/pstn-00000006\\r\\n...
    Uniqueid: 1795382159.10\\r\\nLinkedid: 1795382159.10\\r\\nVariable: CC_QUEUE\\r\\nValue: sales\\r\\n\\r\\n

becomes ``VarSet(channel="PJSIP/pstn-00000006", uniqueid="1795382159.10", ...)``.
Unknown event names become :class:`OtherEvent`. Keys are read as Asterisk spells
them (it always sends the same case); numbers that Asterisk leaves out or garbles
become ``-1`` rather than an exception, because one odd event must never stop the reader.

The event classes live in :mod:`callcenter.asterisk.ami_event_types` and
:mod:`callcenter.asterisk.ami_system_events`; this module re-exports them and holds
the pure conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from callcenter.asterisk.ami_event_types import (
    BlindTransfer,
    BridgeCreate,
    BridgeDestroy,
    BridgeEnter,
    BridgeLeave,
    BridgeRef,
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
from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.asterisk.ami_system_events import (
    AgiExecEnd,
    AgiExecStart,
    AmiConnected,
    AmiDisconnected,
    AmiEvent,
    AmiResynced,
    ChannelStatus,
    CoreShowChannel,
    FullyBooted,
    OtherEvent,
    Shutdown,
    WireEvent,
)

__all__ = [
    "AgiExecEnd",
    "AgiExecStart",
    "AmiConnected",
    "AmiDisconnected",
    "AmiEvent",
    "AmiResynced",
    "BlindTransfer",
    "BridgeCreate",
    "BridgeDestroy",
    "BridgeEnter",
    "BridgeLeave",
    "BridgeRef",
    "ChanSpyStart",
    "ChanSpyStop",
    "ChannelRef",
    "ChannelStatus",
    "CoreShowChannel",
    "DialBegin",
    "DialEnd",
    "DtmfBegin",
    "DtmfEnd",
    "FullyBooted",
    "Hangup",
    "HangupRequest",
    "Hold",
    "MixMonitorMute",
    "MixMonitorStart",
    "MixMonitorStop",
    "MusicOnHoldStart",
    "MusicOnHoldStop",
    "Newchannel",
    "Newstate",
    "OriginateResponse",
    "OtherEvent",
    "Shutdown",
    "SoftHangupRequest",
    "Unhold",
    "VarSet",
    "WireEvent",
    "to_domain_event",
]

Fields = Mapping[str, str]


def _int(text: str | None) -> int:
    if text is None:
        return -1
    try:
        return int(text)
    except ValueError:
        return -1


def _known(text: str | None) -> str | None:
    """Asterisk writes ``<unknown>`` for an absent id (``Uniqueid: <unknown>`` on a failed Originate)."""
    return None if not text or text == "<unknown>" else text


def _channel_keys(prefix: str) -> tuple[str, ...]:
    names = ("Channel", "Uniqueid", "Linkedid", "CallerIDNum", "CallerIDName", "Context", "Exten")
    return (*(prefix + n for n in names), prefix + "ChannelState", prefix + "ChannelStateDesc")


_PLAIN = _channel_keys("")
_DEST = _channel_keys("Dest")
_SPYER = _channel_keys("Spyer")
_SPYEE = _channel_keys("Spyee")
_TRANSFERER = _channel_keys("Transferer")
_TRANSFEREE = _channel_keys("Transferee")


def _channel(f: Fields, keys: tuple[str, ...] = _PLAIN) -> ChannelRef:
    g = f.get
    return ChannelRef(
        g(keys[0], ""),
        g(keys[1], ""),
        g(keys[2], ""),
        g(keys[3], ""),
        g(keys[4], ""),
        g(keys[5], ""),
        g(keys[6], ""),
        _int(g(keys[7])),
        g(keys[8], ""),
    )


def _maybe_channel(f: Fields, keys: tuple[str, ...]) -> ChannelRef | None:
    return _channel(f, keys) if keys[0] in f else None


def _bridge(f: Fields) -> BridgeRef:
    return BridgeRef(
        f.get("BridgeUniqueid", ""),
        f.get("BridgeType", ""),
        f.get("BridgeTechnology", ""),
        _int(f.get("BridgeNumChannels")),
    )


def _varset(f: Fields) -> VarSet:
    # The hot path: no ChannelRef, five plain lookups.
    g = f.get
    return VarSet(g("Channel", ""), g("Uniqueid", ""), g("Linkedid", ""), g("Variable", ""), g("Value", ""))


def _originate_response(f: Fields) -> OriginateResponse:
    return OriginateResponse(
        action_id=f.get("ActionID", ""),
        response=f.get("Response", ""),
        reason=_int(f.get("Reason")),
        channel=f.get("Channel", ""),
        uniqueid=_known(f.get("Uniqueid")),
        context=f.get("Context"),
        exten=f.get("Exten"),
        application=f.get("Application"),
        data=f.get("Data"),
        caller_id_num=f.get("CallerIDNum", ""),
        caller_id_name=f.get("CallerIDName", ""),
    )


def _blind_transfer(f: Fields) -> BlindTransfer:
    return BlindTransfer(
        result=f.get("Result", ""),
        transferer=_channel(f, _TRANSFERER),
        transferee=_maybe_channel(f, _TRANSFEREE),
        context=f.get("Context", ""),
        extension=f.get("Extension", ""),
        is_external=f.get("IsExternal", "").lower() == "yes",
        bridge_uniqueid=f.get("BridgeUniqueid", ""),
    )


def _core_show_channel(f: Fields) -> CoreShowChannel:
    return CoreShowChannel(
        channel=_channel(f),
        application=f.get("Application", ""),
        application_data=f.get("ApplicationData", ""),
        duration=f.get("Duration", ""),
        bridge_id=f.get("BridgeId", ""),
        action_id=f.get("ActionID", ""),
    )


def _status(f: Fields) -> ChannelStatus:
    return ChannelStatus(
        channel=_channel(f),
        application=f.get("Application", ""),
        data=f.get("Data", ""),
        seconds=_int(f.get("Seconds")),
        bridge_id=f.get("BridgeID", ""),
        action_id=f.get("ActionID", ""),
    )


_BUILDERS: dict[str, Callable[[Fields], WireEvent]] = {
    "VarSet": _varset,
    "Newchannel": lambda f: Newchannel(_channel(f)),
    "Newstate": lambda f: Newstate(_channel(f)),
    "Hangup": lambda f: Hangup(_channel(f), _int(f.get("Cause")), f.get("Cause-txt", "")),
    "HangupRequest": lambda f: HangupRequest(_channel(f), _int(f.get("Cause"))),
    "SoftHangupRequest": lambda f: SoftHangupRequest(_channel(f), _int(f.get("Cause"))),
    # An Originate's DialBegin/DialEnd has no calling side: only Dest* fields.
    "DialBegin": lambda f: DialBegin(_maybe_channel(f, _PLAIN), _channel(f, _DEST), f.get("DialString", "")),
    "DialEnd": lambda f: DialEnd(_maybe_channel(f, _PLAIN), _channel(f, _DEST), f.get("DialStatus", "")),
    "BridgeCreate": lambda f: BridgeCreate(_bridge(f)),
    "BridgeDestroy": lambda f: BridgeDestroy(_bridge(f)),
    "BridgeEnter": lambda f: BridgeEnter(_bridge(f), _channel(f)),
    "BridgeLeave": lambda f: BridgeLeave(_bridge(f), _channel(f)),
    "DTMFBegin": lambda f: DtmfBegin(_channel(f), f.get("Digit", ""), f.get("Direction", "")),
    "DTMFEnd": lambda f: DtmfEnd(
        _channel(f), f.get("Digit", ""), f.get("Direction", ""), _int(f.get("DurationMs"))
    ),
    "OriginateResponse": _originate_response,
    "MusicOnHoldStart": lambda f: MusicOnHoldStart(_channel(f), f.get("Class", "")),
    "MusicOnHoldStop": lambda f: MusicOnHoldStop(_channel(f)),
    "Hold": lambda f: Hold(_channel(f), f.get("MusicClass", "")),
    "Unhold": lambda f: Unhold(_channel(f)),
    "MixMonitorStart": lambda f: MixMonitorStart(_channel(f)),
    "MixMonitorStop": lambda f: MixMonitorStop(_channel(f)),
    "MixMonitorMute": lambda f: MixMonitorMute(
        _channel(f), f.get("Direction", ""), f.get("State", "") in ("1", "true", "yes")
    ),
    "ChanSpyStart": lambda f: ChanSpyStart(_channel(f, _SPYER), _maybe_channel(f, _SPYEE)),
    "ChanSpyStop": lambda f: ChanSpyStop(_channel(f, _SPYER), _maybe_channel(f, _SPYEE)),
    "BlindTransfer": _blind_transfer,
    "AGIExecStart": lambda f: AgiExecStart(_channel(f), f.get("CommandId", ""), f.get("Command", "")),
    "AGIExecEnd": lambda f: AgiExecEnd(
        _channel(f),
        f.get("CommandId", ""),
        f.get("Command", ""),
        _int(f.get("ResultCode")),
        f.get("Result", ""),
    ),
    "Shutdown": lambda f: Shutdown(f.get("Shutdown", ""), f.get("Restart", "").lower() == "true"),
    "FullyBooted": lambda f: FullyBooted(f.get("Status", ""), _int(f.get("Uptime"))),
    "CoreShowChannel": _core_show_channel,
    "Status": _status,
}


def to_domain_event(msg: AmiMessage) -> WireEvent:
    """Turn one AMI event message into its typed value (``OtherEvent`` if not modelled).

    >>> from callcenter.asterisk.ami_frames import parse_buffer
    >>> raw = b"Event: DTMFEnd\\r\\nChannel: PJSIP/pstn-00000004\\r\\n"
    >>> raw += b"Digit: 1\\r\\nDirection: Received\\r\\n\\r\\n"
    >>> event = to_domain_event(parse_buffer(raw).messages[0])
    >>> event.digit, event.direction, event.channel.channel
    ('1', 'Received', 'PJSIP/pstn-00000004')
    """
    fields = msg.fields
    name = fields.get("Event") or msg.event or ""
    builder = _BUILDERS.get(name)
    if builder is None:
        return OtherEvent(name, fields)
    return builder(fields)
