"""Type-ahead (fact 18): a key pressed during the prompt that leads into a menu or collect counts.

On a real Asterisk a key pressed during ``STREAM FILE name ""`` is dropped, so a prompt before an
input node must be played with that node's keys as escape digits, and the key must be handed on.
``FakeChannel(press_during=…)`` returns a key only when it is among the escape digits, as Asterisk.
"""

from __future__ import annotations

from ivr_flows.interpreter import run_flow
from ivr_flows.outcome import CallContext, Queue
from ivr_flows.schema import MenuNode
from tests.unit.ivr.fakes import FakeChannel, make_flow, make_ports

CTX = CallContext(caller_number="4155550100", dialed_number="5551234")
SALES = {"type": "queue", "queue": "sales"}
SUPPORT = {"type": "queue", "queue": "support"}


def _intro_then_menu(**menu: object) -> dict[str, object]:
    return {
        "a": {"type": "play", "prompt": "intro", "next": "m"},
        "m": {"type": "menu", "prompt": "menu", "options": {1: "s", 2: "p"}, **menu},
        "s": SALES,
        "p": SUPPORT,
    }


async def test_given_play_before_menu_when_option_key_pressed_during_it_then_the_option_is_taken() -> None:
    channel = FakeChannel(press_during={"intro": "2"})
    out = await run_flow({"t": make_flow(_intro_then_menu())}, "t", CTX, channel, make_ports())
    assert out.action == Queue("support")
    assert channel.calls == [("play", "intro", "12")]  # the menu's keys; its own prompt is skipped
    assert out.digits == ("2",)
    assert out.path == ("t:a", "t:m", "t:p")


async def test_given_play_before_menu_when_other_key_pressed_during_it_then_it_is_lost_and_menu_asks() -> (
    None
):
    channel = FakeChannel(["1"], press_during={"intro": "7"})
    out = await run_flow({"t": make_flow(_intro_then_menu())}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls == [("play", "intro", "12"), ("play", "menu", "12"), ("wait", 5000)]
    assert out.digits == ("1",)


async def test_given_typed_ahead_key_when_used_by_the_menu_then_the_next_menu_asks_again() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "intro", "next": "m1"},
            "m1": {"type": "menu", "prompt": "first", "options": {1: "m2"}},
            "m2": {"type": "menu", "prompt": "second", "options": {1: "s"}},
            "s": SALES,
        }
    )
    channel = FakeChannel(["1"], press_during={"intro": "1"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls == [("play", "intro", "1"), ("play", "second", "1"), ("wait", 5000)]
    assert out.digits == ("1", "1")


async def test_given_play_before_collect_when_first_digit_typed_then_collect_reads_the_rest_silently() -> (
    None
):
    flow = make_flow(
        {
            "a": {"type": "play", "text": "Welcome.", "next": "c"},
            "c": {"type": "collect", "prompt": "enter", "variable": "acct", "max_length": 6, "next": "s"},
            "s": SALES,
        }
    )
    channel = FakeChannel(["2345#"], press_during={"tts-1": "1"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls[:2] == [
        ("play", "tts-1", "0123456789*"),  # every key but the terminator
        ("read", None, 5000, 5, "#"),  # no prompt, one digit fewer
    ]
    assert out.variables["acct"] == "12345"
    assert out.digits == ("12345",)


async def test_given_play_before_one_key_collect_when_key_typed_then_nothing_more_is_read() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "intro", "next": "c"},
            "c": {"type": "collect", "prompt": "enter", "variable": "k", "max_length": 1, "next": "s"},
            "s": SALES,
        }
    )
    channel = FakeChannel(press_during={"intro": "5"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls[0] == ("play", "intro", "0123456789*")
    assert [c[0] for c in channel.calls] == ["play", "set"]
    assert out.variables["k"] == "5"


async def test_given_play_before_a_non_input_node_then_it_plays_without_escape_digits() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "intro", "next": "b"},
            "b": {"type": "play", "prompt": "x", "next": "s"},
        }
        | {"s": SALES}
    )
    channel = FakeChannel(press_during={"intro": "1"})
    await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert channel.calls[0] == ("play", "intro", "")


async def test_given_play_before_speech_menu_when_option_key_typed_then_option_taken() -> None:
    flow = make_flow(
        {
            "a": {"type": "play", "prompt": "intro", "next": "m"},
            "m": {"type": "speech_menu", "prompt": "say", "keywords": {"sales": "s"}, "options": {3: "s"}},
            "s": SALES,
        }
    )
    for speech in (True, False):
        channel = FakeChannel(press_during={"intro": "3"})
        out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(speech=speech))
        assert out.action == Queue("sales")
        assert channel.calls == [("play", "intro", "3")]


def test_given_menu_with_one_prompt_or_a_list_then_both_load() -> None:
    one = MenuNode.model_validate({"type": "menu", "prompt": "menu", "options": {1: "s"}})
    many = MenuNode.model_validate({"type": "menu", "prompt": ["a", "text:b"], "options": {1: "s"}})
    assert one.prompt_specs() == ("menu",)
    assert many.prompt_specs() == ("a", "text:b")


async def test_given_menu_with_prompt_list_when_key_pressed_in_first_then_rest_skipped() -> None:
    flow = make_flow(
        {
            "m": {"type": "menu", "prompt": ["en", "zh"], "options": {1: "s", 2: "p"}},
            "s": SALES,
            "p": SUPPORT,
        },
        start="m",
    )
    channel = FakeChannel(press_during={"en": "1"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("sales")
    assert channel.calls == [("play", "en", "12")]


async def test_given_menu_with_prompt_list_when_invalid_then_every_prompt_is_replayed() -> None:
    flow = make_flow(
        {
            "m": {
                "type": "menu",
                "prompt": ["en", "zh"],
                "options": {1: "s", 2: "p"},
                "invalid": {"prompt": "option-is-invalid"},
            },
            "s": SALES,
            "p": SUPPORT,
        },
        start="m",
    )
    channel = FakeChannel(["9", "2"])
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports())
    assert out.action == Queue("support")
    assert channel.calls == [
        ("play", "en", "12"),
        ("play", "zh", "12"),
        ("wait", 5000),
        ("play", "option-is-invalid", ""),
        ("play", "en", "12"),
        ("play", "zh", "12"),
        ("wait", 5000),
    ]


async def test_given_speech_menu_with_speech_when_option_key_pressed_during_its_prompt_then_taken() -> None:
    flow = make_flow(
        {
            "m": {"type": "speech_menu", "prompt": "say", "keywords": {"sales": "p"}, "options": {3: "s"}},
            "s": SALES,
            "p": SUPPORT,
        },
        start="m",
    )
    channel = FakeChannel(press_during={"say": "3"})
    out = await run_flow({"t": flow}, "t", CTX, channel, make_ports(speech=True))
    assert out.action == Queue("sales")
    assert channel.calls == [("listen", "say", ("sales",), 5000, "3")]
