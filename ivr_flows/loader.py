"""YAML text → ``Flow``, with schema errors re-worded to name the flow, node and field."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ivr_flows.errors import FlowSchemaError
from ivr_flows.issues import ValidationIssue, issue
from ivr_flows.schema import NODE_TYPES, Flow

_TEST_TAGS = ("business_hours", "value_tier", "variable")


def parse_flow_yaml(text: str) -> Flow:
    """Parse and check one flow file; raises ``FlowSchemaError`` carrying the issues."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FlowSchemaError([issue("error", "bad_yaml", f"not valid YAML ({exc})", "?")]) from exc
    return parse_flow_data(data)


def parse_flow_data(data: object) -> Flow:
    if not isinstance(data, Mapping):
        raise FlowSchemaError([issue("error", "bad_yaml", "a flow file must be a mapping", "?")])
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        name = data.get("name")
        flow = name if isinstance(name, str) else "?"
        raise FlowSchemaError(schema_issues(exc, flow)) from exc


def schema_issues(exc: ValidationError, flow: str) -> list[ValidationIssue]:
    out: list[ValidationIssue] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        node: str | None = None
        if len(loc) >= 2 and loc[0] == "nodes":
            node = loc[1]
            # pydantic puts the discriminator tag after the node id: ("nodes", id, "play", "next")
            rest = loc[3:] if len(loc) > 2 and loc[2] in NODE_TYPES else loc[2:]
        else:
            rest = loc
        # likewise the test kind after "when": (..., "when", "business_hours", "business_hours", ...)
        rest = [p for i, p in enumerate(rest) if not (i > 0 and rest[i - 1] == "when" and p in _TEST_TAGS)]
        field = ".".join(rest) if rest else None
        out.append(_one(err, flow, node, field))
    return out


def _one(err: Any, flow: str, node: str | None, field: str | None) -> ValidationIssue:
    kind = err["type"]
    if kind == "union_tag_invalid":
        tag = err["ctx"]["tag"]
        return issue(
            "error",
            "unknown_node_type",
            f"unknown node type {tag!r} (expected one of {', '.join(NODE_TYPES)})",
            flow,
            node,
            "type",
        )
    if kind == "union_tag_not_found":
        return issue("error", "missing_field", "field 'type' is required", flow, node, "type")
    if kind == "missing":
        return issue("error", "missing_field", "this field is required", flow, node, field)
    if kind == "extra_forbidden":
        return issue("error", "unknown_field", "this field is not allowed here", flow, node, field)
    msg = str(err["msg"]).removeprefix("Value error, ")
    return issue("error", "bad_value", f"{msg} (got {err.get('input')!r})", flow, node, field)


SHIPPED_FLOWS = Path(__file__).with_name("flows")


def load_flow_files(directory: Path = SHIPPED_FLOWS) -> dict[str, Flow]:
    """Every ``*.yaml`` flow in ``directory`` by name (the shipped defaults, or a seed directory)."""
    flows: dict[str, Flow] = {}
    for path in sorted(directory.glob("*.yaml")):
        flow = parse_flow_yaml(path.read_text(encoding="utf-8"))
        flows[flow.name] = flow
    return flows
