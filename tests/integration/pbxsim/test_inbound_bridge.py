"""inbound_bridge: the engine Originates the agent leg (Application Wait) and joins it to the
caller on hold with the AMI Bridge action.

Deliberate difference: real Asterisk pulls the caller into the bridge while its AGI script
still runs (the script sees ``result=-1`` and ``HANGUP``); the simulator enters the bridge
when the AGI session ends, so BridgeCreate/BridgeEnter come a few milliseconds later than in
the recording. Event names, order per channel and fields are the recorded ones.
"""

from __future__ import annotations

import asyncio

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, recorded_action, recorded_ami
from tests.integration.pbxsim.scenario import agi_commands, bridge_ids_consistent

DIGITS = ((3.0, "1"), (1.86, "2"), (0.36, "#"))
BRIDGE_EVENTS = ("BridgeCreate", "BridgeEnter", "BridgeLeave", "BridgeDestroy")


def _bridge_sequence(messages: list[object]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for msg in messages:
        event = getattr(msg, "event", None)
        if event in BRIDGE_EVENTS:
            channel = msg.get("Channel") or ""  # type: ignore[attr-defined]
            out.append((event, "caller" if "pstn" in channel else "agent" if channel else ""))
    return out


async def test_given_a_caller_on_hold_when_bridged_to_an_originated_agent_then_bridge_events_match(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    ivr_done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        for command in agi_commands("inbound_bridge"):
            await conn.command(command)
        ivr_done.set()

    agi.scripts["ivr"] = ivr
    handle = await sim.place_call(SimulatedCaller(digits=DIGITS))
    await ami.event("MusicOnHoldStart", Channel=handle.channel)

    ami.send_raw(recorded_action("inbound_bridge", "cap-7"))
    answered = await ami.event("OriginateResponse", Response="Success")
    agent_channel = answered.get("Channel") or ""
    assert agent_channel.startswith("PJSIP/agent-1001-")

    bridge = recorded_action("inbound_bridge", "cap-8").decode()
    bridge = bridge.replace("PJSIP/pstn-00000002", handle.channel).replace(
        "PJSIP/agent-1001-00000003", agent_channel
    )
    ami.send_raw(bridge.encode())
    reply = await ami.response("cap-8")
    assert (reply.get("Response"), reply.get("Message")) == ("Success", "Channels have been bridged")
    await asyncio.wait_for(ivr_done.wait(), 5)
    await ami.event("BridgeEnter", Channel=agent_channel)

    ami.send_raw(f"Action: Hangup\r\nActionID: cap-15\r\nChannel: {agent_channel}\r\n\r\n".encode())
    assert (await ami.response("cap-15")).get("Message") == "Channel Hungup"
    await handle.finished(5)

    assert _bridge_sequence(list(ami.messages)) == _bridge_sequence(list(recorded_ami("inbound_bridge")))
    assert bridge_ids_consistent(ami.messages)
    assert agi.sessions[0].received[-2:] == ["HANGUP", "200 result=0"]


async def test_bridge_of_a_missing_channel_is_an_error(sim: PbxSimulator, ami: AmiClient) -> None:
    ami.send_raw(b"Action: Bridge\r\nActionID: b-1\r\nChannel1: PJSIP/nobody-00000001\r\nChannel2: x\r\n\r\n")
    reply = await ami.response("b-1")
    assert reply.get("Response") == "Error"
    assert reply.get("Message") == "Channel1 does not exist: PJSIP/nobody-00000001"
