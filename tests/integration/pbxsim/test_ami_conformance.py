"""AMI session conformance: list_actions, bad_login, asterisk_restart, and the listener hooks."""

from __future__ import annotations

import asyncio

from callcenter.pbxsim import PbxSimulator, SimConfig
from tests.integration.pbxsim.engine_stub import AmiClient, recorded_action, recorded_ami, wait_until

# Events Asterisk sends that the simulator does not; the engine relies on none of them.
DELIBERATE_DIFFERENCES = {
    "RTCPSent": "no RTP in the simulator",
}


def _shape(msg: object) -> tuple[str, ...]:
    from callcenter.asterisk.ami_frames import AmiMessage

    assert isinstance(msg, AmiMessage)
    keep = ("Response", "Event", "ActionID", "Message", "EventList", "ListItems", "Events", "Ping", "Device")
    return tuple(f"{k}={msg.get(k)}" for k in keep if k in msg)


async def test_given_recorded_list_actions_when_replayed_then_answers_match(sim: PbxSimulator) -> None:
    sim.remove_agent_phone("agent-1002")  # the recording's Asterisk had agent-1001 and pstn
    client = AmiClient()
    await client.connect(sim.ami_port)
    try:
        for n in range(1, 12):
            client.send_raw(recorded_action("list_actions", f"cap-{n}"))
            if n == 1:
                await client.response("cap-1")
        await asyncio.wait_for(client.eof.wait(), 5)
        assert client.greeting == "Asterisk Call Manager/11.0.0"
        expected = [_shape(m) for m in recorded_ami("list_actions")]
        got = [_shape(m) for m in client.messages]
        assert got == expected
        by_id = {m.action_id: m for m in client.messages if m.response}
        assert by_id["cap-3"].get("Ping") == "Pong"
        assert by_id["cap-3"].get("Timestamp")
        assert (by_id["cap-6"].get("Output") or "").startswith("Asterisk 22.10.1")
        assert by_id["cap-5"].get("AsteriskVersion") == "22.10.1"
        auth = next(m for m in client.messages if m.event == "SuccessfulAuth")
        recorded_auth = next(m for m in recorded_ami("list_actions") if m.event == "SuccessfulAuth")
        assert [k for k, _ in auth.headers] == [k for k, _ in recorded_auth.headers]
    finally:
        await client.close()


async def test_given_wrong_secret_when_login_then_error_after_delay_and_eof(sim: PbxSimulator) -> None:
    client = AmiClient()
    await client.connect(sim.ami_port)
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        client.send_raw(recorded_action("bad_login", "cap-1"))
        reply = await client.response("cap-1")
        elapsed = loop.time() - started
        recorded = next(m for m in recorded_ami("bad_login") if m.response)
        assert (reply.response, reply.get("Message")) == (recorded.response, recorded.get("Message"))
        assert elapsed >= 1.0 * sim.config.time_scale * 0.9
        await asyncio.wait_for(client.eof.wait(), 5)
        assert not any(m.event for m in client.messages)
    finally:
        await client.close()


async def test_given_no_login_when_action_then_authentication_required(sim: PbxSimulator) -> None:
    client = AmiClient()
    await client.connect(sim.ami_port)
    try:
        client.send("CoreShowChannels", "x-1")
        reply = await client.response("x-1")
        assert (reply.response, reply.get("Message")) == ("Error", "Authentication Required")
    finally:
        await client.close()


async def test_given_permit_list_without_client_when_connecting_then_closed() -> None:
    sim = PbxSimulator(SimConfig(ami_permit=("10.9.9.9",), agi_port=1))
    await sim.start()
    client = AmiClient()
    try:
        await client.connect(sim.ami_port)
        await asyncio.wait_for(client.eof.wait(), 5)
        assert client.greeting is None
    finally:
        await client.close()
        await sim.stop()


async def test_given_logged_in_when_shutdown_asterisk_then_shutdown_event_then_eof(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    await sim.shutdown_asterisk(restart=True)
    await asyncio.wait_for(ami.eof.wait(), 5)
    recorded = next(m for m in recorded_ami("asterisk_restart") if m.event == "Shutdown")
    got = ami.messages[-1]
    assert got.headers == recorded.headers
    again = AmiClient()
    try:
        await again.login(sim.ami_port)  # back on the same port
    finally:
        await again.close()


async def test_given_logged_in_when_restart_ami_then_eof_and_same_port_accepts(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    port = sim.ami_port
    await sim.stop_ami()
    await asyncio.wait_for(ami.eof.wait(), 5)
    refused = AmiClient()
    try:
        await refused.connect(port)
        raise AssertionError("listener still open")
    except OSError:
        pass
    finally:
        await refused.close()
    await sim.start_ami()
    assert sim.ami_port == port
    await sim.restart_ami()
    client = AmiClient()
    try:
        await client.login(port)
        await wait_until(lambda: any(m.event == "FullyBooted" for m in client.messages), what="FullyBooted")
    finally:
        await client.close()
