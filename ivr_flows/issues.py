"""What validation reports: one ``ValidationIssue`` per problem, with a stable code and an exact message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """``code`` is stable (for translation, ``ivr.flow.<what>``); ``message`` is the English default and
    always names the flow, and the node and field when there is one."""

    level: Level
    code: str
    message: str
    flow: str
    node: str | None = None
    field: str | None = None


def where(flow: str, node: str | None = None, field: str | None = None) -> str:
    """``flow 'main', node 'menu', field 'options'`` — the prefix of every issue message."""
    text = f"flow {flow!r}"
    if node is not None:
        text += f", node {node!r}"
    if field is not None:
        text += f", field {field!r}"
    return text


def issue(
    level: Level, code: str, problem: str, flow: str, node: str | None = None, field: str | None = None
) -> ValidationIssue:
    return ValidationIssue(
        level, "ivr.flow." + code, f"{where(flow, node, field)}: {problem}", flow, node, field
    )


def errors_of(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    return [i for i in issues if i.level == "error"]
