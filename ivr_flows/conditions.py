"""Evaluation of ``condition`` tests: business hours (weekly schedule, holidays, time zone), value tier,
and variable comparisons. Pure functions of the test, the variables and ``now``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from ivr_flows.schema import (
    WEEKDAYS,
    BusinessHoursTest,
    Schedule,
    Test,
    ValueTierTest,
    VariableTest,
    parse_range,
)


def is_open(schedule: Schedule, now: datetime) -> bool:
    """Whether ``now`` falls inside the schedule, read on the schedule's local wall clock.

    A holiday is a local calendar day: 2026-10-01 in Asia/Shanghai starts at 2026-09-30T16:00Z.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: the clock must return a timezone-aware time")
    local = now.astimezone(ZoneInfo(schedule.timezone))
    if local.date() in schedule.holidays:
        return False
    ranges = schedule.weekly.get(WEEKDAYS[local.weekday()], ())
    wall = local.time().replace(tzinfo=None)
    for text in ranges:
        start, end = parse_range(text)
        if start <= wall and (end is None or wall < end):
            return True
    return False


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def compare(test: VariableTest, variables: Mapping[str, str]) -> bool:
    value = variables.get(test.variable)
    if test.op == "set":
        return bool(value)
    if test.op == "unset":
        return not value
    current = value or ""
    expected = test.value
    if test.op in ("in", "not_in"):
        choices = expected if isinstance(expected, tuple) else (expected,)
        found = current in {str(c) for c in choices if c is not None}
        return found if test.op == "in" else not found
    wanted = "" if expected is None or isinstance(expected, tuple) else str(expected)
    if test.op == "eq":
        return current == wanted
    if test.op == "ne":
        return current != wanted
    if test.op == "matches":
        return re.fullmatch(wanted, current) is not None
    a, b = _number(current), _number(wanted)
    if a is None or b is None:
        return False  # an ordering needs two numbers; a missing value never passes
    if test.op == "lt":
        return a < b
    if test.op == "le":
        return a <= b
    if test.op == "gt":
        return a > b
    return a >= b


def holds(test: Test, variables: Mapping[str, str], now: datetime) -> bool:
    if isinstance(test, BusinessHoursTest):
        return is_open(test.business_hours, now)
    if isinstance(test, ValueTierTest):
        return variables.get("value_tier", "") in test.value_tier
    return compare(test, variables)
