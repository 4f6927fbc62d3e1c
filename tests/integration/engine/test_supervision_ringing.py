"""The supervisor's desk phone rings before it answers: what a mode change or a stop does meanwhile.

Against a hand-written AMI peer (tests/integration/asterisk/ami_peer.py) that queues the Originate and
sends its ``OriginateResponse`` only when the test says the phone answered, as Asterisk does for a
PJSIP phone (the Local leg of the simulator answers at once), then ``ChanSpyStart`` when the test
says ChanSpy found the agent. ChanSpy first waits 100 ms for a digit (``ast_waitfordigit`` in
app_chanspy.c's ``common_exec``; ``ChanSpyStart`` came 97 ms after ``OriginateResponse`` in
inbound_redirect.jsonl): a digit sent before ``ChanSpyStart`` is eaten there and switches nothing.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from callcenter.asterisk.ami_backoff import Backoff
from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.ami_frames import AmiMessage, encode_message
from callcenter.asterisk.pbx_adapter import AsteriskPbx
from callcenter.calls.supervision import Supervision
from callcenter.settings import DialplanSettings
from tests.integration.asterisk.ami_peer import AmiPeer
from tests.waiting import wait_until

AGENT = "PJSIP/agent-1001-00000007"
DESK = "PJSIP/sup-1-00000009"


@pytest.fixture
async def peer() -> AsyncIterator[AmiPeer]:
    server = AmiPeer()
    server.handlers["originate"] = lambda c, a: c.answer(a, ("Message", "Originate successfully queued"))
    server.handlers["hangup"] = lambda c, a: c.answer(a, ("Message", "Channel Hungup"))
    server.handlers["playdtmf"] = lambda c, a: c.answer(a, ("Message", "DTMF successfully queued"))
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def supervision(peer: AmiPeer) -> AsyncIterator[Supervision]:
    ami = AmiClient(
        "127.0.0.1",
        peer.port,
        "engine",
        "enginepass",
        backoff=Backoff(initial=0.05, maximum=0.2),
        rng=random.Random(7),
        action_timeout=2.0,
    )
    running = Supervision(AsteriskPbx(ami, DialplanSettings(), lambda: ami.connected), lambda s: f"PJSIP/{s}")
    ami.subscribe(running.on_ami_event)
    await ami.start()
    await ami.wait_connected(5)
    try:
        yield running
    finally:
        await ami.stop()


def _answered(peer: AmiPeer, originate: AmiMessage) -> None:
    """The supervisor picks up their desk phone: Asterisk's OriginateResponse."""
    peer.current.send(
        encode_message(
            [
                ("Event", "OriginateResponse"),
                ("Privilege", "call,all"),
                ("ActionID", originate.action_id or ""),
                ("Response", "Success"),
                ("Channel", DESK),
                ("Application", "ChanSpy"),
                ("Data", originate.get("Data") or ""),
                ("Reason", "4"),
                ("Uniqueid", "1795382174.20"),
                ("CallerIDNum", "<unknown>"),
                ("CallerIDName", "<unknown>"),
            ]
        )
    )


def _spying(peer: AmiPeer) -> None:
    """ChanSpy on the supervisor's leg found the agent's channel."""
    spyer = [("SpyerChannel", DESK), ("SpyerUniqueid", "1795382174.20")]
    spyee = [("SpyeeChannel", AGENT), ("SpyeeUniqueid", "1795382170.11")]
    peer.current.send(encode_message([("Event", "ChanSpyStart"), ("Privilege", "call,all"), *spyer, *spyee]))


async def test_given_the_desk_phone_ringing_when_the_supervisor_switches_to_whisper_then_it_rings_once(
    peer: AmiPeer, supervision: Supervision
) -> None:
    await supervision.start("sup-1", AGENT, "listen")
    await supervision.start("sup-1", AGENT, "whisper")
    assert [a.get("Data") for a in peer.named("Originate")] == [f"{AGENT},qd"]
    assert peer.named("Hangup") == []

    _answered(peer, peer.named("Originate")[0])
    await wait_until(lambda: supervision.leg_of("sup-1") == DESK, what="the leg answered")
    await supervision.start("sup-1", AGENT, "whisper")  # clicked again while ChanSpy starts
    assert peer.named("PlayDTMF") == []  # ChanSpy is not reading digits yet
    _spying(peer)
    await peer.wait_for(lambda: bool(peer.named("PlayDTMF")))
    (switch,) = peer.named("PlayDTMF")
    assert (switch.get("Channel"), switch.get("Digit"), switch.get("Receive")) == (DESK, "5", "true")
    assert supervision.leg_of("sup-1") == DESK
    assert len(peer.named("Originate")) == 1


async def test_given_the_desk_phone_ringing_when_the_supervisor_stops_then_the_leg_is_hung_up_once_answered(
    peer: AmiPeer, supervision: Supervision
) -> None:
    await supervision.start("sup-1", AGENT, "barge")
    assert peer.named("Originate")[0].get("Data") == f"{AGENT},qdB"
    await supervision.stop("sup-1")
    assert peer.named("Hangup") == []  # no channel name yet

    _answered(peer, peer.named("Originate")[0])
    await peer.wait_for(lambda: bool(peer.named("Hangup")))
    assert peer.named("Hangup")[0].get("Channel") == DESK
    assert supervision.leg_of("sup-1") is None


async def test_given_a_leg_gone_unnoticed_when_the_mode_changes_then_a_new_leg_is_originated(
    peer: AmiPeer, supervision: Supervision
) -> None:
    await supervision.start("sup-1", AGENT, "listen")
    _answered(peer, peer.named("Originate")[0])
    _spying(peer)
    await wait_until(lambda: supervision.is_spying("sup-1"), what="the leg spying")
    peer.handlers["playdtmf"] = lambda c, a: c.answer(a, ("Message", "Channel not found"), response="Error")
    await supervision.start("sup-1", AGENT, "whisper")
    assert [a.get("Data") for a in peer.named("Originate")] == [f"{AGENT},qd", f"{AGENT},qdw"]
    assert supervision.leg_of("sup-1") is None  # the new one rings
