"""Every AGI line a real Asterisk 22.10.1 sent (tests/fixtures/transcripts) goes through the pure parsers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from callcenter.asterisk.agi_protocol import (
    Quoted,
    encode_command,
    is_async_hangup,
    parse_environment,
    parse_result,
    split_command,
)

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "fixtures" / "transcripts"


def _agi_lines(path: Path) -> list[tuple[str, str]]:
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return [(r["dir"], r["data"]) for r in records if r["dir"] in ("agi<", "agi>")]


AGI_FILES = sorted(p for p in TRANSCRIPTS.glob("*.jsonl") if _agi_lines(p))
# Recorded with its own AGI script (``agi://…/dtmf``, dialed 5557777); the others ran the IVR route.
DTMF_PROBE = "dtmf_dropped_and_agi_server_gone"
IVR_FILES = [p for p in AGI_FILES if p.stem != DTMF_PROBE]


def test_given_fixture_dir_then_the_ten_agi_transcripts_are_there() -> None:
    assert {p.stem for p in AGI_FILES} == {
        DTMF_PROBE,
        "agent_busy",
        "announce",
        "blind_transfer",
        "caller_abandon",
        "caller_hangup",
        "dtmf_in_hold",
        "inbound_bridge",
        "inbound_redirect",
        "voicemail",
    }


@pytest.mark.parametrize("path", IVR_FILES, ids=lambda p: p.stem)
def test_given_transcript_when_environment_parsed_then_known_values(path: Path) -> None:
    lines = _agi_lines(path)
    blank = lines.index(("agi<", "\n"))
    env = parse_environment(data for _, data in lines[:blank])
    assert env.skipped == ()
    assert env.channel.startswith("PJSIP/pstn-")
    assert env.network_script == "ivr"
    assert env.request == "agi://127.0.0.1:4573/ivr"
    assert (env.callerid, env.calleridname) == ("4155550100", "Test Caller")
    assert (env.dnid, env.context, env.extension, env.priority) == ("5551234", "from-pstn", "5551234", "2")
    assert env.language == "en"
    assert env.args == ("5551234",)
    assert env.uniqueid.startswith("1795")
    assert env.raw["agi_rdnis"] == "unknown"
    assert env.raw["agi_accountcode"] == ""
    assert env.raw["agi_version"] == "22.10.1"


@pytest.mark.parametrize("path", AGI_FILES, ids=lambda p: p.stem)
def test_given_transcript_when_every_answer_parsed_then_all_parse(path: Path) -> None:
    lines = _agi_lines(path)
    answers = [data for d, data in lines[lines.index(("agi<", "\n")) + 1 :] if d == "agi<"]
    assert answers
    for data in answers:
        if is_async_hangup(data):
            continue
        answer = parse_result(data)
        assert answer.code in (200, 510)
        if answer.code == 200:
            assert answer.result == "" or answer.result_int is not None


@pytest.mark.parametrize("path", AGI_FILES, ids=lambda p: p.stem)
def test_given_transcript_when_each_command_reencoded_then_asterisk_would_see_same_words(path: Path) -> None:
    # "<CLOSE>" and "<connection reset by the server>" mark socket ends, not commands.
    commands = [data for d, data in _agi_lines(path) if d == "agi>" and not data.startswith("<")]
    assert commands[0] == "ANSWER\n"
    for line in commands:
        words = split_command(line)
        n_command = 1
        while n_command < len(words) and re.fullmatch("[A-Z]+", words[n_command]):
            n_command += 1
        again = encode_command(" ".join(words[:n_command]), *(Quoted(w) for w in words[n_command:]))
        assert split_command(again.decode("utf-8")) == words


def test_given_known_answers_then_values_are_what_the_flow_needs() -> None:
    assert parse_result("200 result=49\n").result_int == 49
    assert parse_result("200 result= (timeout)\n").result == ""
    assert parse_result("200 result=1 (timeout) endpos=0\n").extra_int("endpos") == 0
    assert parse_result("200 result=-1 endpos=60160\n").extra_int("endpos") == 60160


def test_given_the_dtmf_probe_then_its_environment_names_its_own_script_and_number() -> None:
    lines = _agi_lines(TRANSCRIPTS / f"{DTMF_PROBE}.jsonl")
    env = parse_environment(data for _, data in lines[: lines.index(("agi<", "\n"))])
    assert (env.network_script, env.dnid, env.args) == ("dtmf", "5557777", ())
    answers = [data for d, data in lines if d == "agi<" and data.startswith("200")]
    # fact 18: the digit pressed during STREAM FILE "" is dropped (WAIT FOR DIGIT gets 0);
    # with escape digits the playback stops with the digit ("2" is 50)
    assert answers[2:] == ["200 result=0\n", "200 result=50 endpos=27840\n"]
