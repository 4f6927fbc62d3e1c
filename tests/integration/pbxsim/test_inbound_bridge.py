"""inbound_bridge: the IVR of inbound_redirect, then the engine Originates the agent leg
(``Application: Wait``) and joins it to the caller on hold with the AMI ``Bridge`` action.

The recorded actions (``ami>``) and AGI commands (``agi>``) are replayed verbatim (channel names
renamed) and the simulator's answers are compared with Asterisk's.

Deliberate differences (besides scenario.DELIBERATE_DIFFERENCES):
- the BRIDGEPEER/BRIDGEPVTCALLID VarSets Asterisk repeats whenever the bridge is re-evaluated
  (MixMonitor, ChanSpy) are sent only when the channels enter and leave the bridge;
- no RTPAUDIOQOS* VarSets (no RTP); the agent's DeviceStateChange INUSE comes at answer;
- BridgeDestroy comes right after both BridgeLeave, not after the caller's Newexten/SoftHangupRequest;
- BRIDGEPVTCALLID values are generated Call-IDs of the same shape, not the recorded ones;
- the spy leg's OriginateResponse keeps the inbound_redirect position (Asterisk races it);
- MixMonitorStop is sent with the StopMixMonitor answer (Asterisk sends it a moment later).
"""

from __future__ import annotations

import asyncio
import re

from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import (
    AgiConn,
    AgiServer,
    AmiClient,
    recorded_action,
    recorded_agi_env_keys,
    recorded_ami,
    role,
)
from tests.integration.pbxsim.scenario import agi_answers, agi_commands, bridge_ids_consistent, per_role

NAME = "inbound_bridge"
RECORDED_DIGITS = ((3.0, "1"), (1.86, "2"), (0.36, "#"))
CALLER, AGENT = "PJSIP/pstn-00000002", "PJSIP/agent-1001-00000003"
NOISE = {"DeviceStateChange", "RTCPSent", "AGIExecStart", "AGIExecEnd"}
PEER_VARS = {"BRIDGEPEER", "BRIDGEPVTCALLID"}


async def test_given_caller_on_hold_in_agi_when_bridged_to_originated_agent_then_sim_matches_recording(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    ivr_done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        for command in agi_commands(NAME):  # EXEC MusicOnHold ends with the Bridge; then NOOP
            await conn.command(command)
        ivr_done.set()  # returning closes the socket, as the engine did (<CLOSE>)

    agi.scripts["ivr"] = ivr
    handle = await sim.place_call(SimulatedCaller(digits=RECORDED_DIGITS, patience_s=300))
    await ami.event("MusicOnHoldStart", Channel=handle.channel)
    rename = {CALLER: handle.channel}
    for n in range(3, 8):
        await _replay(ami, n, rename)
    answered = await ami.event("OriginateResponse", ActionID="cap-7")
    rename[AGENT] = agent = answered.get("Channel") or ""
    assert role(agent) == "agent-1001"
    await _replay(ami, 8, rename)
    await asyncio.wait_for(ivr_done.wait(), 5)
    await ami.event("NewConnectedLine", Channel=handle.channel, ConnectedLineNum="5551234")
    for n in (9, 10, 11, 12):
        await _replay(ami, n, rename)
    await ami.event("ChanSpyStart")
    for n in (13, 14, 15):
        await _replay(ami, n, rename)
    outcome = await handle.finished(5)
    await ami.event("Hangup", Channel=agent)
    await _replay(ami, 16, rename)
    await ami.event("ChannelsHungupListComplete", ActionID="cap-16")
    await ami.wait_for(lambda m: m.event == "Hangup" and (m.get("Channel") or "").endswith(";1"))
    recorded = recorded_ami(NAME)

    # AGI: the running EXEC answers 200 result=-1, the bare HANGUP precedes the NOOP's answer.
    conn = agi.sessions[0]
    assert [k for k, _ in conn.env] == recorded_agi_env_keys(NAME)
    assert conn.received == agi_answers(NAME)
    assert conn.received[-3:] == ["200 result=-1", "HANGUP", "200 result=0"]
    # The yanked AGI channel is a zombie: no AGIExec* events after the Bridge, no AGISTATUS.
    for event in ("AGIExecStart", "AGIExecEnd"):
        assert _count(ami.messages, event) == _count(recorded, event), event
    assert not any(m.event == "VarSet" and m.get("Variable") == "AGISTATUS" for m in ami.messages)

    # Responses to every recorded action.
    for n in range(3, 17):
        got, want = _response(ami.messages, n), _response(recorded, n)
        assert (got.response, got.get("Message"), got.get("EventList")) == (
            want.response,
            want.get("Message"),
            want.get("EventList"),
        ), n

    # What the Bridge publishes, in order, with the fields the engine relies on.
    assert _block(ami.messages, "cap-8", "NewConnectedLine") == _block(recorded, "cap-8", "NewConnectedLine")
    # Leaving: peer variables cleared, BridgeLeave (agent first), the caller's dialplan goes on.
    assert _block(ami.messages, "cap-15", "Hangup", skip={"BridgeDestroy", "MixMonitorStop"}) == _block(
        recorded, "cap-15", "Hangup", skip={"BridgeDestroy", "MixMonitorStop"}
    )
    listing = [m for m in ami.messages if m.event == "CoreShowChannel" and m.action_id == "cap-13"]
    want_listing = [m for m in recorded if m.event == "CoreShowChannel" and m.action_id == "cap-13"]
    assert [(role(m.get("Channel")), m.get("Application")) for m in listing] == [
        (role(m.get("Channel")), m.get("Application")) for m in want_listing
    ]
    bridge_id = next(m.get("BridgeUniqueid") for m in ami.messages if m.event == "BridgeCreate")
    assert [m.get("BridgeId") for m in listing[2:]] == [bridge_id, bridge_id]

    # Per channel: every event the engine relies on, in order, with its fields.
    assert _without_local_answer(per_role(ami.messages)) == _without_local_answer(per_role(recorded))
    assert bridge_ids_consistent(ami.messages)
    assert (outcome.agent, outcome.hung_up_by) == ("agent-1001", "engine")


async def test_bridge_errors_are_answered_as_asterisk_words_them(sim: PbxSimulator, ami: AmiClient) -> None:
    ami.send("Originate", "o-1", Channel="PJSIP/agent-1001", Application="Wait", Data="60", Async="true")
    leg = (await ami.event("OriginateResponse", ActionID="o-1")).get("Channel") or ""
    cases = {
        "b-1": {"Channel1": "PJSIP/nobody-00000001", "Channel2": leg},
        "b-2": {"Channel1": leg, "Channel2": "PJSIP/nobody-00000001"},
        "b-3": {"Channel1": leg},
    }
    for action_id, headers in cases.items():
        ami.send("Bridge", action_id, **headers)
    replies = [await ami.response(a) for a in cases]
    assert [(r.response, r.get("Message")) for r in replies] == [
        ("Error", "Channel1 does not exist: PJSIP/nobody-00000001"),
        ("Error", "Channel2 does not exist: PJSIP/nobody-00000001"),
        ("Error", "Missing channel parameter in request"),
    ]


async def test_two_originated_legs_found_by_name_prefix_are_bridged_until_one_hangs_up(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    legs = []
    for n, endpoint in enumerate(("agent-1001", "agent-1002")):
        ami.send("Originate", f"o-{n}", Channel=f"PJSIP/{endpoint}", Application="Wait", Data="60", Async="1")
        legs.append((await ami.event("OriginateResponse", ActionID=f"o-{n}")).get("Channel") or "")
    # ast_channel_get_by_name_prefix: a case-insensitive prefix of the name is enough.
    ami.send("Bridge", "b-1", Channel1="pjsip/agent-1001", Channel2="PJSIP/agent-1002", Tone="Both")
    assert (await ami.response("b-1")).get("Message") == "Channels have been bridged"
    await ami.event("BridgeEnter", Channel=legs[1])
    ami.send("Hangup", "h-1", Channel=legs[1])
    await ami.event("Hangup", Channel=legs[0])
    bridge = [(m.event, role(m.get("Channel"))) for m in ami.messages if (m.event or "").startswith("Bridge")]
    assert bridge == [
        ("BridgeCreate", ""),
        ("BridgeEnter", "agent-1001"),
        ("BridgeEnter", "agent-1002"),
        ("BridgeLeave", "agent-1002"),
        ("BridgeLeave", "agent-1001"),
        ("BridgeDestroy", ""),
    ]
    enter = [m for m in ami.messages if m.event == "BridgeEnter"]
    assert enter[0].get("Linkedid") == enter[1].get("Linkedid") == enter[0].get("Uniqueid")
    # Neither leg ran dialplan: the one left in the bridge hangs up; the yanked Waits stay silent.
    hangups = [(m.get("Channel"), m.get("Cause")) for m in ami.messages if m.event == "Hangup"]
    assert sorted(hangups) == sorted([(legs[0], "16"), (legs[1], "16")])


def _without_local_answer(roles: dict[str, list[tuple[str, ...]]]) -> dict[str, list[tuple[str, ...]]]:
    """Asterisk races the Local spy leg's OriginateResponse with the channels' own events: it came
    first in inbound_redirect and after DialEnd here; the simulator keeps the first order."""
    local = [e for e in roles.get("local;1", []) if e[0] != "OriginateResponse"]
    return {**roles, "local;1": local}


async def _replay(ami: AmiClient, n: int, rename: dict[str, str]) -> None:
    raw = recorded_action(NAME, f"cap-{n}").decode()
    for old, new in rename.items():
        raw = raw.replace(old, new)
    ami.send_raw(raw.encode())
    await ami.response(f"cap-{n}")


def _count(messages: list[AmiMessage], event: str) -> int:
    return sum(1 for m in messages if m.event == event)


def _response(messages: list[AmiMessage], n: int) -> AmiMessage:
    return next(m for m in messages if m.response and m.action_id == f"cap-{n}")


def _block(
    messages: list[AmiMessage], action_id: str, until: str, skip: frozenset[str] | set[str] = frozenset()
) -> list[tuple[str, ...]]:
    """From the response to ``action_id`` up to the caller's first ``until`` event, summarized."""
    start = next(i for i, m in enumerate(messages) if m.response and m.action_id == action_id)
    out: list[tuple[str, ...]] = []
    for msg in messages[start + 1 :]:
        event = msg.event or ""
        variable = msg.get("Variable") or ""
        if event in NOISE | skip or (event == "VarSet" and variable not in PEER_VARS):
            continue
        value = msg.get("Value") or ""
        value = role(value) if value.startswith("PJSIP/") else re.sub(r"^.+$", "<call-id>", value)
        chan = msg.get("Channel") or msg.get("SpyeeChannel")
        fields = (msg.get("Priority") or "", role(msg.get("Linkedid") and _linked(messages, msg)))
        out.append((event, role(chan), variable, value if event == "VarSet" else "", *fields))
        if event == until and role(chan) == "caller":
            break
    return out


def _linked(messages: list[AmiMessage], msg: AmiMessage) -> str:
    """The channel whose Uniqueid is this event's Linkedid (uniqueids differ between runs)."""
    linkedid = msg.get("Linkedid")
    return next((m.get("Channel") or "" for m in messages if m.get("Uniqueid") == linkedid), "")
