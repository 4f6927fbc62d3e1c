"""AmiClient against a scripted AMI peer over real TCP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from callcenter.asterisk.ami_backoff import Backoff
from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.ami_connection import MAX_MESSAGE_BYTES
from callcenter.asterisk.ami_events import (
    AmiConnected,
    AmiDisconnected,
    AmiEvent,
    AmiResynced,
    DialEnd,
    OriginateResponse,
    VarSet,
)
from callcenter.asterisk.ami_frames import AmiMessage
from callcenter.asterisk.errors import (
    AmiActionFailed,
    AmiActionLost,
    AmiActionTimeout,
    AmiNotConnected,
    UnsafeAmiValue,
)

from .ami_peer import AmiPeer, PeerConnection, replay_transcript, transcript

VARSET = (
    b"Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/pstn-00000006\r\n"
    b"Uniqueid: 1795382159.10\r\nLinkedid: 1795382159.10\r\nVariable: CC_QUEUE\r\nValue: %s\r\n\r\n"
)
FAST = Backoff(initial=0.05, maximum=0.2, factor=2.0, jitter=0.0)


class Recorder:
    def __init__(self) -> None:
        self.events: list[AmiEvent] = []

    def __call__(self, event: AmiEvent) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 3.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen within {within} s: {self.events[-5:]}")
            await asyncio.sleep(0.005)


@pytest.fixture
async def peer() -> AsyncIterator[AmiPeer]:
    server = AmiPeer()
    await server.start()
    yield server
    await server.close()


def make_client(port: int, secret: str = "enginepass", **kwargs: object) -> AmiClient:  # noqa: S107
    options: dict[str, Any] = {
        "backoff": FAST,
        "rng": random.Random(7),
        "action_timeout": 2.0,
        "keepalive_interval": 30.0,
    }
    options.update(kwargs)
    return AmiClient("127.0.0.1", port, "engine", secret, **options)


@pytest.fixture
async def connected(peer: AmiPeer) -> AsyncIterator[tuple[AmiClient, Recorder]]:
    client = make_client(peer.port)
    recorder = Recorder()
    client.subscribe(recorder)
    await client.start()
    assert client.connected
    yield client, recorder
    await client.stop()


async def test_good_login_emits_connected_then_resync_with_live_channels(peer: AmiPeer) -> None:
    client = make_client(peer.port)
    recorder = Recorder()
    client.subscribe(recorder)
    await client.start()
    try:
        assert client.connected
        kinds = [type(e) for e in recorder.events if not hasattr(e, "name")]
        assert kinds == [AmiConnected, AmiResynced]
        (resync,) = recorder.of(AmiResynced)
        assert [c.channel.channel for c in resync.channels] == [
            "Local/spy@sup-sim-00000001;2",
            "Local/spy@sup-sim-00000001;1",
            "PJSIP/agent-1001-00000007",
            "PJSIP/pstn-00000006",
        ]
        assert [a["Action"] for a in peer.actions] == ["Login", "Events", "CoreShowChannels"]
        assert peer.named("Events")[0]["EventMask"] == "on"
        assert bytes(peer.raw).startswith(b"Action: Login\r\nActionID: cc-1\r\nUsername: engine\r\n")
    finally:
        await client.stop()
    assert isinstance(recorder.events[-1], AmiDisconnected)


async def test_bad_login_logs_one_clear_error_and_retries_on_the_backoff_schedule(
    peer: AmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    peer.login_delay = 0.02
    client = make_client(peer.port, secret="wrong-secret-xyz")
    caplog.set_level(logging.DEBUG, logger="callcenter")
    await client.start()  # returns after the first failed attempt, does not raise
    try:
        assert not client.connected
        await peer.wait_for(lambda: len(peer.connect_times) >= 4)
        gaps = [b - a for a, b in zip(peer.connect_times, peer.connect_times[1:], strict=False)]
        # 0.05, 0.1, 0.2 s (+ the 20 ms login delay): growing, never a tight loop
        assert [round(g, 2) >= want for g, want in zip(gaps, (0.05, 0.1, 0.2), strict=False)] == [True] * 3, (
            gaps
        )
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert [r.getMessage() for r in errors] == [
            f"AMI login to 127.0.0.1:{peer.port} as engine failed: Authentication failed "
            "— check ami.username / ami.secret"
        ]
        assert all("wrong-secret-xyz" not in r.getMessage() for r in caplog.records)
        assert client.last_error is not None
        assert "Authentication failed" in client.last_error
        with pytest.raises(AmiNotConnected):
            await client.ping()
        peer.secret = "wrong-secret-xyz"  # the operator fixes the config on the Asterisk side
        await client.wait_connected(2.0)
    finally:
        await client.stop()


async def test_refused_connection_start_returns_and_keeps_retrying() -> None:
    probe = AmiPeer()
    port = await probe.start()
    await probe.close()  # nothing listens on this port any more
    client = make_client(port)
    await client.start()
    try:
        assert not client.connected
        assert client.last_error is not None
        assert "failed" in client.last_error
        deadline = time.monotonic() + 2
        while client.connect_attempts < 3:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        with pytest.raises(AmiNotConnected):
            await client.wait_connected(0.05)
    finally:
        await client.stop()


async def test_responses_are_matched_by_action_id_with_events_interleaved(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = connected
    waiting: list[tuple[PeerConnection, AmiMessage]] = []

    def getvar(conn: PeerConnection, action: AmiMessage) -> None:
        waiting.append((conn, action))
        if len(waiting) == 2:  # answer the second first, with events in between
            for conn_, action_ in reversed(waiting):
                conn_.send(VARSET % action_["Variable"].encode())
                conn_.answer(
                    action_, ("Variable", action_["Variable"]), ("Value", "v-" + action_["Variable"])
                )

    peer.handlers["getvar"] = getvar
    first, second = await asyncio.gather(
        client.getvar("PJSIP/pstn-00000006", "A"), client.getvar("PJSIP/pstn-00000006", "B")
    )
    assert (first, second) == ("v-A", "v-B")
    assert [e.value for e in recorder.of(VarSet)] == ["B", "A"]


async def test_list_action_completes_on_eventlist_complete_and_keeps_list_items(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = connected

    def slow_list(conn: PeerConnection, action: AmiMessage) -> None:
        answer = peer.resync_answer.replace(b"ActionID: cap-12", f"ActionID: {action.action_id}".encode())
        blocks = answer.split(b"\r\n\r\n")
        # an unrelated event lands in the middle of the list
        conn.send(b"\r\n\r\n".join(blocks[:3]) + b"\r\n\r\n" + VARSET % b"mid")
        conn.send(b"\r\n\r\n".join(blocks[3:]))

    peer.handlers["coreshowchannels"] = slow_list
    answer = await client.send_list_action("CoreShowChannels")
    assert answer.list_items == 4 == len(answer.items)
    assert answer.complete_event == "CoreShowChannelsComplete"
    assert [e.value for e in recorder.of(VarSet)] == ["mid"]
    channels = await client.core_show_channels()
    assert channels[3].channel.uniqueid == "1795382159.10"


async def test_response_error_raises_with_asterisk_message_and_session_survives(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, _ = connected
    peer.handlers["hangup"] = lambda c, a: c.answer(a, ("Message", "No such channel"), response="Error")
    with pytest.raises(AmiActionFailed) as caught:
        await client.hangup("PJSIP/nobody-0000")
    assert caught.value.asterisk_message == "No such channel"
    assert caught.value.channel_gone
    assert (await client.ping()).fields["Ping"] == "Pong"


@pytest.mark.parametrize(
    ("message", "gone"),
    [
        ("Channel does not exist: PJSIP/pstn-0000dead", True),  # manager.c action_redirect
        ("Redirect failed, channel not up.", True),  # the channel is being hung up
        ("Redirect failed", False),  # Asterisk could not move a live channel: not the caller's doing
        ("ExtraChannel does not exist: PJSIP/agent-1001-0000beef", False),  # the agent's leg, not ours
    ],
)
async def test_a_refused_redirect_tells_whether_the_channel_is_gone(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder], message: str, gone: bool
) -> None:
    client, _ = connected
    peer.handlers["redirect"] = lambda c, a: c.answer(a, ("Message", message), response="Error")
    with pytest.raises(AmiActionFailed) as caught:
        await client.redirect("PJSIP/pstn-0000dead", "cc-connect", "agent-1001")
    assert caught.value.channel_gone is gone


async def test_malformed_and_undecodable_blocks_are_logged_and_skipped(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    client, recorder = connected
    peer.current.send(b"this is not a message\r\n\r\n")
    peer.current.send(b"Event: VarSet\r\nChannel: PJSIP/x\r\nVariable: NAME\r\nValue: Jos\xe9\r\n\r\n")
    peer.current.send(VARSET % b"after")
    await recorder.wait_for(lambda: any(e.value == "after" for e in recorder.of(VarSet)))
    assert [e.value for e in recorder.of(VarSet)] == ["Jos\ufffd", "after"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("malformed" in w and "this is not a message" in w for w in warnings)
    assert any("invalid UTF-8" in w for w in warnings)
    assert client.connected
    assert (await client.ping()).response == "Success"


async def test_messages_ending_in_crlf_lf_are_read(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = connected
    peer.current.send((VARSET % b"one")[:-2] + b"\n" + (VARSET % b"two")[:-2] + b"\n")
    await recorder.wait_for(lambda: len(recorder.of(VarSet)) == 2)
    peer.handlers["ping"] = lambda c, a: c.send(
        f"Response: Success\r\nActionID: {a.action_id}\r\n\n".encode()
    )
    assert (await client.ping()).response == "Success"


async def test_hostile_values_are_refused_and_never_reach_the_wire(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, _ = connected
    before = bytes(peer.raw)
    with pytest.raises(UnsafeAmiValue):
        await client.originate(
            "PJSIP/4155550100@pstn-out",
            context="cc-connect",
            exten="agent-1001",
            caller_id='"Evil\r\nAction: Hangup\r\nChannel: PJSIP/agent-1001" <1>',
        )
    with pytest.raises(UnsafeAmiValue):
        await client.setvar("PJSIP/pstn-00000006", "CC_NAME", "x\nAction: Hangup")
    with pytest.raises(UnsafeAmiValue):
        await client.originate("PJSIP/a", application="Wait", variables={"A": "1\r\n\r\nAction: Hangup"})
    with pytest.raises(UnsafeAmiValue):
        await client.redirect("PJSIP/a\x00", "cc-connect", "agent-1001")
    await client.ping()
    assert bytes(peer.raw)[len(before) :].startswith(b"Action: Ping\r\n")
    assert b"Hangup" not in peer.raw
    assert b"Evil" not in peer.raw
    assert [a["Action"] for a in peer.actions] == ["Login", "Events", "CoreShowChannels", "Ping"]


async def test_disconnect_with_originate_in_flight_fails_it_and_never_resends(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = connected
    peer.handlers["originate"] = lambda c, a: c.drop()  # Asterisk dies before answering
    with pytest.raises(AmiActionLost):
        await client.originate("PJSIP/agent-1001", application="Wait", data="60", action_id="orig-1")
    await recorder.wait_for(lambda: len(recorder.of(AmiResynced)) == 2)  # reconnected and resynced
    assert isinstance(recorder.of(AmiDisconnected)[0], AmiDisconnected)
    assert len(peer.connections) == 2
    await client.ping()
    assert len(peer.named("Originate")) == 1
    assert [a["Action"] for a in peer.actions][-4:] == ["Login", "Events", "CoreShowChannels", "Ping"]


async def test_shutdown_event_then_eof_reconnects_and_resyncs(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    client, recorder = connected
    pending = asyncio.ensure_future(client.send_action("CoreStatus-never-answered"))
    peer.handlers["corestatus-never-answered"] = lambda c, a: None
    await peer.wait_for(lambda: bool(peer.named("CoreStatus-never-answered")))
    peer.current.send(
        b"Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n"
    )
    peer.current.drop()
    with pytest.raises(AmiActionLost):
        await pending
    await recorder.wait_for(
        lambda: len(recorder.of(AmiConnected)) == 2 and len(recorder.of(AmiResynced)) == 2
    )
    assert recorder.of(AmiDisconnected)[0].reason == "Asterisk shut down"
    assert client.connected


async def test_actions_while_disconnected_raise_at_once(peer: AmiPeer) -> None:
    client = make_client(peer.port)
    with pytest.raises(AmiNotConnected):
        await client.redirect("PJSIP/pstn-00000006", "cc-connect", "agent-1001")
    assert peer.actions == []


async def test_a_failing_handler_is_logged_and_the_reader_goes_on(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    client, recorder = connected

    def broken(event: AmiEvent) -> None:
        raise RuntimeError("handler bug")

    client.subscribe(broken)
    peer.current.send(VARSET % b"x" + VARSET % b"y")
    await recorder.wait_for(lambda: len(recorder.of(VarSet)) == 2)
    assert sum("handler" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR) == 2


async def test_unanswered_action_times_out_and_a_dead_peer_is_found_by_keepalive(peer: AmiPeer) -> None:
    client = make_client(peer.port, action_timeout=0.1, keepalive_interval=0.1)
    recorder = Recorder()
    client.subscribe(recorder)
    await client.start()
    try:
        peer.handlers["ping"] = lambda c, a: None  # the peer stops answering
        with pytest.raises(AmiActionTimeout):
            await client.send_action("Ping")
        await recorder.wait_for(lambda: len(recorder.of(AmiDisconnected)) >= 1)
        assert recorder.of(AmiDisconnected)[0].reason == "keepalive Ping unanswered"
    finally:
        await client.stop()


async def test_inbound_redirect_session_replayed_byte_for_byte() -> None:
    """Given the recorded inbound_redirect session, when our client performs the same
    actions, then it writes exactly the recorded bytes and types the recorded answers."""
    done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        done.set_result(await replay_transcript("inbound_redirect", reader, writer))
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    client = make_client(server.sockets[0].getsockname()[1], action_id_prefix="cap")
    recorder = Recorder()
    client.subscribe(recorder)
    try:
        await client.start()
        (resync,) = recorder.of(AmiResynced)
        assert [c.application for c in resync.channels] == ["MusicOnHold"]
        pstn = resync.channels[0].channel.channel
        (status,) = await client.status(pstn)
        assert status.seconds == 11
        assert await client.getvar(pstn, "CC_INTERACTION") == "42"
        await client.setvar(pstn, "CC_AGENT", "1001")
        await client.mixmonitor(pstn, "/var/spool/callcenter/recordings/rec-inbound_redirect.wav", "b")
        assert (await client.redirect(pstn, "cc-connect", "agent-1001")).message == "Redirect successful"
        await client.mixmonitor_mute(pstn, "both", True)
        await client.mixmonitor_mute(pstn, "both", False)
        queued = await client.originate(
            "Local/spy@sup-sim", application="ChanSpy", data="PJSIP/agent-1001-00000007,qw"
        )
        assert queued.message == "Originate successfully queued"
        assert len(await client.core_show_channels()) == 4
        await client.stop_mixmonitor(pstn)
        await client.hangup("PJSIP/agent-1001-00000007")
        await client.hangup("/^Local\\/spy@sup-sim.*$/")
        received = await asyncio.wait_for(done, 3)
    finally:
        await client.stop()
        server.close()
        await server.wait_closed()
    expected = "".join(d for direction, d in transcript("inbound_redirect") if direction == "ami>")
    assert received.decode() == expected
    (answered,) = recorder.of(OriginateResponse)
    assert answered.action_id == queued.action_id == "cap-11"
    assert answered.success
    assert "ANSWER" in [e.dial_status for e in recorder.of(DialEnd)]


async def test_bridge_sends_the_recorded_action_and_returns_asterisks_answer(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    """inbound_bridge.jsonl: ``Action: Bridge`` with Channel1, Channel2 and ``Tone: no``."""
    client, _ = connected
    peer.handlers["bridge"] = lambda conn, action: conn.answer(
        action, ("Message", "Channels have been bridged")
    )
    response = await client.bridge("PJSIP/pstn-00000002", "PJSIP/agent-1001-00000003")
    [sent] = peer.named("Bridge")
    assert [(k, v) for k, v in sent.headers if k != "ActionID"] == [
        ("Action", "Bridge"),
        ("Channel1", "PJSIP/pstn-00000002"),
        ("Channel2", "PJSIP/agent-1001-00000003"),
        ("Tone", "no"),
    ]
    assert response.message == "Channels have been bridged"


async def test_a_message_larger_than_a_parse_slice_is_read_and_the_session_keeps_answering(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder]
) -> None:
    """A real VarSet with a 40,960-byte value once hung the reader in an endless loop."""
    client, recorder = connected
    big = b"x" * 40_960
    peer.current.send(VARSET % b"before" + VARSET % big + VARSET % b"after")
    await recorder.wait_for(lambda: any(e.value == "after" for e in recorder.of(VarSet)))
    assert [len(e.value) for e in recorder.of(VarSet)] == [6, 40_960, 5]
    assert (await client.ping()).fields["Ping"] == "Pong"


async def test_a_message_over_the_size_limit_is_dropped_with_one_log_line_and_reading_goes_on(
    peer: AmiPeer, connected: tuple[AmiClient, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    client, recorder = connected
    huge = VARSET % (b"y" * (MAX_MESSAGE_BYTES + 10))
    peer.current.send(VARSET % b"before")
    for start in range(0, len(huge), 64 * 1024):  # arrives in many reads, like a real socket
        peer.current.send(huge[start : start + 64 * 1024])
        await asyncio.sleep(0)
    peer.current.send(VARSET % b"after")
    await recorder.wait_for(lambda: any(e.value == "after" for e in recorder.of(VarSet)))
    assert [e.value for e in recorder.of(VarSet)] == ["before", "after"]
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 1, dropped
    assert client.connected
    assert (await client.ping()).fields["Ping"] == "Pong"
