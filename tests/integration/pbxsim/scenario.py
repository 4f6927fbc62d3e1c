"""Helpers shared by the call-scenario conformance tests."""

from __future__ import annotations

import re

from callcenter.asterisk.ami_frames import AmiMessage
from tests.integration.pbxsim.engine_stub import AgiConn, recorded_agi, role

# Events real Asterisk sends that the simulator deliberately does not (or not in the same number).
DELIBERATE_DIFFERENCES = {
    "RTCPSent": "no RTP in the simulator",
    "AGIExecStart": "emitted, but compared only through the AGI answers",
    "AGIExecEnd": "emitted, but compared only through the AGI answers",
    "NewCallerid": "emitted, not compared (no field the engine uses)",
    "NewConnectedLine": "emitted, not compared (no field the engine uses)",
    "DeviceStateChange": "emitted; repeated Local device states are collapsed",
    "Unhold": "not modelled (BlindTransfer)",
}

# The events the engine relies on, compared per channel role with these fields.
COMPARED_EVENTS = {
    "Newchannel",
    "Newexten",
    "Newstate",
    "DTMFEnd",
    "MusicOnHoldStart",
    "MusicOnHoldStop",
    "VarSet",
    "DialBegin",
    "DialState",
    "DialEnd",
    "BridgeCreate",
    "BridgeEnter",
    "BridgeLeave",
    "BridgeDestroy",
    "MixMonitorStart",
    "MixMonitorMute",
    "MixMonitorStop",
    "ChanSpyStart",
    "ChanSpyStop",
    "OriginateResponse",
    "LocalBridge",
    "HangupRequest",
    "SoftHangupRequest",
    "Hangup",
    "BlindTransfer",
}
# VarSet of these only: the others (RTPAUDIOQOS*, DIALEDTIME…, BRIDGEPEER repeats) are noise.
COMPARED_VARIABLES = {
    "CC_INTERACTION",
    "CC_AGENT",
    "AGISTATUS",
    "DIALSTATUS",
    "MIXMONITOR_FILENAME",
    "CC_CALLBACK_ID",
}
FIELDS = (
    "Context",
    "Exten",
    "Application",
    "Digit",
    "DialStatus",
    "Cause",
    "Variable",
    "Class",
    "State",
    "Response",
    "Reason",
)


def per_role(messages: list[AmiMessage]) -> dict[str, list[tuple[str, ...]]]:
    """Compared events grouped by channel role, each as (Event, field=value…)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for msg in messages:
        event = msg.event
        if event not in COMPARED_EVENTS:
            continue
        if event == "VarSet" and msg.get("Variable") not in COMPARED_VARIABLES:
            continue
        chan = (
            msg.get("Channel")
            or msg.get("DestChannel")
            or msg.get("SpyerChannel")
            or msg.get("LocalOneChannel")
            or msg.get("TransfererChannel")
            or "bridge"
        )
        values = tuple(
            f"{k}={msg.get(k)}" for k in FIELDS if k in msg and not (event == "VarSet" and k == "Value")
        )
        if event == "VarSet" and msg.get("Variable") != "DIALSTATUS":
            values += (f"Value={msg.get('Value')}",)
        if event == "VarSet" and msg.get("Variable") == "DIALSTATUS" and msg.get("Value"):
            values += (f"Value={msg.get('Value')}",)
        out.setdefault(role(chan), []).append((event, *values))
    return out


def bridge_ids_consistent(messages: list[AmiMessage]) -> bool:
    """Every BridgeEnter/Leave/Destroy names a bridge that was created before."""
    created: set[str] = set()
    for msg in messages:
        if msg.event == "BridgeCreate":
            created.add(msg.get("BridgeUniqueid") or "")
        elif (
            msg.event in ("BridgeEnter", "BridgeLeave", "BridgeDestroy")
            and msg.get("BridgeUniqueid") not in created
        ):
            return False
    return bool(created)


def agi_commands(name: str, script: str = "ivr") -> list[str]:
    """The engine's recorded AGI commands (in order) of the recording."""
    return [line for d, line in recorded_agi(name) if d == "agi>" and line != "<CLOSE>"]


def agi_answers(name: str) -> list[str]:
    return [line for d, line in recorded_agi(name) if d == "agi<" and line != "<EOF>"]


def normalize_endpos(line: str) -> str:
    return re.sub(r"endpos=\d+", "endpos=N", line)


async def replay_commands(conn: AgiConn, commands: list[str]) -> None:
    for command in commands:
        await conn.command(command)
