"""ChanSpy's mode on one running leg: option ``d`` and AMI ``PlayDTMF`` with ``Receive: true``.

app_chanspy.c (``change_spy_mode``): with ``d``, DTMF 4 / 5 / 6 read on the spying channel switch it to
listen / whisper / barge; app_senddtmf.c (``manager_play_dtmf``): ``Receive: true`` queues the digit on
the channel as if its phone had sent it, and answers ``DTMF successfully queued``.
"""

from __future__ import annotations

from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone
from tests.integration.pbxsim.engine_stub import AmiClient, wait_until


async def _agent_leg(ami: AmiClient) -> str:
    """The agent's phone, answered and waiting (the spied-on channel)."""
    ami.send("Originate", "a-1", Channel="PJSIP/agent-1001", Application="Wait", Data="60", Async="true")
    answered = await ami.event("OriginateResponse", ActionID="a-1", Response="Success")
    return answered.get("Channel") or ""


async def _spy_leg(ami: AmiClient, spyee: str, options: str, action_id: str) -> str:
    ami.send(
        "Originate",
        action_id,
        Channel="Local/spy@sup-sim",
        Application="ChanSpy",
        Data=f"{spyee},{options}",
        Async="true",
    )
    leg = (await ami.event("OriginateResponse", ActionID=action_id)).get("Channel") or ""
    await ami.event("ChanSpyStart", SpyerChannel=leg)
    return leg


def _spy_mode(sim: PbxSimulator, channel: str) -> str:
    return next(c.spy_mode for c in sim.channels() if c.name == channel)


async def test_given_a_chanspy_leg_with_option_d_when_digits_4_5_6_are_received_then_its_mode_changes(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    spyee = await _agent_leg(ami)
    leg = await _spy_leg(ami, spyee, "qd", "s-1")
    assert _spy_mode(sim, leg) == "listen"

    for n, (digit, mode) in enumerate((("5", "whisper"), ("6", "barge"), ("4", "listen")), start=1):
        ami.send("PlayDTMF", f"d-{n}", Channel=leg, Digit=digit, Receive="true")
        reply = await ami.response(f"d-{n}")
        assert (reply.response, reply.get("Message")) == ("Success", "DTMF successfully queued")
        end = await ami.event("DTMFEnd", Channel=leg, Digit=digit)
        assert (end.get("Direction"), end.get("DurationMs"), end.get("Privilege")) == (
            "Received",
            "0",
            "dtmf,all",
        )
        await wait_until(lambda: _spy_mode(sim, leg) == mode, what=f"the leg in {mode} mode")  # noqa: B023

    # The same leg all along: one ChanSpyStart, no DTMFBegin, nothing hung up.
    assert [m.get("SpyerChannel") for m in ami.messages if m.event == "ChanSpyStart"] == [leg]
    assert not [m for m in ami.messages if m.event in ("DTMFBegin", "ChanSpyStop", "Hangup")]


async def test_given_a_chanspy_leg_without_option_d_when_a_digit_is_received_then_the_mode_stays(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    spyee = await _agent_leg(ami)
    leg = await _spy_leg(ami, spyee, "qw", "s-1")
    assert _spy_mode(sim, leg) == "whisper"
    ami.send("PlayDTMF", "d-1", Channel=leg, Digit="6", Receive="true", Duration="100")
    assert (await ami.response("d-1")).response == "Success"
    assert (await ami.event("DTMFEnd", Channel=leg)).get("DurationMs") == "100"
    assert _spy_mode(sim, leg) == "whisper"


async def test_given_bad_playdtmf_actions_when_sent_then_asterisk_errors_come_back(
    sim: PbxSimulator, ami: AmiClient
) -> None:
    spyee = await _agent_leg(ami)
    ami.send("PlayDTMF", "d-1", Channel="Local/spy@sup-sim-000000ff;1", Digit="5", Receive="true")
    ami.send("PlayDTMF", "d-2", Channel=spyee, Receive="true")
    ami.send("PlayDTMF", "d-3", Channel=spyee, Digit="5", Duration="long")
    answers = [await ami.response(f"d-{n}") for n in (1, 2, 3)]
    assert [(a.response, a.get("Message")) for a in answers] == [
        ("Error", "Channel not found"),
        ("Error", "No digit specified"),
        ("Error", "Could not convert Duration parameter"),
    ]
    # Without Receive the digit goes out to the phone: no AMI event.
    ami.send("PlayDTMF", "d-4", Channel=spyee, Digit="5")
    assert (await ami.response("d-4")).get("Message") == "DTMF successfully queued"
    assert not [m for m in ami.messages if m.event == "DTMFEnd"]


async def test_given_chanspy_still_starting_when_a_digit_is_received_then_it_is_eaten() -> None:
    """ChanSpy first waits 100 ms for a digit of its own (``ast_waitfordigit`` in ``common_exec``;
    ChanSpyStart came 97 ms after OriginateResponse in inbound_redirect.jsonl): a digit queued then
    switches nothing. At time scale 1 that window is 100 ms of wall time."""
    sim = PbxSimulator(SimConfig(agi_port=1, time_scale=1.0))
    sim.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=0.1))
    await sim.start()
    ami = AmiClient()
    try:
        await ami.login(sim.ami_port)
        spyee = await _agent_leg(ami)
        ami.send(
            "Originate",
            "s-1",
            Channel="Local/spy@sup-sim",
            Application="ChanSpy",
            Data=f"{spyee},qd",
            Async="true",
        )
        leg = (await ami.event("OriginateResponse", ActionID="s-1")).get("Channel") or ""
        ami.send("PlayDTMF", "d-1", Channel=leg, Digit="5", Receive="true")
        await ami.event("DTMFEnd", Channel=leg)
        await ami.event("ChanSpyStart", SpyerChannel=leg)
        assert ami.messages.index(await ami.event("DTMFEnd")) < ami.messages.index(
            await ami.event("ChanSpyStart")
        )
        assert _spy_mode(sim, leg) == "listen"
    finally:
        await ami.close()
        await sim.stop()
