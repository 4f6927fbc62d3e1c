"""Every validation issue, with its exact message."""

from __future__ import annotations

from typing import Any

import pytest

from ivr_flows.loader import load_flow_files
from ivr_flows.schema import Flow
from ivr_flows.validation import validate
from tests.unit.ivr.fakes import FakePrompts, make_flow

QUEUES = {"sales", "support", "general"}
SKILLS = {"sales", "support", "orders", "english", "mandarin"}
PROMPTS = FakePrompts(names={"hello-world", "menu", "option-is-invalid", "beep"})
Q = {"type": "queue", "queue": "sales"}


def check(
    nodes: dict[str, Any],
    *,
    start: str = "a",
    fallback: str = "general",
    speech: bool = True,
    others: dict[str, Flow] | None = None,
) -> list[tuple[str, str, str]]:
    flow = make_flow(nodes, start=start, fallback=fallback)
    found = validate(flow, QUEUES, SKILLS, PROMPTS, speech, others)
    return [(i.level, i.code, i.message) for i in found]


def test_a_clean_flow_has_no_issues() -> None:
    assert check({"a": {"type": "menu", "prompt": "menu", "options": {1: "q", "#": "q"}}, "q": Q}) == []


def test_shipped_flows_are_valid_with_the_demo_site() -> None:
    flows = load_flow_files()
    assert set(flows) == {"main", "support_hotline"}
    store = FakePrompts(names={"hello-world", "option-is-invalid"})
    for flow in flows.values():
        issues = validate(flow, QUEUES, SKILLS, store, speech_available=True, other_flows=flows)
        assert issues == [], flow.name


def test_schema_errors_are_reworded_with_flow_node_and_field() -> None:
    text = """
name: broken
start: a
fallback: general
nodes:
  a: {type: plya, next: b}
  b: {type: play, prompt: hello-world}
  c: {type: queue, queue: sales, colour: red}
  d: {next: a}
  e: {type: queue, queue: sales, skills: {sales: 7}}
"""
    found = [(i.code, i.message) for i in validate(text, QUEUES, SKILLS, PROMPTS, True)]
    assert found == [
        (
            "ivr.flow.unknown_node_type",
            "flow 'broken', node 'a', field 'type': unknown node type 'plya' (expected one of play, menu, "
            "collect, speech_menu, crm_lookup, condition, set, queue, voicemail, callback_offer, transfer, "
            "subflow, return, hangup)",
        ),
        ("ivr.flow.missing_field", "flow 'broken', node 'b', field 'next': this field is required"),
        ("ivr.flow.unknown_field", "flow 'broken', node 'c', field 'colour': this field is not allowed here"),
        ("ivr.flow.missing_field", "flow 'broken', node 'd', field 'type': field 'type' is required"),
        (
            "ivr.flow.bad_value",
            "flow 'broken', node 'e', field 'skills': skill 'sales' needs a level from 1 to 5, not 7 "
            "(got {'sales': 7})",
        ),
    ]


def test_flow_level_schema_error_and_bad_yaml() -> None:
    found = validate("name: Bad Name\nstart: a\nfallback: x\n", QUEUES, SKILLS, PROMPTS, True)
    assert [i.message for i in found] == [
        "flow 'Bad Name', field 'name': String should match pattern '^[a-z0-9][a-z0-9_-]{0,63}$' "
        "(got 'Bad Name')",
        "flow 'Bad Name', field 'nodes': this field is required",
    ]
    found = validate("name: [unclosed", QUEUES, SKILLS, PROMPTS, True)
    assert found[0].code == "ivr.flow.bad_yaml"
    assert found[0].message.startswith("flow '?': not valid YAML (")


def test_dangling_references_from_start_and_from_a_node_field() -> None:
    assert check({"a": {"type": "menu", "prompt": "menu", "options": {1: "salez"}}}, start="nope") == [
        ("error", "ivr.flow.dangling_reference", "flow 't', field 'start': start node 'nope' does not exist"),
        (
            "error",
            "ivr.flow.dangling_reference",
            "flow 't', node 'a', field 'options.1': refers to node 'salez', which does not exist",
        ),
    ]


def test_unknown_fallback() -> None:
    assert check({"a": Q}, fallback="operators") == [
        (
            "error",
            "ivr.flow.unknown_fallback",
            "flow 't', field 'fallback': 'operators' is neither a node of this flow nor a known queue",
        )
    ]


def test_unreachable_node_is_a_warning_and_the_fallback_node_counts_as_reachable() -> None:
    nodes = {"a": Q, "fb": {"type": "queue", "queue": "general"}, "orphan": Q}
    assert check(nodes, fallback="fb") == [
        ("warning", "ivr.flow.unreachable_node", "flow 't', node 'orphan': no path from the start leads here")
    ]


def test_loop_that_never_waits_for_the_caller() -> None:
    nodes = {
        "a": {"type": "play", "prompt": "hello-world", "next": "b"},
        "b": {"type": "condition", "branches": [{"when": {"value_tier": ["vip"]}, "then": "c"}], "else": "a"},
        "c": {"type": "set", "variables": {"x": "1"}, "next": "c"},
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.silent_loop",
            "flow 't', node 'a': nodes 'a', 'b' form a loop that never waits for the caller",
        ),
        (
            "error",
            "ivr.flow.silent_loop",
            "flow 't', node 'c': nodes 'c' form a loop that never waits for the caller",
        ),
    ]


def test_a_loop_through_a_menu_is_fine() -> None:
    nodes = {
        "a": {"type": "play", "prompt": "hello-world", "next": "m"},
        "m": {"type": "menu", "prompt": "menu", "options": {1: "a", 2: "q"}},
        "q": Q,
    }
    assert check(nodes) == []


def test_missing_prompt_files_in_prompt_and_retry_prompts() -> None:
    nodes = {
        "a": {"type": "menu", "prompt": "welcome-menu", "options": {1: "q"}, "invalid": {"prompt": "oops"}}
        | {"timeout": {"prompt": "text:Are you there?"}},
        "q": Q,
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.missing_prompt",
            "flow 't', node 'a', field 'prompt': prompt file 'welcome-menu' does not exist",
        ),
        (
            "error",
            "ivr.flow.missing_prompt",
            "flow 't', node 'a', field 'invalid.prompt': prompt file 'oops' does not exist",
        ),
    ]


def test_bad_template_and_play_without_prompt() -> None:
    nodes = {
        "a": {"type": "play", "text": "Hello {customer.name}", "next": "b"},
        "b": {"type": "play", "next": "q"},
        "q": Q,
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.bad_template",
            "flow 't', node 'a', field 'text': {customer.name} must be a plain variable name",
        ),
        (
            "error",
            "ivr.flow.bad_prompt",
            "flow 't', node 'b', field 'prompt': give exactly one of 'prompt' or 'text'",
        ),
    ]


def test_duplicate_digit_given_as_int_and_string() -> None:
    nodes = {"a": {"type": "menu", "prompt": "menu", "options": {1: "q", "1": "q"}}, "q": Q}
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.duplicate_digit",
            "flow 't', node 'a', field 'options': digit '1' is used more than once",
        )
    ]


def test_invalid_digits_and_empty_menu() -> None:
    nodes = {
        "a": {"type": "menu", "prompt": "menu", "options": {12: "q", "A": "q", 3: "b"}},
        "b": {"type": "menu", "prompt": "menu", "options": {}},
        "q": Q,
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.invalid_digit",
            "flow 't', node 'a', field 'options': '12' is not a single key 0-9, * or #",
        ),
        (
            "error",
            "ivr.flow.invalid_digit",
            "flow 't', node 'a', field 'options': 'A' is not a single key 0-9, * or #",
        ),
        (
            "error",
            "ivr.flow.no_options",
            "flow 't', node 'b', field 'options': a menu needs at least one option",
        ),
    ]


def test_collect_checks_lengths_terminator_regex_and_validator() -> None:
    nodes = {
        "a": {
            "type": "collect",
            "prompt": "menu",
            "variable": "acct",
            "min_length": 8,
            "max_length": 6,
            "terminator": "5",
            "regex": "[0-9",
            "validator": "iban",
            "next": "q",
        },
        "q": Q,
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.bad_length",
            "flow 't', node 'a', field 'min_length': min_length 8 is greater than max_length 6",
        ),
        (
            "error",
            "ivr.flow.terminator_clash",
            "flow 't', node 'a', field 'terminator': terminator '5' must be '#' or '*' "
            "(a digit would end the entry early)",
        ),
        (
            "error",
            "ivr.flow.bad_regex",
            "flow 't', node 'a', field 'regex': regular expression '[0-9' is invalid: "
            "unterminated character set at position 0",
        ),
        (
            "error",
            "ivr.flow.unknown_validator",
            "flow 't', node 'a', field 'validator': unknown validator 'iban' "
            "(known: customer_number, order_number)",
        ),
    ]


def test_unknown_queues_skills_and_bad_priority() -> None:
    nodes = {
        "a": {"type": "menu", "prompt": "menu", "options": {1: "q", 2: "c"}},
        "q": {"type": "queue", "queue": "salse", "skills": {"sales": 1, "klingon": 2}, "priority": "high"},
        "c": {"type": "callback_offer", "queue": "callbacks"},
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.unknown_queue",
            "flow 't', node 'q', field 'queue': queue 'salse' does not exist",
        ),
        (
            "error",
            "ivr.flow.unknown_skill",
            "flow 't', node 'q', field 'skills': skill 'klingon' does not exist",
        ),
        (
            "error",
            "ivr.flow.bad_priority",
            "flow 't', node 'q', field 'priority': priority 'high' must be a number or one {variable}",
        ),
        (
            "error",
            "ivr.flow.unknown_queue",
            "flow 't', node 'c', field 'queue': queue 'callbacks' does not exist",
        ),
    ]


def test_lookup_by_variable_needs_a_variable_and_time_zone_must_exist() -> None:
    hours = {"business_hours": {"timezone": "Mars/Olympus_Mons", "weekly": {"mon": ["09:00-17:00"]}}}
    nodes = {
        "a": {"type": "crm_lookup", "by": "variable", "found": "b", "not_found": "b"},
        "b": {"type": "condition", "branches": [{"when": hours, "then": "q"}], "else": "q"},
        "q": Q,
    }
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.missing_field",
            "flow 't', node 'a', field 'variable': a lookup by variable needs 'variable'",
        ),
        (
            "error",
            "ivr.flow.unknown_timezone",
            "flow 't', node 'b', field 'branches.0.when': unknown time zone 'Mars/Olympus_Mons'",
        ),
    ]


def test_unknown_subflow() -> None:
    nodes = {"a": {"type": "subflow", "flow": "identify", "return": "q"}, "q": Q}
    assert check(nodes) == [
        (
            "error",
            "ivr.flow.unknown_subflow",
            "flow 't', node 'a', field 'flow': flow 'identify' does not exist",
        )
    ]


def test_subflows_calling_each_other_in_a_loop() -> None:
    other = make_flow(
        {"a": {"type": "subflow", "flow": "t", "return": "r"}, "r": {"type": "return"}}, name="identify"
    )
    nodes = {"a": {"type": "subflow", "flow": "identify", "return": "q"}, "q": Q}
    assert check(nodes, others={"identify": other}) == [
        (
            "error",
            "ivr.flow.subflow_recursion",
            "flow 't', node 'a', field 'flow': subflows call each other in a loop: t → identify → t",
        )
    ]


def test_speech_menu_without_a_speech_model_warns_it_falls_back_to_dtmf() -> None:
    nodes = {
        "a": {"type": "speech_menu", "prompt": "menu", "keywords": {"sales": "q"}, "options": {1: "q"}},
        "b": {"type": "speech_menu", "prompt": "menu", "keywords": {"sales": "q"}},
        "q": Q,
    }
    assert check(nodes, start="a", fallback="b", speech=False) == [
        (
            "warning",
            "ivr.flow.speech_unavailable",
            "flow 't', node 'a': no speech model is installed; callers will use the DTMF options instead",
        ),
        (
            "error",
            "ivr.flow.speech_unavailable",
            "flow 't', node 'b', field 'options': no speech model is installed and there are no DTMF "
            "options to fall back to",
        ),
    ]


@pytest.mark.parametrize("speech", [True, False])
def test_issue_fields_name_flow_node_and_field(speech: bool) -> None:
    flow = make_flow({"a": {"type": "play", "prompt": "nope", "next": "a"}})
    found = validate(flow, QUEUES, SKILLS, PROMPTS, speech)
    assert [(i.flow, i.node, i.field) for i in found] == [("t", "a", "prompt"), ("t", "a", None)]
