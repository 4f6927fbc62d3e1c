"""Validation of type-ahead: a play node whose text asks for a key nobody listens for, and menus
with a list of prompts."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.i18n import translate
from ivr_flows.type_ahead import keys_asked_for
from tests.unit.ivr.test_validation import Q, check

MENU = {"type": "menu", "prompt": "menu", "options": {1: "q", 2: "q"}}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("For English, press 1.", ["1"]),
        ("For sales press one, for support press the pound key", ["1", "#"]),
        ("Press star to repeat, press # to finish.", ["*", "#"]),
        ("中文服务请按2。", ["2"]),
        ("查询请按井号键，返回请按星号键", ["#", "*"]),
        ("按 3 转人工", ["3"]),
        ("Call 5551234 or press 12 on your keypad.", []),
        ("Thank you for calling.", []),
    ],
)
def test_keys_asked_for_reads_english_and_chinese_prompts(text: str, keys: list[str]) -> None:
    assert keys_asked_for(text) == keys


def test_given_play_text_asking_for_a_key_when_next_is_not_input_then_warned() -> None:
    nodes: dict[str, Any] = {"a": {"type": "play", "text": "For English, press 1.", "next": "b"}}
    nodes |= {"b": {"type": "play", "prompt": "hello-world", "next": "m"}, "m": MENU, "q": Q}
    assert check(nodes) == [
        (
            "warning",
            "ivr.flow.key_not_heard",
            "flow 't', node 'a', field 'text': asks the caller to press 1, but node 'b' after it "
            "does not listen for that key, so a key pressed during this prompt is lost; lead "
            "straight into a menu with that option or make this text one of the menu's prompts",
        )
    ]


def test_given_chinese_play_text_when_next_menu_lacks_the_key_then_warned() -> None:
    nodes: dict[str, Any] = {
        "a": {"type": "play", "prompt": "text:[zh]中文服务请按2，人工服务请按0。", "next": "m"}
    }
    nodes |= {"m": MENU, "q": Q}
    [(level, code, message)] = check(nodes)
    assert (level, code) == ("warning", "ivr.flow.key_not_heard")
    assert message.startswith("flow 't', node 'a', field 'prompt': asks the caller to press 0, but node 'm'")


def test_given_play_text_asking_for_keys_of_the_next_menu_then_no_warning() -> None:
    nodes = {
        "a": {"type": "play", "text": "For English, press 1. 中文请按2。", "next": "m"},
        "m": MENU,
        "q": Q,
    }
    assert check(nodes) == []


def test_given_play_text_asking_for_digits_of_the_next_collect_then_no_warning() -> None:
    collect = {"type": "collect", "prompt": "menu", "variable": "n", "next": "q"}
    play = {"type": "play", "text": "Press 1 then your number, then press the pound key.", "next": "c"}
    assert check({"a": play, "c": collect, "q": Q}) == []


def test_given_menu_with_a_list_of_prompts_then_each_is_checked() -> None:
    menu = {"type": "menu", "prompt": ["menu", "text:Press 1.", "nope"], "options": {1: "q"}}
    assert check({"a": menu, "q": Q}) == [
        (
            "error",
            "ivr.flow.missing_prompt",
            "flow 't', node 'a', field 'prompt.2': prompt file 'nope' does not exist",
        )
    ]
    assert check({"a": {**menu, "prompt": []}, "q": Q}) == [
        (
            "error",
            "ivr.flow.bad_prompt",
            "flow 't', node 'a', field 'prompt': a menu needs at least one prompt",
        )
    ]


def test_the_warning_title_is_translated() -> None:
    assert translate("ivr.flow.key_not_heard", "en") == "Prompt asks for a key that is not heard"
    assert translate("ivr.flow.key_not_heard", "zh_CN") == "提示音要求按键，但此时按键不会被接收"
