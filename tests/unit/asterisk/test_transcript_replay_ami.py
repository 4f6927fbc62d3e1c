"""Every recorded ``ami<`` stream through parse_buffer and to_domain_event."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from callcenter.asterisk.ami_events import (
    BlindTransfer,
    CoreShowChannel,
    DialEnd,
    DtmfEnd,
    Hangup,
    OriginateResponse,
    OtherEvent,
    Shutdown,
    VarSet,
    to_domain_event,
)
from callcenter.asterisk.ami_frames import AmiMessage, parse_buffer

ALL_TRANSCRIPTS = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "transcripts").glob("*.jsonl"))
# This recording kept its few AMI events as JSON objects (fields, plus "_t"), not raw AMI bytes.
JSON_AMI = "dtmf_dropped_and_agi_server_gone"
TRANSCRIPTS = [p for p in ALL_TRANSCRIPTS if p.stem != JSON_AMI]
MODELLED = {
    "VarSet", "Newchannel", "Newstate", "Hangup", "HangupRequest", "SoftHangupRequest", "DialBegin",
    "DialEnd", "BridgeCreate", "BridgeDestroy", "BridgeEnter", "BridgeLeave", "DTMFBegin", "DTMFEnd",
    "OriginateResponse", "MusicOnHoldStart", "MusicOnHoldStop", "MixMonitorStart", "MixMonitorStop",
    "MixMonitorMute", "ChanSpyStart", "ChanSpyStop", "BlindTransfer", "AGIExecStart", "AGIExecEnd",
    "Shutdown", "FullyBooted", "CoreShowChannel", "Status", "Hold", "Unhold",
}  # fmt: skip


def ami_stream(path: Path) -> bytes:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    return "".join(r["data"] for r in rows if r["dir"] == "ami<" and r["data"] != "<EOF>").encode()


def messages_of(name: str) -> list[AmiMessage]:
    return parse_buffer(ami_stream(next(p for p in TRANSCRIPTS if p.stem == name)), True).messages


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_every_recorded_message_parses_and_converts(path: Path) -> None:
    stream = ami_stream(path)
    chunk = parse_buffer(stream, expect_greeting=True)
    assert chunk.greeting == "Asterisk Call Manager/11.0.0"
    assert chunk.malformed == []
    assert chunk.undecodable == []
    assert chunk.rest == b""
    assert len(chunk.messages) == stream.count(b"\r\n\r\n")
    for message in chunk.messages:
        assert (message.event is None) != (message.response is None) or message.event == "OriginateResponse"
        if message.event is not None:
            event = to_domain_event(message)
            assert isinstance(event, OtherEvent) == (message.event not in MODELLED), message.event
            assert event.name == message.event


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_every_list_completion_counts_its_items(path: Path) -> None:
    messages = parse_buffer(ami_stream(path), expect_greeting=True).messages
    items = Counter(m.action_id for m in messages if m.event and m.action_id and not m.is_list_complete)
    for complete in (m for m in messages if m.is_list_complete):
        assert complete.event is not None
        assert complete.event.endswith("Complete")
        assert int(complete["ListItems"]) == items[complete.action_id or ""], complete.event


def test_list_actions_transcript_has_the_expected_completions() -> None:
    names = [m.event for m in messages_of("inbound_redirect") if m.is_list_complete]
    assert names == ["CoreShowChannelsComplete", "StatusComplete", "CoreShowChannelsComplete",
                     "ChannelsHungupListComplete"]  # fmt: skip


def test_key_fields_of_recorded_events() -> None:
    events = [to_domain_event(m) for m in messages_of("callback_busy") if m.event]
    (failed,) = [e for e in events if isinstance(e, OriginateResponse)]
    assert (failed.response, failed.reason, failed.uniqueid, failed.action_id) == (
        "Failure",
        0,
        None,
        "cap-3",
    )
    (busy,) = [e for e in events if isinstance(e, DialEnd)]
    assert busy.dial_status == "BUSY"
    assert busy.caller is None
    assert busy.dest.channel == "PJSIP/pstn-out-00000008"
    transfer = next(to_domain_event(m) for m in messages_of("blind_transfer") if m.event == "BlindTransfer")
    assert isinstance(transfer, BlindTransfer)
    assert transfer.transferer.channel == "PJSIP/agent-1001-00000004"
    assert transfer.transferee is not None
    assert transfer.transferee.channel == "PJSIP/pstn-00000003"
    assert (transfer.context, transfer.extension) == ("cc-connect", "agent-1002")
    digits = [e.digit for m in messages_of("dtmf_in_hold") if isinstance(e := to_domain_event(m), DtmfEnd)
              and e.direction == "Received"]  # fmt: skip
    assert digits == ["1", "2", "#"]
    hangups = [e for m in messages_of("agent_busy") if isinstance(e := to_domain_event(m), Hangup)]
    assert 17 in [h.cause for h in hangups]
    (shutdown,) = [
        e for m in messages_of("asterisk_restart") if isinstance(e := to_domain_event(m), Shutdown)
    ]
    assert shutdown == Shutdown("Cleanly", False)
    redirect = [to_domain_event(m) for m in messages_of("inbound_redirect") if m.event]
    channels = [e for e in redirect if isinstance(e, CoreShowChannel)]
    assert len(channels) == 5
    assert channels[0].channel.caller_id_name == "Test Caller"
    assert channels[0].channel.state == 6
    assert channels[0].application == "MusicOnHold"
    assert any(isinstance(e, VarSet) and e.variable and e.uniqueid for e in redirect)


def test_the_json_kept_events_of_the_dtmf_probe_convert_to_domain_events() -> None:
    path = next(p for p in ALL_TRANSCRIPTS if p.stem == JSON_AMI)
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    events = [
        to_domain_event(AmiMessage.from_pairs((k, v) for k, v in json.loads(r["data"]).items() if k != "_t"))
        for r in rows
        if r["dir"] == "ami<"
    ]
    assert [e.name for e in events] == ["UserEvent", "Hangup"]
    # fact 19: AGI() returned SUCCESS after the engine vanished, as after a normal end
    user_event, hangup = events
    assert isinstance(user_event, OtherEvent)
    assert user_event.fields["Status"] == "SUCCESS"
    assert isinstance(hangup, Hangup)
    assert hangup.channel.channel == "PJSIP/pstn-00000018"
