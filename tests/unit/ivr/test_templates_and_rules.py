"""Templates are safe; digit validators; schedule parsing; the loop finder agrees with brute force."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivr_flows.digit_rules import customer_number, luhn_ok, order_number
from ivr_flows.errors import FlowSchemaError, TemplateError
from ivr_flows.graph import silent_loops
from ivr_flows.loader import parse_flow_yaml
from ivr_flows.schema import Schedule, parse_range
from ivr_flows.templates import render, template_names
from tests.unit.ivr.fakes import make_flow


def test_render_fills_variables_and_leaves_missing_ones_empty() -> None:
    assert render("Hello {name}, {{literal}} {missing}!", {"name": "Ada"}) == "Hello Ada, {literal} !"


@pytest.mark.parametrize(
    "template", ["{a.__class__}", "{a[0]}", "{a!r}", "{a:>10}", "{0}", "{}", "{unclosed", "stray }"]
)
def test_templates_refuse_anything_but_plain_names(template: str) -> None:
    with pytest.raises(TemplateError):
        render(template, {"a": "x"})


@given(st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_text_without_braces_renders_unchanged(text: str) -> None:
    assert render(text, {"x": "1"}) == text
    assert template_names(text) == []


@given(st.text())
def test_a_value_is_never_interpolated_again(value: str) -> None:
    # A customer called "{caller_number}" must not leak the caller number into a prompt.
    assert render("[{name}]", {"name": value, "caller_number": "4155550100"}) == f"[{value}]"


def test_named_validators() -> None:
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert not luhn_ok("12a4")
    assert order_number("12345674")
    assert not order_number("12345675")
    assert not order_number("1234567")
    assert customer_number("123456")
    assert not customer_number("012345")
    assert not customer_number("12345")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-17", "time range '9-17' must look like 09:00-18:00"),
        ("18:00-09:00", "time range '18:00-09:00' ends before it starts"),
        ("09:00-24:30", "time range '09:00-24:30' has an impossible time"),
    ],
)
def test_bad_time_ranges(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_range(text)


def test_holiday_ranges_expand_and_a_reversed_range_is_a_schema_error() -> None:
    schedule = Schedule.model_validate(
        {"timezone": "UTC", "holidays": ["2026-02-27..2026-03-02", "2026-12-25"]}
    )
    assert [d.isoformat() for d in schedule.holidays] == [
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-02",
        "2026-12-25",
    ]
    text = """
name: t
start: a
fallback: general
nodes:
  a:
    type: condition
    branches:
      - when: {business_hours: {timezone: UTC, holidays: ["2026-03-02..2026-02-27"]}}
        then: a
    else: a
"""
    with pytest.raises(FlowSchemaError) as caught:
        parse_flow_yaml(text)
    assert [i.message for i in caught.value.issues] == [
        "flow 't', node 'a', field 'branches.0.when.business_hours.holidays': holiday range "
        "'2026-03-02..2026-02-27' ends before it starts (got ['2026-03-02..2026-02-27'])"
    ]


def test_dialed_numbers_written_as_yaml_ints_become_text() -> None:
    flow = parse_flow_yaml(
        "name: t\nnumbers: [5551234]\nstart: a\nfallback: general\nnodes: {a: {type: hangup}}"
    )
    assert flow.numbers == ("5551234",)


def test_loaded_flows_are_frozen() -> None:
    flow = make_flow({"a": {"type": "hangup"}})
    with pytest.raises(ValueError, match="frozen"):
        flow.start = "b"  # type: ignore[misc]


EDGES = st.dictionaries(
    st.sampled_from("abcdefg"), st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=3), min_size=1
)


@given(EDGES, st.sets(st.sampled_from("abcdefg")))
def test_silent_loops_match_brute_force(edges: dict[str, list[str]], waiting: set[str]) -> None:
    """Every node in a reported loop is quiet and reaches itself through quiet nodes, and vice versa."""
    nodes: dict[str, object] = {}
    for node_id, targets in edges.items():
        known = [t for t in targets if t in edges]
        options = {str(i): t for i, t in enumerate(known)}
        if node_id in waiting or not options:
            nodes[node_id] = (
                {"type": "menu", "prompt": "p", "options": options} if options else {"type": "hangup"}
            )
        else:
            branches = [{"when": {"value_tier": ["vip"]}, "then": t} for t in known[1:]]
            nodes[node_id] = {"type": "condition", "branches": branches, "else": known[0]}
    flow = make_flow(nodes, start=next(iter(nodes)))
    quiet = {n for n, node in flow.nodes.items() if node.type == "condition"}
    succ = {n: {t for t in edges[n] if t in quiet} for n in quiet}

    def on_cycle(n: str) -> bool:
        seen, todo = set(), list(succ[n])
        while todo:
            x = todo.pop()
            if x == n:
                return True
            if x not in seen:
                seen.add(x)
                todo.extend(succ[x])
        return False

    found = {n for loop in silent_loops(flow, lambda _i, node: node.type != "condition") for n in loop}
    assert found == {n for n in quiet if on_cycle(n)}
