"""Small modules and functions: no module of ours over 400 lines, no function over 60 (ast-based).

Database migrations are excluded: each is a generated, append-only script.
"""

from __future__ import annotations

import ast

from tests.unit.module_graph import our_modules

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[tuple[str, str]]:
    return [
        (name, module.path.read_text(encoding="utf-8"))
        for name, module in our_modules().items()
        if ".migrations." not in f".{name}."
    ]


def test_no_module_is_over_400_lines() -> None:
    long = sorted(
        f"{name}: {len(text.splitlines())}"
        for name, text in _modules()
        if len(text.splitlines()) > MAX_MODULE_LINES
    )
    assert long == []


def test_no_function_is_over_60_lines() -> None:
    long = sorted(
        f"{name}.{node.name}: {(node.end_lineno or node.lineno) - node.lineno + 1}"
        for name, text in _modules()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    )
    assert long == []
