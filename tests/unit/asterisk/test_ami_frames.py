"""parse_buffer / AmiMessage / encode_action: framing edge cases and chunking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.asterisk.ami_frames import AmiMessage, encode_action, parse_buffer
from callcenter.asterisk.errors import UnsafeAmiValue

RECORDED = Path(__file__).resolve().parents[2] / "fixtures/transcripts/inbound_bridge.jsonl"
STREAM = "".join(
    r["data"]
    for r in map(json.loads, RECORDED.read_text().splitlines())
    if r["dir"] == "ami<" and r["data"] != "<EOF>"
).encode()
WHOLE = [m.headers for m in parse_buffer(STREAM, expect_greeting=True).messages]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=40))
def test_given_any_chunking_when_parsed_incrementally_then_same_messages(sizes: list[int]) -> None:
    got: list[tuple[tuple[str, str], ...]] = []
    rest, pos, greeted = b"", 0, False
    while pos < len(STREAM):
        size = sizes[len(got) % len(sizes)]
        chunk = parse_buffer(rest + STREAM[pos : pos + size], expect_greeting=not greeted)
        greeted = greeted or chunk.greeting is not None
        rest, pos = chunk.rest, pos + size
        got += [m.headers for m in chunk.messages]
    assert got == WHOLE
    assert rest == b""


def test_crlf_lf_endings_and_mixed_endings_parse_the_same() -> None:
    lf = parse_buffer(STREAM.replace(b"\r\n\r\n", b"\r\n\n"), expect_greeting=True)
    assert [m.headers for m in lf.messages] == WHOLE


def test_malformed_block_is_reported_and_parsing_goes_on() -> None:
    chunk = parse_buffer(b"not a message\r\n\r\nEvent: X\r\nA: 1\r\n\r\nEvent: Y")
    assert chunk.malformed == [b"not a message"]
    assert [m.event for m in chunk.messages] == ["X"]
    assert chunk.rest == b"Event: Y"


def test_invalid_utf8_block_is_kept_with_replacement_and_reported() -> None:
    chunk = parse_buffer(b"Event: VarSet\r\nValue: Jos\xe9\r\n\r\nEvent: Ok\r\n\r\n")
    assert chunk.undecodable == [b"Event: VarSet\r\nValue: Jos\xe9"]
    assert [m.get("value") for m in chunk.messages] == ["Jos\ufffd", None]


def test_repeated_keys_and_case_insensitive_lookup() -> None:
    (msg,) = parse_buffer(b"Event: X\r\nChanVariable: A=1\r\nChanVariable: B=2\r\n\r\n").messages
    assert msg.get_all("chanvariable") == ["A=1", "B=2"]
    assert msg["CHANVARIABLE"] == "A=1"
    assert msg == AmiMessage.from_pairs(msg.headers)
    assert "event" in msg


@pytest.mark.parametrize("value", ["a\rb", "a\nAction: Hangup", "a\x00"])
def test_encode_action_refuses_line_breaks_and_nul(value: str) -> None:
    with pytest.raises(UnsafeAmiValue):
        encode_action("Setvar", "cc-1", [("Value", value)])


def test_encode_action_writes_the_recorded_bytes() -> None:
    assert encode_action("Ping", "cap-3") == b"Action: Ping\r\nActionID: cap-3\r\n\r\n"
