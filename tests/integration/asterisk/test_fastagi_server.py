"""The FastAGI server over real TCP against a peer that plays Asterisk's side (recorded or scripted)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest

from callcenter.asterisk.agi_protocol import AgiEnvironment
from callcenter.asterisk.agi_session import AgiPromptMissing, AgiSession
from callcenter.asterisk.errors import AgiChannelGone, AgiInvalidCommand, AgiTimeout, UnsafeAgiArgument
from callcenter.asterisk.fastagi import FastAgiServer
from tests.integration.asterisk.agi_peer import (
    CLOSE,
    AgiPeer,
    PeerReport,
    Step,
    expect,
    load_agi_steps,
    recorded_environment,
    send,
)
from tests.integration.asterisk.agi_replay_flows import SCENARIOS

Handler = Callable[[AgiSession], Awaitable[None]]


async def eventually(predicate: Callable[[], bool], within_s: float = 2.0) -> None:
    deadline = time.monotonic() + within_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached before the deadline"
        await asyncio.sleep(0.005)


async def play(
    steps: list[Step], routes: Mapping[str, Handler], *, read_timeout: float = 3.0, **server_kw: Any
) -> PeerReport:
    # The recordings predate the CC_DONE mark (test_fastagi_done_mark.py has it).
    kw: dict[str, Any] = {
        "allowed_hosts": ["127.0.0.1"],
        "command_timeout": 5.0,
        "env_timeout": 2.0,
        "mark_done": False,
    }
    server = FastAgiServer("127.0.0.1", 0, routes, **{**kw, **server_kw})
    await server.start()
    try:
        report = await AgiPeer(steps, read_timeout=read_timeout).run(server.port)
        await eventually(lambda: server.active_sessions == 0)
    finally:
        await server.stop()
    return report


ENV = recorded_environment()
ANSWER = [expect("ANSWER\n"), send("200 result=0\n")]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_given_recorded_call_when_replayed_then_same_commands_and_close_at_same_point(
    name: str,
) -> None:
    flow, options, expected_notes = SCENARIOS[name]
    notes: list[object] = []

    async def handler(session: AgiSession) -> None:
        await flow(session, notes, **options)

    steps = load_agi_steps(name)
    report = await play(steps, {"ivr": handler})
    assert report.mismatch is None
    assert report.received == [s.data for s in steps if s.dir == "agi>"]
    assert report.received[-1] == CLOSE
    assert notes == expected_notes


# --- scripted edge cases ------------------------------------------------------------------------


def recorder(notes: list[object], body: Callable[[AgiSession], Awaitable[object]]) -> Handler:
    async def handler(session: AgiSession) -> None:
        notes.append(await body(session))

    return handler


async def test_given_caller_hangs_up_mid_prompt_when_streaming_then_channel_gone_and_socket_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="callcenter.asterisk")
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        await s.answer()
        try:
            await s.stream_file("tt-monkeys")
        except AgiChannelGone:
            notes.append("gone")
            raise  # the server treats it as the normal end of a call

    prompt = [expect('STREAM FILE tt-monkeys ""\n'), send("200 result=-1 endpos=1200\n"), send("HANGUP\n")]
    report = await play([*ENV, *ANSWER, *prompt, expect(CLOSE)], {"ivr": handler})
    assert report.completed
    assert notes == ["gone"]
    assert any(r.getMessage() == "AGI channel gone; handler ended" for r in caplog.records)


async def test_given_redirect_during_hold_when_exec_ends_with_minus_one_then_socket_closed_at_once() -> None:
    async def handler(s: AgiSession) -> None:
        await s.answer()
        await s.exec("MusicOnHold", "default,20", timeout=30)

    hold = [expect("EXEC MusicOnHold default,20\n"), send("200 result=-1\n"), expect(CLOSE)]
    report = await play([*ENV, *ANSWER, *hold], {"ivr": handler})
    assert report.completed
    assert report.close_delay is not None
    assert report.close_delay < 0.1


MISSING = [expect('STREAM FILE no-such-prompt ""\n'), send("200 result=-1 endpos=0\n")]


@pytest.mark.parametrize(
    ("peer", "outcome"),
    [
        ([*MISSING, expect("CHANNEL STATUS\n"), send("200 result=6\n")], "AgiPromptMissing"),
        ([*MISSING, expect("CHANNEL STATUS\n"), send("HANGUP\n"), send("200 result=6\n")], "AgiChannelGone"),
        ([*MISSING, expect("CHANNEL STATUS\n"), send("200 result=-1\n")], "AgiChannelGone"),
        ([expect('STREAM FILE no-such-prompt ""\n'), send("200 result=-1 endpos=800\n")], "AgiChannelGone"),
    ],
    ids=["alive", "hangup-line", "status-minus-one", "played-then-gone"],
)
async def test_given_stream_file_minus_one_when_checked_then_missing_prompt_told_from_hangup(
    peer: list[Step], outcome: str
) -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        try:
            await s.stream_file("no-such-prompt")
        except (AgiPromptMissing, AgiChannelGone) as exc:
            notes.append(type(exc).__name__)

    report = await play([*ENV, *peer, expect(CLOSE)], {"ivr": handler})
    assert report.completed
    assert notes == [outcome]


async def test_given_get_data_times_out_without_digit_then_empty_string() -> None:
    notes: list[object] = []
    peer = [expect("GET DATA beep 3000 1\n"), send("200 result= (timeout)\n"), expect(CLOSE)]
    report = await play([*ENV, *peer], {"ivr": recorder(notes, lambda s: s.get_data("beep", 3000, 1))})
    assert report.completed
    assert notes == [""]


async def test_given_hostile_value_when_set_then_refused_and_nothing_written() -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        await s.answer()
        with pytest.raises(UnsafeAgiArgument):
            await s.set_variable("CC_NOTE", "hello\nHANGUP")
        notes.append("refused")
        await s.noop("after")

    peer = [expect("NOOP after\n"), send("200 result=0\n"), expect(CLOSE)]
    report = await play([*ENV, *ANSWER, *peer], {"ivr": handler})
    assert report.completed
    assert report.received == ["ANSWER\n", "NOOP after\n", CLOSE]
    assert notes == ["refused"]


async def test_given_host_not_allowed_when_it_connects_then_closed_without_being_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notes: list[object] = []
    report = await play(
        [*ENV, expect(CLOSE)], {"ivr": recorder(notes, AgiSession.answer)}, allowed_hosts=["10.0.0.0/8"]
    )
    assert report.completed
    assert report.received == [CLOSE]
    assert notes == []
    assert any("host not allowed" in r.getMessage() for r in caplog.records)


async def test_given_malformed_environment_line_then_logged_skipped_and_call_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notes: list[object] = []
    env = [*ENV[:3], send("this line has no colon\n"), *ENV[3:]]
    report = await play([*env, expect(CLOSE)], {"ivr": recorder(notes, lambda s: asyncio.sleep(0, s.env))})
    assert report.completed
    [env_seen] = notes
    assert isinstance(env_seen, AgiEnvironment)
    assert env_seen.channel == "PJSIP/pstn-00000006"
    assert env_seen.skipped == ("this line has no colon",)
    assert any(r.getMessage() == "malformed AGI environment line skipped" for r in caplog.records)


async def test_given_slow_peer_when_no_answer_in_time_then_agi_timeout_and_late_answer_discarded() -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        started = time.monotonic()
        with pytest.raises(AgiTimeout):
            await s.noop("slow")
        notes.append(0.2 <= time.monotonic() - started < 1.0)
        notes.append(await s.get_variable("X"))

    # The NOOP answer comes only after the next command: it must not be taken as GET VARIABLE's.
    peer = [expect("NOOP slow\n"), expect("GET VARIABLE X\n"), send("200 result=0\n200 result=1 (v)\n")]
    report = await play([*ENV, *peer, expect(CLOSE)], {"ivr": handler}, command_timeout=0.2)
    assert report.completed
    assert notes == [True, "v"]


async def test_given_handler_raises_then_logged_with_channel_and_socket_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(s: AgiSession) -> None:
        await s.answer()
        raise RuntimeError("flow bug")

    report = await play([*ENV, *ANSWER, expect(CLOSE)], {"ivr": handler})
    assert report.completed
    [failure] = [r for r in caplog.records if r.getMessage() == "AGI handler failed"]
    assert failure.levelno == logging.ERROR
    assert failure.__dict__["channel"] == "PJSIP/pstn-00000006"
    assert failure.exc_info is not None


async def test_given_chinese_caller_name_then_decoded_and_sent_as_utf8() -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        notes.append(s.env.calleridname)
        notes.append(await s.get_variable("CALLERID(name)"))
        notes.append(await s.get_variable("LEGACY"))
        await s.set_variable("CC_NAME", "张伟")

    peer = [
        *[expect("GET VARIABLE CALLERID(name)\n"), send("200 result=1 (张伟)\n")],
        *[expect("GET VARIABLE LEGACY\n"), send(b"200 result=1 (Jos\xe9)\n")],
        *[expect("SET VARIABLE CC_NAME 张伟\n"), send("200 result=1\n"), expect(CLOSE)],
    ]
    report = await play([*recorded_environment(calleridname="张伟"), *peer], {"ivr": handler})
    assert report.completed
    assert notes == ["张伟", "张伟", "Jos\ufffd"]


async def test_given_silent_peer_when_environment_late_then_closed_without_handler() -> None:
    notes: list[object] = []
    steps = [send("agi_network: yes\n"), expect(CLOSE)]
    report = await play(steps, {"ivr": recorder(notes, AgiSession.answer)}, env_timeout=0.2)
    assert report.completed
    assert notes == []


async def test_given_scripts_when_routed_then_by_network_script_with_default_for_unknown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notes: list[object] = []
    routes = {"connect-failed": recorder(notes, lambda s: asyncio.sleep(0, s.env.args))}
    env = recorded_environment(network_script="connect-failed", arg_1="agent-1001")
    assert (await play([*env, expect(CLOSE)], routes)).completed
    assert notes == [("agent-1001",)]
    unknown = recorded_environment(network_script="nope")
    assert (await play([*unknown, expect(CLOSE)], routes)).completed
    assert notes == [("agent-1001",)]
    assert any(r.getMessage().startswith("no AGI handler") for r in caplog.records)


async def test_given_usage_answer_when_command_malformed_then_invalid_command_and_next_answer_kept() -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        with pytest.raises(AgiInvalidCommand, match="Usage: WAIT FOR DIGIT"):
            await s.command("WAIT FOR DIGIT")
        await s.noop("next")
        notes.append("ok")

    usage = "520-Invalid command syntax.  Proper usage follows:\n Usage: WAIT FOR DIGIT <timeout>\n"
    peer = [expect("WAIT FOR DIGIT\n"), send(usage + "520 End of proper usage.\n")]
    peer += [expect("NOOP next\n"), send("200 result=0\n"), expect(CLOSE)]
    report = await play([*ENV, *peer], {"ivr": handler})
    assert report.completed
    assert notes == ["ok"]


async def test_given_live_session_when_server_stops_then_socket_closed_and_handler_sees_gone() -> None:
    notes: list[object] = []

    async def handler(s: AgiSession) -> None:
        try:
            await s.exec("MusicOnHold", "default,20", timeout=30)
        except AgiChannelGone:
            notes.append("gone")

    server = FastAgiServer("127.0.0.1", 0, {"ivr": handler}, allowed_hosts=["127.0.0.0/8"])
    await server.start()
    peer = AgiPeer([*ENV, expect("EXEC MusicOnHold default,20\n"), expect(CLOSE)], read_timeout=5.0)
    peer_task = asyncio.create_task(peer.run(server.port))
    await eventually(lambda: server.active_sessions == 1)
    await server.stop()
    report = await peer_task
    assert report.completed
    assert notes == ["gone"]
    assert server.active_sessions == 0


async def test_given_handler_stuck_outside_agi_when_server_stops_then_cancelled_and_socket_closed() -> None:
    async def handler(s: AgiSession) -> None:
        await s.set_callerid("Known Customer", "4155550100")
        await asyncio.Event().wait()  # e.g. a CRM call that never returns

    server = FastAgiServer("127.0.0.1", 0, {"ivr": handler}, allowed_hosts=["127.0.0.1"], stop_grace=0.1)
    await server.start()
    callerid = 'SET CALLERID "\\"Known Customer\\" <4155550100>"\n'
    peer = AgiPeer([*ENV, expect(callerid), send("200 result=1\n"), expect(CLOSE)], read_timeout=5.0)
    peer_task = asyncio.create_task(peer.run(server.port))
    await eventually(lambda: server.active_sessions == 1)
    await server.stop()
    report = await peer_task
    assert report.completed
    assert report.received == [callerid, CLOSE]
