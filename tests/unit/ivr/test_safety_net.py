"""When a node breaks the caller reaches a queue, never silence; a caller who hangs up just stops."""

from __future__ import annotations

import logging

import pytest

from ivr_flows.interpreter import RunPorts, run_flow
from ivr_flows.outcome import CallContext, CallerLeft, Hangup, Queue, RunError
from tests.unit.ivr.fakes import FakeChannel, FakeCrm, FakePrompts, make_flow, make_ports

CTX = CallContext(caller_number="4155550100", dialed_number="5551234")
MENU = {"type": "menu", "prompt": "menu", "options": {1: "q"}}


async def test_caller_hangs_up_mid_prompt_stops_at_once_with_no_fallback() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "hello-world", "next": "b"},
            "b": {"type": "play", "prompt": "long-announcement", "next": "c"},
            "c": {"type": "play", "prompt": "never-played", "next": "q"},
            "q": {"type": "queue", "queue": "sales"},
        },
        fallback="fb",
    )
    channel = FakeChannel(hangup_at="long-announcement")
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == CallerLeft("t", "b")
    assert channel.played == ["hello-world", "long-announcement"]
    assert out.errors == ()


async def test_caller_hangs_up_while_a_menu_waits_for_a_digit() -> None:
    flow = make_flow({"a": MENU, "q": {"type": "queue", "queue": "sales"}})
    channel = FakeChannel(["hangup"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == CallerLeft("t", "a")
    assert channel.calls == [("play", "menu", "1"), ("wait", 5000)]


async def test_failing_crm_lookup_goes_to_the_fallback_queue_and_records_the_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flow = make_flow(
        {"a": {"type": "crm_lookup", "found": "z", "not_found": "z"}, "z": {"type": "hangup"}},
        fallback="general",
    )
    with caplog.at_level(logging.WARNING, logger="ivr_flows.interpreter"):
        out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports(crm=FakeCrm(fail=True)))
    assert out.action == Queue("general")
    assert out.errors == (
        RunError("t", "a", "ivr.crm_unavailable", "CRM lookup failed: ConnectionError: database is down"),
    )
    record = caplog.records[-1]
    assert (record.__dict__["flow"], record.__dict__["node"]) == ("t", "a")


async def test_missing_prompt_goes_to_the_fallback_node() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "not-recorded-yet", "next": "z"},
            "z": {"type": "hangup"},
            "fb": {"type": "play", "prompt": "pls-hold-while-try", "next": "q"},
            "q": {"type": "queue", "queue": "operators"},
        },
        fallback="fb",
    )
    prompts = FakePrompts(names={"pls-hold-while-try"})
    channel = FakeChannel()
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(prompts=prompts))
    assert out.action == Queue("operators")
    assert out.path == ("t:a", "t:fb", "t:q")
    assert channel.played == ["pls-hold-while-try"]  # the missing file was never sent to Asterisk
    assert out.errors == (
        RunError(
            "t",
            "a",
            "ivr.prompt_missing",
            "Prompt 'not-recorded-yet' does not exist; record it or fix the flow",
        ),
    )


async def test_prompt_missing_raised_by_the_channel_also_reaches_the_fallback() -> None:
    flow = make_flow({"a": MENU, "q": {"type": "queue", "queue": "sales"}}, fallback="backup")
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(missing={"menu"}), make_ports())
    assert out.action == Queue("backup")
    assert [e.code for e in out.errors] == ["ivr.prompt_missing"]


async def test_broken_fallback_node_ends_in_the_default_queue() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "gone", "next": "a"},
            "fb": {"type": "play", "prompt": "also-gone", "next": "a"},
        },
        fallback="fb",
    )
    ports = make_ports(prompts=FakePrompts(names=set()))
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), ports)
    assert out.action == Queue("general")
    assert [(e.node, e.code) for e in out.errors] == [
        ("a", "ivr.prompt_missing"),
        ("fb", "ivr.prompt_missing"),
    ]


async def test_crashing_validator_goes_to_the_fallback() -> None:
    def explode(_digits: str) -> bool:
        raise ZeroDivisionError("bug")

    flow = make_flow(
        {"a": {"type": "collect", "prompt": "p", "variable": "v", "validator": "acct", "next": "z"}}
        | {"z": {"type": "hangup"}}
    )
    base = make_ports()
    ports = RunPorts(base.crm, base.clock, base.prompts, {"acct": explode}, default_queue="general")
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(["1234"]), ports)
    assert out.action == Queue("general")
    assert out.errors == (RunError("t", "a", "ivr.node_failed", "ZeroDivisionError: bug"),)


async def test_step_limit_stops_a_loop_and_keeps_the_vip_priority() -> None:
    flow = make_flow(
        {
            "a": {"type": "set", "variables": {"priority": "10"}, "next": "b"},
            "b": {"type": "condition", "branches": [], "else": "a"},
        },
        fallback="general",
    )
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports(), max_steps=50)
    assert out.action == Queue("general", priority=10)
    assert len(out.path) == 50
    assert out.errors == (
        RunError("t", "a", "ivr.step_limit", "Flow 't' ran 50 steps without ending; it probably loops"),
    )


async def test_dangling_reference_at_run_time_goes_to_the_fallback() -> None:
    flow = make_flow({"a": {"type": "play", "prompt": "x", "next": "nowhere"}}, fallback="general")
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports())
    assert out.action == Queue("general")
    assert out.errors[0].message == "Node 'nowhere' of flow 't' failed: no such node"


async def test_bad_priority_value_goes_to_the_fallback() -> None:
    flow = make_flow({"a": {"type": "queue", "queue": "sales", "priority": "{tier}"}}, fallback="general")
    ctx = CallContext("1", variables={"tier": "gold"})
    out = await run_flow({"t": flow}, "t", ctx, FakeChannel(), make_ports())
    assert out.action == Queue("general")
    assert out.errors[0].message == "Node 'a' of flow 't' failed: priority 'gold' is not a number"


async def test_unknown_start_flow_and_unknown_subflow_reach_a_queue() -> None:
    out = await run_flow({}, "nope", CTX, FakeChannel(), make_ports())
    assert out.action == Queue("general")
    flow = make_flow({"a": {"type": "subflow", "flow": "missing", "return": "z"}, "z": {"type": "hangup"}})
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports())
    assert out.action == Queue("general")
    assert out.errors == (RunError("t", "a", "ivr.unknown_flow", "Flow 'missing' does not exist"),)


async def test_return_outside_a_subflow_and_naive_clock_are_caught() -> None:
    from datetime import datetime

    flow = make_flow({"a": {"type": "return"}})
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports())
    assert out.errors[0].message == "Node 'a' of flow 't' failed: 'return' outside a subflow"
    hours = {"business_hours": {"timezone": "UTC", "weekly": {"mon": ["00:00-24:00"]}}}
    flow = make_flow({"a": {"type": "condition", "branches": [{"when": hours, "then": "z"}], "else": "z"}})
    ports = make_ports(clock_at=datetime(2026, 11, 23, 10, 0))  # naive: a broken clock adapter
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), ports)
    assert out.action == Queue("general")
    assert out.errors[0].code == "ivr.node_failed"
    assert out.action != Hangup()


async def test_caller_hangs_up_during_a_collect_prompt_or_a_speech_prompt() -> None:
    collect = {"type": "collect", "prompt": "enter", "variable": "v", "next": "q"}
    speech = {"type": "speech_menu", "prompt": "enter", "keywords": {"sales": "q"}, "options": {1: "q"}}
    for node in (collect, speech):
        flow = make_flow({"a": node, "q": {"type": "queue", "queue": "sales"}})
        channel = FakeChannel(["1234"], hangup_at="enter")
        out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(speech=True))
        assert out.action == CallerLeft("t", "a")
        assert len(channel.calls) == 1
        assert out.errors == ()
