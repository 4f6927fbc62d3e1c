"""inbound_redirect: IVR over FastAGI, Redirect to cc-connect, Dial, bridge, MixMonitor, ChanSpy."""

from __future__ import annotations

import asyncio

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import (
    AgiConn,
    AgiServer,
    AmiClient,
    recorded_action,
    recorded_agi_env_keys,
    recorded_ami,
)
from tests.integration.pbxsim.scenario import agi_answers, agi_commands, bridge_ids_consistent, per_role

NAME = "inbound_redirect"
# Digit timing of the recorded SIPp caller, measured from the start of the first prompt.
RECORDED_DIGITS = ((3.0, "1"), (1.86, "2"), (0.36, "#"))


async def test_given_recorded_engine_when_call_is_redirected_then_sim_matches_recording(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    commands = agi_commands(NAME)
    ivr_done = asyncio.Event()

    async def ivr(conn: AgiConn) -> None:
        for command in commands:
            await conn.command(command)  # the last one (EXEC MusicOnHold) ends with the Redirect
        ivr_done.set()

    agi.scripts["ivr"] = ivr
    handle = await sim.place_call(SimulatedCaller(digits=RECORDED_DIGITS, patience_s=300))
    caller = handle.channel
    await ami.event("MusicOnHoldStart", Channel=caller)
    rename = {"PJSIP/pstn-00000006": caller}
    for n in range(3, 9):
        ami.send_raw(_action(n, rename))
        await ami.response(f"cap-{n}")
    await asyncio.wait_for(ivr_done.wait(), 5)
    enter = await ami.event("BridgeEnter", Channel=caller)
    agent = next(
        m.get("DestChannel") for m in ami.messages if m.event == "DialBegin" and m.get("Channel") == caller
    )
    assert agent is not None
    rename["PJSIP/agent-1001-00000007"] = agent
    for n in (9, 10, 11):
        ami.send_raw(_action(n, rename))
        await ami.response(f"cap-{n}")
    await ami.event("ChanSpyStart")
    for n in (12, 13, 14):
        ami.send_raw(_action(n, rename))
        await ami.response(f"cap-{n}")
    outcome = await handle.finished(5)
    ami.send_raw(_action(15, rename))
    await ami.event("ChannelsHungupListComplete", ActionID="cap-15")
    await ami.wait_for(lambda m: m.event == "Hangup" and (m.get("Channel") or "").endswith(";1"))

    # AGI: same environment keys, same answers line for line.
    ivr_conn = agi.sessions[0]
    assert [k for k, _ in ivr_conn.env] == recorded_agi_env_keys(NAME)
    env = ivr_conn.env_dict()
    assert (env["agi_network_script"], env["agi_arg_1"], env["agi_channel"]) == ("ivr", "5551234", caller)
    assert (env["agi_callerid"], env["agi_calleridname"], env["agi_priority"]) == (
        "4155550100",
        "Test Caller",
        "2",
    )
    assert ivr_conn.received == agi_answers(NAME)

    # AMI: responses to the recorded actions, then the events the engine relies on, per channel.
    recorded = recorded_ami(NAME)
    for n in range(3, 16):
        got = next(m for m in ami.messages if m.response and m.action_id == f"cap-{n}")
        want = next(m for m in recorded if m.response and m.action_id == f"cap-{n}")
        assert (got.response, got.get("Message"), got.get("EventList")) == (
            want.response,
            want.get("Message"),
            want.get("EventList"),
        ), n
    listing = [m for m in ami.messages if m.event == "CoreShowChannel" and m.action_id == "cap-12"]
    assert [m.get("Application") for m in listing] == ["Wait", "ChanSpy", "AppDial", "Dial"]
    assert listing[-1].get("BridgeId") == enter.get("BridgeUniqueid") == listing[-2].get("BridgeId")
    assert per_role(ami.messages) == per_role(recorded)
    assert bridge_ids_consistent(ami.messages)
    assert outcome.agent == "agent-1001"
    assert outcome.hung_up_by == "engine"
    assert "hello-world" in outcome.prompts


def _action(n: int, rename: dict[str, str]) -> bytes:
    raw = recorded_action(NAME, f"cap-{n}").decode()
    for old, new in rename.items():
        raw = raw.replace(old, new)
    return raw.encode()
