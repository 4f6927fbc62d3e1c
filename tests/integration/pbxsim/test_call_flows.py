"""agent_busy (with the connect-failed hand-back), callback, callback_busy and blind_transfer."""

from __future__ import annotations

import asyncio

from callcenter.pbxsim import PbxSimulator, SimulatedCaller
from tests.integration.pbxsim.engine_stub import AgiConn, AgiServer, AmiClient, recorded_action, recorded_ami
from tests.integration.pbxsim.scenario import agi_answers, agi_commands, bridge_ids_consistent, per_role

DIGITS = ((3.0, "1"), (1.86, "2"), (0.36, "#"))


def _action(name: str, n: int, rename: dict[str, str]) -> bytes:
    raw = recorded_action(name, f"cap-{n}").decode()
    for old, new in rename.items():
        raw = raw.replace(old, new)
    return raw.encode()


def _ivr_until_redirect(agi: AgiServer, name: str) -> asyncio.Event:
    done = asyncio.Event()
    commands = agi_commands(name)

    async def ivr(conn: AgiConn) -> None:
        for command in commands:
            await conn.command(command)
        done.set()

    agi.scripts["ivr"] = ivr
    return done


async def test_given_busy_agent_when_redirected_then_dialend_busy_and_caller_handed_back(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    """agent_busy up to DialStatus BUSY; then, instead of the recorded Hangup() that lost the caller,
    the connect context hands the caller back with AGI(.../connect-failed,BUSY,agent-1001) (fact 9)."""
    sim.set_agent_behaviour("agent-1001", behaviour="busy")
    ivr_done = _ivr_until_redirect(agi, "agent_busy")
    failed_env: list[dict[str, str]] = []

    async def connect_failed(conn: AgiConn) -> None:
        failed_env.append(conn.env_dict())
        await conn.command("NOOP requeue")

    agi.scripts["connect-failed"] = connect_failed
    handle = await sim.place_call(SimulatedCaller(digits=DIGITS))
    await ami.event("MusicOnHoldStart", Channel=handle.channel)
    ami.send_raw(_action("agent_busy", 3, {"PJSIP/pstn-00000008": handle.channel}))
    assert (await ami.response("cap-3")).get("Message") == "Redirect successful"
    await asyncio.wait_for(ivr_done.wait(), 5)
    await handle.finished(5)
    assert agi.sessions[0].received == agi_answers("agent_busy")
    assert failed_env
    assert failed_env[0]["agi_network_script"] == "connect-failed"
    assert (failed_env[0]["agi_arg_1"], failed_env[0]["agi_arg_2"]) == ("BUSY", "agent-1001")
    assert (failed_env[0]["agi_context"], failed_env[0]["agi_extension"]) == ("cc-connect", "agent-1001")

    got, want = per_role(ami.messages), per_role(recorded_ami("agent_busy"))
    assert got["agent-1001"] == want["agent-1001"]
    busy_at = want["caller"].index(
        ("VarSet", "Context=cc-connect", "Exten=agent-1001", "Variable=DIALSTATUS", "Value=BUSY")
    )
    assert got["caller"][: busy_at + 1] == want["caller"][: busy_at + 1]
    assert got["caller"][busy_at + 1] == (
        "Newexten",
        "Context=cc-connect",
        "Exten=agent-1001",
        "Application=AGI",
    )
    assert got["caller"][-1] == ("Hangup", "Context=cc-connect", "Exten=agent-1001", "Cause=17")
    ami.send_raw(_action("agent_busy", 4, {"PJSIP/pstn-00000008": handle.channel}))
    assert (await ami.response("cap-4")).get("Message") == "No such channel"


async def test_given_customer_answers_when_callback_originated_then_agent_dialed_and_bridged(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    ami.send_raw(recorded_action("callback", "cap-3"))
    assert (await ami.response("cap-3")).get("Message") == "Originate successfully queued"
    response = await ami.event("OriginateResponse", ActionID="cap-3")
    assert (response.get("Response"), response.get("Reason")) == ("Success", "4")
    await ami.wait_for(lambda m: m.event == "BridgeEnter" and m.get("BridgeNumChannels") == "2")
    agent = next(m.get("DestChannel") for m in ami.messages if m.event == "DialBegin" and m.get("Channel"))
    assert agent is not None
    ami.send_raw(_action("callback", 4, {"PJSIP/agent-1001-00000007": agent}))
    await ami.response("cap-4")
    await ami.wait_for(
        lambda m: m.event == "Hangup" and (m.get("Channel") or "").startswith("PJSIP/pstn-out")
    )
    assert per_role(ami.messages) == per_role(recorded_ami("callback"))
    assert bridge_ids_consistent(ami.messages)


async def test_given_busy_customer_when_callback_originated_then_failure_reason_0(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    sim.set_customer_behaviour("4155550100", "busy")
    ami.send_raw(recorded_action("callback_busy", "cap-3"))
    assert (await ami.response("cap-3")).get("Message") == "Originate successfully queued"
    await ami.wait_for(lambda m: m.event == "Hangup")
    got = next(m for m in ami.messages if m.event == "OriginateResponse")
    want = next(m for m in recorded_ami("callback_busy") if m.event == "OriginateResponse")
    assert got.headers == want.headers
    assert per_role(ami.messages) == per_role(recorded_ami("callback_busy"))
    hangup = next(m for m in ami.messages if m.event == "Hangup")
    assert (hangup.get("Cause"), hangup.get("Cause-txt"), hangup.get("TechCause")) == (
        "17",
        "User busy",
        "486",
    )


async def test_given_bridged_call_when_blind_transfer_of_agent_then_caller_dialed_to_second_agent(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    ivr_done = _ivr_until_redirect(agi, "blind_transfer")
    handle = await sim.place_call(SimulatedCaller(digits=DIGITS))
    rename = {"PJSIP/pstn-00000003": handle.channel}
    await ami.event("MusicOnHoldStart", Channel=handle.channel)
    ami.send_raw(_action("blind_transfer", 3, rename))
    await asyncio.wait_for(ivr_done.wait(), 5)
    first = await ami.event("BridgeEnter", Channel=handle.channel)
    agent1 = next(m.get("DestChannel") for m in ami.messages if m.event == "DialBegin" and m.get("Channel"))
    assert agent1 is not None
    rename["PJSIP/agent-1001-00000004"] = agent1
    ami.send_raw(_action("blind_transfer", 4, rename))
    assert (await ami.response("cap-4")).get("Message") == "Transfer succeeded"
    transfer = await ami.event("BlindTransfer")
    assert (transfer.get("TransfererChannel"), transfer.get("TransfereeChannel")) == (agent1, handle.channel)
    assert (transfer.get("Context"), transfer.get("Extension")) == ("cc-connect", "agent-1002")
    second = await ami.wait_for(
        lambda m: m.event == "BridgeEnter"
        and m.get("Channel") == handle.channel
        and m.get("BridgeUniqueid") != first.get("BridgeUniqueid")
    )
    assert second.get("Exten") == "agent-1002"
    await ami.event("Hangup", Channel=agent1)
    agent2 = [m.get("DestChannel") for m in ami.messages if m.event == "DialBegin" and m.get("Channel")][-1]
    assert agent2 is not None
    assert agent2.startswith("PJSIP/agent-1002-")
    rename["PJSIP/agent-1002-00000005"] = agent2
    ami.send_raw(_action("blind_transfer", 5, rename))
    outcome = await handle.finished(5)
    assert outcome.agent == "agent-1002"
    got, want = per_role(ami.messages), per_role(recorded_ami("blind_transfer"))
    assert got["agent-1002"] == want["agent-1002"]
    assert [e for e in got["agent-1001"] if e[0] != "BlindTransfer"] == [
        e for e in want["agent-1001"] if e[0] != "BlindTransfer"
    ]
    assert bridge_ids_consistent(ami.messages)


async def test_given_a_missing_channel_when_redirected_then_asterisks_channel_does_not_exist_error(
    sim: PbxSimulator, agi: AgiServer, ami: AmiClient
) -> None:
    """manager.c action_redirect: a missing Channel is "Channel does not exist: <name>" (not Hangup's
    "No such channel"), a missing ExtraChannel "ExtraChannel does not exist: <name>", and a
    two-channel redirect answers "Dual Redirect successful"; Setvar and Getvar say "No such channel"."""

    async def hold(conn: AgiConn) -> None:
        await conn.command("EXEC MusicOnHold default,600")

    agi.scripts["ivr"] = hold
    ghost = "PJSIP/pstn-0000dead"
    ami.send("Redirect", "r-1", Channel=ghost, Context="cc-connect", Exten="agent-1001", Priority="1")
    reply = await ami.response("r-1")
    assert (reply.response, reply.get("Message")) == ("Error", f"Channel does not exist: {ghost}")
    for action, n in (("Setvar", 2), ("Getvar", 3)):
        ami.send(action, f"r-{n}", Channel=ghost, Variable="CC_QUEUED", Value="x")
        reply = await ami.response(f"r-{n}")
        assert (reply.response, reply.get("Message")) == ("Error", "No such channel")

    first = await sim.place_call(SimulatedCaller())
    second = await sim.place_call(SimulatedCaller())
    for handle in (first, second):
        await ami.event("MusicOnHoldStart", Channel=handle.channel)
    where = {"Context": "cc-connect", "Exten": "agent-1001", "Priority": "1"}
    ami.send("Redirect", "r-4", Channel=first.channel, ExtraChannel=ghost, **where)
    reply = await ami.response("r-4")
    assert (reply.response, reply.get("Message")) == ("Error", f"ExtraChannel does not exist: {ghost}")
    ami.send("Redirect", "r-5", Channel=first.channel, ExtraChannel=second.channel, **where)
    assert (await ami.response("r-5")).get("Message") == "Dual Redirect successful"
