"""Builders for each AMI event, with the field names and order of the Asterisk 22.10.1 recordings.

Every builder returns the header pairs of one message, for example :func:`dial_end`::

    Event: DialEnd
    Privilege: call,all
    Channel: PJSIP/pstn-00000006          (caller block)
    ...
    DestChannel: PJSIP/agent-1001-00000007  (callee block, prefixed Dest)
    ...
    DialStatus: ANSWER
"""

from __future__ import annotations

from dataclasses import dataclass

from callcenter.pbxsim.channels import CAUSE_TEXT, Channel, Headers


def channel_event(name: str, chan: Channel, *extra: tuple[str, str], privilege: str = "call,all") -> Headers:
    """``Event: <name>`` + ``Privilege`` + the channel block + extra fields."""
    return [("Event", name), ("Privilege", privilege), *chan.header_block(), *extra]


def var_set(chan: Channel, variable: str, value: str) -> Headers:
    return channel_event("VarSet", chan, ("Variable", variable), ("Value", value), privilege="dialplan,all")


def new_exten(chan: Channel, application: str, app_data: str) -> Headers:
    return channel_event(
        "Newexten",
        chan,
        ("Extension", chan.exten),
        ("Application", application),
        ("AppData", app_data),
        privilege="dialplan,all",
    )


def hangup(chan: Channel, cause: int, tech_cause: str | None = None) -> Headers:
    extra = [("Cause", str(cause)), ("Cause-txt", CAUSE_TEXT.get(cause, "Unknown"))]
    if tech_cause is not None:
        extra.append(("TechCause", tech_cause))
    return channel_event("Hangup", chan, *extra)


def hangup_request(chan: Channel, cause: int | None = None, tech_cause: str | None = None) -> Headers:
    extra: list[tuple[str, str]] = []
    if cause is not None:
        extra.append(("Cause", str(cause)))
    if tech_cause is not None:
        extra.append(("TechCause", tech_cause))
    return channel_event("HangupRequest", chan, *extra)


def soft_hangup_request(chan: Channel, cause: int) -> Headers:
    return channel_event("SoftHangupRequest", chan, ("Cause", str(cause)))


def device_state(device: str, state: str, action_id: str | None = None) -> Headers:
    head: Headers = [("Event", "DeviceStateChange")]
    head.append(("ActionID", action_id) if action_id else ("Privilege", "call,all"))
    return [*head, ("Device", device), ("State", state)]


def dtmf(chan: Channel, digit: str, end: bool) -> Headers:
    if end:
        return channel_event(
            "DTMFEnd",
            chan,
            ("Digit", digit),
            ("DurationMs", "280"),
            ("Direction", "Received"),
            privilege="dtmf,all",
        )
    return channel_event("DTMFBegin", chan, ("Digit", digit), ("Direction", "Received"), privilege="dtmf,all")


def agi_exec(chan: Channel, command_id: int, command: str, result: tuple[str, str] | None = None) -> Headers:
    extra = [("CommandId", str(command_id)), ("Command", command)]
    if result is None:
        return channel_event("AGIExecStart", chan, *extra, privilege="agi,all")
    return channel_event(
        "AGIExecEnd", chan, *extra, ("ResultCode", result[0]), ("Result", result[1]), privilege="agi,all"
    )


def dial(name: str, caller: Channel | None, callee: Channel, *extra: tuple[str, str]) -> Headers:
    """DialBegin / DialState / DialEnd; an Originate has no caller block."""
    block = caller.header_block() if caller is not None else []
    return [("Event", name), ("Privilege", "call,all"), *block, *callee.header_block("Dest"), *extra]


@dataclass(frozen=True, slots=True)
class BridgeInfo:
    uniqueid: str
    technology: str = "simple_bridge"

    def block(self, num_channels: int) -> Headers:
        return [
            ("BridgeUniqueid", self.uniqueid),
            ("BridgeType", "basic"),
            ("BridgeTechnology", self.technology),
            ("BridgeCreator", "<unknown>"),
            ("BridgeName", "<unknown>"),
            ("BridgeNumChannels", str(num_channels)),
            ("BridgeVideoSourceMode", "none"),
        ]


def bridge_event(name: str, bridge: BridgeInfo, num_channels: int, chan: Channel | None = None) -> Headers:
    block = chan.header_block() if chan is not None else []
    return [("Event", name), ("Privilege", "call,all"), *bridge.block(num_channels), *block]


def originate_response(
    action_id: str,
    success: bool,
    channel: str,
    target: list[tuple[str, str]],
    reason: int,
    uniqueid: str,
    cid_num: str,
    cid_name: str,
) -> Headers:
    head: Headers = [("Event", "OriginateResponse"), ("Privilege", "call,all")]
    if action_id:
        head.append(("ActionID", action_id))
    return [
        *head,
        ("Response", "Success" if success else "Failure"),
        ("Channel", channel),
        *target,
        ("Reason", str(reason)),
        ("Uniqueid", uniqueid),
        ("CallerIDNum", cid_num),
        ("CallerIDName", cid_name),
    ]


def two_channel_event(
    name: str, first: tuple[str, Channel], second: tuple[str, Channel], *extra: tuple[str, str]
) -> Headers:
    """ChanSpyStart/Stop (Spyer/Spyee), LocalBridge (LocalOne/LocalTwo)."""
    return [
        ("Event", name),
        ("Privilege", "call,all"),
        *first[1].header_block(first[0]),
        *second[1].header_block(second[0]),
        *extra,
    ]
