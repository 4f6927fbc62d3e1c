"""Asterisk's ``$[...]`` expressions, as much of them as a contact center's dialplan uses.

After ``${VAR}`` substitution, each ``$[...]`` (innermost first) is replaced by its value:
operands are numbers or strings (``"quoted"`` or bare), operators ``|``, ``&``, ``=``, ``!=``,
``<``, ``>``, ``<=``, ``>=``, ``+``, ``-`` with Asterisk's precedence (arithmetic binds tightest).
Comparisons give ``1`` or ``0``, numerically when both sides are integers, else as strings.
Like Asterisk, ``$[0${CC_TRIES} + 1]`` counts from an unset variable ("0" → 1, "01" → 2).

>>> expand('$["${CC_DONE}" = "1"]', {"CC_DONE": "1"}), expand("$[0${N} + 1]", {})
('1', '1')
"""

from __future__ import annotations

import re
from typing import TypeVar

from callcenter.pbxsim.dialplan import substitute

_INNERMOST = re.compile(r"\$\[([^\[\]]*)\]")
_TOKEN = re.compile(r'\s*("(?:[^"]*)"|!=|<=|>=|[|&=<>+-]|[^\s|&=<>!+"-]+)')
# Loosest first: '|' then '&' then comparisons then arithmetic.
_LEVELS: tuple[tuple[str, ...], ...] = (("|",), ("&",), ("=", "!=", "<", ">", "<=", ">="), ("+", "-"))


_Operand = TypeVar("_Operand", int, str)


class ExpressionError(ValueError):
    pass


def expand(text: str, lookup: dict[str, str]) -> str:
    """``${...}`` substitution, then every ``$[...]`` evaluated."""
    text = substitute(text, lookup)
    while True:
        match = _INNERMOST.search(text)
        if match is None:
            return text
        text = text[: match.start()] + evaluate(match.group(1)) + text[match.end() :]


def evaluate(expression: str) -> str:
    tokens = _tokens(expression)
    if not tokens:
        return ""
    value, rest = _level(tokens, 0)
    if rest:
        raise ExpressionError(f"syntax error near {rest[0]!r} in $[{expression}]")
    return value


def _tokens(expression: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            if expression[position:].strip():
                raise ExpressionError(f"cannot read $[{expression}]")
            break
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _level(tokens: list[str], depth: int) -> tuple[str, list[str]]:
    if depth == len(_LEVELS):
        if not tokens or tokens[0] in {op for ops in _LEVELS for op in ops}:
            raise ExpressionError("an operand is missing")
        return tokens[0].strip('"'), tokens[1:]
    left, rest = _level(tokens, depth + 1)
    while rest and rest[0] in _LEVELS[depth]:
        operator = rest[0]
        right, rest = _level(rest[1:], depth + 1)
        left = _apply(operator, left, right)
    return left, rest


def _apply(operator: str, left: str, right: str) -> str:
    numbers = _integer(left), _integer(right)
    if operator in ("+", "-"):
        if numbers[0] is None or numbers[1] is None:
            raise ExpressionError(f"{left!r} {operator} {right!r}: not numbers")
        return str(numbers[0] + numbers[1] if operator == "+" else numbers[0] - numbers[1])
    if operator == "|":
        return left if _true(left) else right
    if operator == "&":
        return left if _true(left) and _true(right) else "0"
    if numbers[0] is not None and numbers[1] is not None:
        outcome = _compare(operator, numbers[0], numbers[1])
    else:
        outcome = _compare(operator, left, right)
    return "1" if outcome else "0"


def _compare(operator: str, a: _Operand, b: _Operand) -> bool:
    if operator == "=":
        return a == b
    if operator == "!=":
        return a != b
    if operator == "<":
        return a < b
    if operator == ">":
        return a > b
    return a <= b if operator == "<=" else a >= b


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _true(text: str) -> bool:
    return text not in ("", "0")
