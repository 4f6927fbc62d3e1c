"""The FastAGI wire format: environment, answer lines, command encoding (pure, no sockets)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.asterisk.agi_protocol import (
    AgiResult,
    Quoted,
    encode_command,
    is_async_hangup,
    parse_env_line,
    parse_environment,
    parse_multiline,
    parse_result,
    split_command,
    starts_multiline,
)
from callcenter.asterisk.errors import AgiProtocolError, UnsafeAgiArgument


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("200 result=0 endpos=11234\n", AgiResult(200, "0", None, {"endpos": "11234"})),
        ("200 result=49\n", AgiResult(200, "49")),
        ("200 result= (timeout)\n", AgiResult(200, "", "timeout")),
        ("200 result=1 (42)\n", AgiResult(200, "1", "42")),
        ("200 result=1 (Test Caller 5551234)\n", AgiResult(200, "1", "Test Caller 5551234")),
        ("200 result=1 (timeout) endpos=0\n", AgiResult(200, "1", "timeout", {"endpos": "0"})),
        ("200 result=35 (dtmf) endpos=0\n", AgiResult(200, "35", "dtmf", {"endpos": "0"})),
        ("200 result=-1 endpos=0\n", AgiResult(200, "-1", None, {"endpos": "0"})),
        ("200 result=-1\n", AgiResult(200, "-1")),
        ("200 result=0 endpos=-1\n", AgiResult(200, "0", None, {"endpos": "-1"})),
        ("510 Invalid or unknown command\n", AgiResult(510, message="Invalid or unknown command")),
        (
            "511 Command Not Permitted on a dead channel or intercept routine\n",
            AgiResult(511, message=("Command Not Permitted on a dead channel or intercept routine")),
        ),
        ("200 result=1 (a (b) c)\n", AgiResult(200, "1", "a (b) c")),
        ("200 result=1 (张伟)\n", AgiResult(200, "1", "张伟")),
        (
            "200 result=1 (speech) endpos=1234 results=foo bar\n",
            AgiResult(200, "1", "speech", {"endpos": "1234", "results": "foo bar"}),
        ),
    ],
)
def test_given_real_answer_line_when_parsed_then_fields_match(line: str, expected: AgiResult) -> None:
    assert parse_result(line) == expected


@pytest.mark.parametrize(
    "line", ["HANGUP\n", "", "hello", "200", "200 ok", "2000 result=1", "200 result=1 (unclosed", "520-x"]
)
def test_given_garbage_line_when_parsed_then_protocol_error(line: str) -> None:
    with pytest.raises(AgiProtocolError):
        parse_result(line)


def test_given_hangup_line_then_it_is_async_notice_not_answer() -> None:
    assert is_async_hangup("HANGUP\n")
    assert not is_async_hangup("200 result=1\n")


def test_given_520_usage_block_when_parsed_then_message_keeps_every_line() -> None:
    lines = [
        "520-Invalid command syntax.  Proper usage follows:\n",
        " Usage: WAIT FOR DIGIT <timeout>\n",
        "520 End of proper usage.\n",
    ]
    assert starts_multiline(lines[0])
    answer = parse_multiline(lines)
    assert answer.code == 520
    assert answer.message.splitlines() == [
        "Invalid command syntax.  Proper usage follows:",
        " Usage: WAIT FOR DIGIT <timeout>",
        "End of proper usage.",
    ]
    with pytest.raises(AgiProtocolError):
        parse_multiline(lines[:2])


def test_given_environment_when_parsed_then_typed_fields_args_and_raw() -> None:
    env = parse_environment(
        [
            "agi_network_script: connect-failed\n",
            "agi_channel: PJSIP/pstn-00000006\n",
            "agi_calleridname: 张伟\n",
            "agi_rdnis: unknown\n",
            "agi_accountcode: \n",
            "agi_arg_2: second\n",
            "agi_arg_10: tenth\n",
            "agi_arg_1: 5551234\n",
            "this is not an env line\n",
            "\n",
        ]
    )
    assert env.network_script == "connect-failed"
    assert env.calleridname == "张伟"
    assert env.args == ("5551234", "second", "tenth")
    assert env.raw["agi_rdnis"] == "unknown"
    assert env.raw["agi_accountcode"] == ""
    assert env.skipped == ("this is not an env line",)
    assert env.dnid == ""
    assert parse_env_line("agi_x:y") == ("agi_x", "y")
    assert parse_env_line("channel: x") is None


@pytest.mark.parametrize(
    ("parts", "wire"),
    [
        (("STREAM FILE", "hello-world", Quoted("0123456789#*")), 'STREAM FILE hello-world "0123456789#*"\n'),
        (
            ("GET FULL VARIABLE", "${CALLERID(name)} ${EXTEN}"),
            'GET FULL VARIABLE "${CALLERID(name)} ${EXTEN}"\n',
        ),
        (("SET VARIABLE", "CC_INTERACTION", "42"), "SET VARIABLE CC_INTERACTION 42\n"),
        (("WAIT FOR DIGIT", 6000), "WAIT FOR DIGIT 6000\n"),
        (("EXEC", "MusicOnHold", "default,20"), "EXEC MusicOnHold default,20\n"),
        (("SET VARIABLE", "X", ""), 'SET VARIABLE X ""\n'),
        (("SET VARIABLE", "X", 'say "hi"'), 'SET VARIABLE X "say \\"hi\\""\n'),
        (("SET VARIABLE", "X", "C:\\tmp"), "SET VARIABLE X C:\\\\tmp\n"),
        (("SET VARIABLE", "NAME", "张伟"), "SET VARIABLE NAME 张伟\n"),
        (
            ("SET CALLERID", '"Known Customer" <4155550100>'),
            'SET CALLERID "\\"Known Customer\\" <4155550100>"\n',
        ),
    ],
)
def test_given_parts_when_encoded_then_wire_line_matches(parts: tuple[str, ...], wire: str) -> None:
    assert encode_command(*parts) == wire.encode("utf-8")


@pytest.mark.parametrize("hostile", ["hello\nHANGUP", "a\rb", "nul\0", "\n"])
def test_given_line_break_in_argument_when_encoded_then_refused(hostile: str) -> None:
    with pytest.raises(UnsafeAgiArgument):
        encode_command("SET VARIABLE", "X", hostile)
    with pytest.raises(UnsafeAgiArgument):
        encode_command("VERBOSE", Quoted(hostile), 1)
    with pytest.raises(UnsafeAgiArgument):
        encode_command("NOOP\nHANGUP")


def test_given_command_that_is_not_words_when_encoded_then_value_error() -> None:
    with pytest.raises(ValueError, match="words of letters"):
        encode_command("NOOP; HANGUP")


def test_given_recorded_set_callerid_when_split_then_asterisk_sees_number_as_extra_word() -> None:
    # Asterisk reads only argv[2]: the recorded command set the name and lost the number.
    assert split_command('SET CALLERID "Known Customer" <4155550100>\n') == (
        "SET",
        "CALLERID",
        "Known Customer",
        "<4155550100>",
    )
    assert split_command('STREAM FILE tt-monkeys ""') == ("STREAM", "FILE", "tt-monkeys", "")


_ARG = st.text(st.characters(exclude_characters="\r\n\0", exclude_categories=["Cs"]), max_size=30)


@given(args=st.lists(_ARG, max_size=5), force=st.booleans())
def test_given_any_safe_arguments_when_encoded_then_asterisk_parses_them_back(
    args: list[str], force: bool
) -> None:
    parts = [Quoted(a) if force else a for a in args]
    line = encode_command("SET VARIABLE", *parts).decode("utf-8")
    assert line.endswith("\n")
    assert line.count("\n") == 1
    assert split_command(line) == ("SET", "VARIABLE", *args)
