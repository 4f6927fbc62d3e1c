"""Each node type, run through the interpreter with a recording channel."""

from __future__ import annotations

from ivr_flows.interpreter import run_flow
from ivr_flows.outcome import CallbackOffer, CallContext, Hangup, Queue, Transfer, Voicemail
from tests.unit.ivr.fakes import FakeChannel, FakeCrm, FakePrompts, make_flow, make_ports

CTX = CallContext(caller_number="4155550100", dialed_number="5551234")
HANG = {"type": "hangup"}


async def test_play_then_hangup_plays_the_prompt_without_escape_digits() -> None:
    flow = make_flow({"a": {"type": "play", "prompt": "hello-world", "next": "z"}, "z": HANG})
    channel = FakeChannel()
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Hangup()
    assert channel.calls == [("play", "hello-world", "")]
    assert out.path == ("t:a", "t:z")
    assert out.prompts == ("hello-world",)


async def test_play_text_goes_through_tts_in_the_caller_language_and_interpolates() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "text": "Hello {customer_name}{missing}", "next": "b"},
            "b": {"type": "play", "prompt": "text:[zh]你好", "next": "z"},
            "z": HANG,
        }
    )
    prompts = FakePrompts()
    ctx = CallContext("4155550100", "5551234", "fr", {"customer_name": "Ada"})
    out = await run_flow({"t": flow}, "t", ctx, FakeChannel(), make_ports(prompts=prompts))
    assert prompts.spoken == [("Hello Ada", "fr"), ("你好", "zh")]
    assert out.prompts == ("tts-1", "tts-2")


async def test_menu_digit_pressed_during_prompt_is_taken_without_waiting() -> None:
    flow = make_flow(
        {
            "a": {"type": "menu", "prompt": "menu", "options": {1: "q", 2: "z"}},
            "q": {"type": "queue", "queue": "s"},
        }
        | {"z": HANG}
    )
    channel = FakeChannel(press_during={"menu": "2"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Hangup()
    assert channel.calls == [("play", "menu", "12")]
    assert out.digits == ("2",)


async def test_menu_invalid_then_valid_digit_replays_invalid_prompt_and_menu() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "menu",
                "prompt": "menu",
                "options": {1: "q"},
                "timeout_ms": 3000,
                "invalid": {"prompt": "option-is-invalid"},
            },
            "q": {"type": "queue", "queue": "sales"},
        }
    )
    channel = FakeChannel(["7", "1"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls == [
        ("play", "menu", "1"),
        ("wait", 3000),
        ("play", "option-is-invalid", ""),
        ("play", "menu", "1"),
        ("wait", 3000),
    ]
    assert out.digits == ("7", "1")


async def test_menu_timeouts_exhaust_retries_then_on_fail() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "menu",
                "prompt": "menu",
                "options": {1: "q"},
                "timeout": {"prompt": "are-you-there"},
                "retries": 2,
                "on_fail": "z",
            },
            "q": {"type": "queue", "queue": "sales"},
            "z": HANG,
        }
    )
    channel = FakeChannel()
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Hangup()
    assert channel.played == ["menu", "are-you-there"] * 3
    assert out.errors == ()


async def test_menu_without_on_fail_goes_to_the_fallback_queue_without_an_error() -> None:
    flow = make_flow({"a": {"type": "menu", "prompt": "menu", "options": {1: "z"}, "retries": 0}, "z": HANG})
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(["9"]), make_ports())
    assert out.action == Queue("general")
    assert out.errors == ()


async def test_menu_invalid_branch_with_next_jumps_at_once() -> None:
    flow = make_flow(
        {"a": {"type": "menu", "prompt": "m", "options": {1: "z"}, "invalid": {"next": "v"}}, "z": HANG}
        | {"v": {"type": "voicemail", "mailbox": "100@default"}}
    )
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(["5"]), make_ports())
    assert out.action == Voicemail("100@default")


async def test_collect_valid_number_sets_the_variable_on_the_channel() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "collect",
                "prompt": "enter",
                "variable": "acct",
                "min_length": 4,
                "max_length": 6,
                "regex": "[1-9][0-9]*",
                "next": "z",
            },
            "z": HANG,
        }
    )
    channel = FakeChannel(["1234#"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert channel.calls[0] == ("read", "enter", 5000, 6, "#")
    assert channel.variables == {"acct": "1234"}
    assert out.variables["acct"] == "1234"
    assert out.digits == ("1234",)


async def test_collect_too_short_then_regex_mismatch_then_timeout_goes_on_fail() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "collect",
                "prompt": "enter",
                "variable": "acct",
                "min_length": 4,
                "regex": "[1-9][0-9]*",
                "invalid": {"prompt": "invalid"},
                "timeout": {"prompt": "timeout"},
                "retries": 2,
                "next": "z",
                "on_fail": "q",
            },
            "z": HANG,
            "q": {"type": "queue", "queue": "help"},
        }
    )
    channel = FakeChannel(["12", "0123"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("help")
    assert channel.played == ["enter", "invalid", "enter", "invalid", "enter", "timeout"]
    assert "acct" not in channel.variables


async def test_collect_named_validator_refuses_a_bad_check_digit() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "collect",
                "prompt": "p",
                "variable": "o",
                "validator": "order_number",
                "retries": 1,
            }
            | {"next": "z", "on_fail": "q"},
            "z": HANG,
            "q": {"type": "queue", "queue": "help"},
        }
    )
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(["12345678", "12345674"]), make_ports())
    assert out.action == Hangup()
    assert out.variables["o"] == "12345674"


async def test_speech_menu_with_speech_listens_for_keywords() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "speech_menu",
                "prompt": "say",
                "keywords": {"sales": "s", "support": "z"},
                "options": {1: "s"},
                "timeout_ms": 4000,
            },
            "s": {"type": "queue", "queue": "sales"},
            "z": HANG,
        }
    )
    channel = FakeChannel(["", "support"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(speech=True))
    assert out.action == Hangup()
    assert channel.calls[0] == ("listen", "say", ("sales", "support"), 4000, "1")


async def test_speech_menu_without_speech_uses_the_dtmf_options() -> None:
    flow = make_flow(
        {
            "a": {"type": "speech_menu", "prompt": "say", "keywords": {"sales": "z"}, "options": {1: "s"}},
            "s": {"type": "queue", "queue": "sales"},
            "z": HANG,
        }
    )
    channel = FakeChannel(["1"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(speech=False))
    assert out.action == Queue("sales")
    assert channel.calls == [("play", "say", "1"), ("wait", 5000)]


async def test_crm_lookup_by_caller_found_sets_assigned_variables() -> None:
    crm = FakeCrm({"4155550100": {"name": "Ada Lovelace", "value_tier": "vip", "id": "42"}})
    flow = make_flow(
        {
            "a": {
                "type": "crm_lookup",
                "assign": {"customer_name": "name", "customer_id": "id", "value_tier": "value_tier"},
                "found": "z",
                "not_found": "q",
            },
            "z": HANG,
            "q": {"type": "queue", "queue": "x"},
        }
    )
    channel = FakeChannel()
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(crm=crm))
    assert out.action == Hangup()
    assert crm.lookups == [("caller_number", "4155550100")]
    assert channel.variables == {"customer_name": "Ada Lovelace", "customer_id": "42", "value_tier": "vip"}


async def test_crm_lookup_by_variable_not_found_and_empty_variable() -> None:
    crm = FakeCrm()
    nodes = {
        "a": {"type": "crm_lookup", "by": "variable", "variable": "order", "found": "q", "not_found": "z"},
        "z": HANG,
        "q": {"type": "queue", "queue": "x"},
    }
    flow = make_flow(nodes)
    ctx = CallContext("4155550100", variables={"order": "12345674"})
    out = await run_flow({"t": flow}, "t", ctx, FakeChannel(), make_ports(crm=crm))
    assert out.action == Hangup()
    assert crm.lookups == [("order", "12345674")]
    out = await run_flow({"t": flow}, "t", CTX, FakeChannel(), make_ports(crm=crm))
    assert out.action == Hangup()
    assert len(crm.lookups) == 1  # nothing to look up: not_found without asking the CRM


async def test_condition_on_value_tier_and_variable_comparisons() -> None:
    flow = make_flow(
        {
            "a": {
                "type": "condition",
                "branches": [
                    {"when": {"value_tier": ["vip", "gold"]}, "then": "vip"},
                    {"when": {"variable": "age", "op": "ge", "value": 18}, "then": "adult"},
                    {"when": {"variable": "lang", "op": "in", "value": ["zh", "yue"]}, "then": "chinese"},
                ],
                "else": "z",
            },
            "vip": {"type": "queue", "queue": "vip"},
            "adult": {"type": "queue", "queue": "adult"},
            "chinese": {"type": "queue", "queue": "chinese"},
            "z": HANG,
        }
    )

    async def action(variables: dict[str, str]) -> object:
        ctx = CallContext("1", variables=variables)
        return (await run_flow({"t": flow}, "t", ctx, FakeChannel(), make_ports())).action

    assert await action({"value_tier": "gold"}) == Queue("vip")
    assert await action({"age": "21"}) == Queue("adult")
    assert await action({"age": "9", "lang": "yue"}) == Queue("chinese")
    assert await action({"age": "unknown"}) == Hangup()


async def test_set_interpolates_and_a_language_change_reaches_tts() -> None:
    prompts = FakePrompts()
    flow = make_flow(
        {
            "a": {"type": "set", "variables": {"language": "zh", "greeting": "hi {caller_number}", "n": 3}}
            | {"next": "b"},
            "b": {"type": "play", "text": "{greeting}", "next": "z"},
            "z": HANG,
        }
    )
    channel = FakeChannel()
    await run_flow({"t": flow}, "t", CTX, channel, make_ports(prompts=prompts))
    assert channel.variables == {"language": "zh", "greeting": "hi 4155550100", "n": "3"}
    assert prompts.spoken == [("hi 4155550100", "zh")]


async def test_queue_with_skills_priority_from_a_variable_and_no_announcements() -> None:
    flow = make_flow(
        {
            "a": {"type": "queue", "queue": "sales", "skills": {"sales": 3, "english": 1}}
            | {"priority": "{priority}", "announce": False}
        }
    )
    ctx = CallContext("1", variables={"priority": "10"})
    out = await run_flow({"t": flow}, "t", ctx, FakeChannel(), make_ports())
    assert out.action == Queue("sales", (("english", 1), ("sales", 3)), 10, False)


async def test_terminal_nodes_voicemail_callback_transfer_play_their_prompt() -> None:
    flow = make_flow(
        {
            "a": {"type": "menu", "prompt": "m", "options": {1: "v", 2: "c", 3: "x"}},
            "v": {"type": "voicemail", "mailbox": "{caller_number}@default", "prompt": "vm-intro"},
            "c": {"type": "callback_offer", "queue": "support"},
            "x": {"type": "transfer", "number": "5552000", "prompt": "pls-hold-while-try"},
        }
    )
    results = []
    for digit in "123":
        channel = FakeChannel([digit])
        out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
        results.append((out.action, channel.played[1:]))
    assert results == [
        (Voicemail("4155550100@default"), ["vm-intro"]),
        (CallbackOffer("support", "4155550100"), []),
        (Transfer("5552000"), ["pls-hold-while-try"]),
    ]


async def test_subflow_runs_the_other_flow_and_returns_to_the_next_node() -> None:
    main = make_flow(
        {
            "a": {"type": "subflow", "flow": "ident", "return": "b"},
            "b": {"type": "queue", "queue": "sales", "priority": "{priority}"},
        },
        name="main",
    )
    ident = make_flow(
        {
            "a": {"type": "set", "variables": {"priority": "5"}, "next": "r"},
            "r": {"type": "return"},
        },
        name="ident",
    )
    out = await run_flow({"main": main, "ident": ident}, "main", CTX, FakeChannel(), make_ports())
    assert out.action == Queue("sales", priority=5)
    assert out.path == ("main:a", "ident:a", "ident:r", "main:b")
