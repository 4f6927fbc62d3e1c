"""Business hours: weekly schedule on the local wall clock, holidays as local days, time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr_flows.conditions import is_open
from ivr_flows.interpreter import run_flow
from ivr_flows.outcome import CallContext, Queue, Voicemail
from ivr_flows.schema import Schedule
from tests.unit.ivr.fakes import FakeChannel, make_flow, make_ports

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = Schedule.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "weekly": {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
        | {"sat": ["10:00-16:00"]},
        "holidays": ["2026-10-01..2026-10-07", "2026-01-01"],
    }
)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 23, 9, 0), True),  # Monday opening minute
        (datetime(2026, 11, 23, 8, 59), False),
        (datetime(2026, 11, 23, 17, 59), True),
        (datetime(2026, 11, 23, 18, 0), False),  # the end is exclusive
        (datetime(2026, 11, 28, 10, 30), True),  # Saturday
        (datetime(2026, 11, 28, 16, 0), False),
        (datetime(2026, 11, 29, 12, 0), False),  # Sunday: no hours
        (datetime(2026, 10, 5, 12, 0), False),  # National Day week (range)
        (datetime(2026, 10, 8, 12, 0), True),
        (datetime(2026, 1, 1, 12, 0), False),  # single holiday
    ],
)
def test_weekly_schedule_and_holidays_in_local_time(local: datetime, expected: bool) -> None:
    assert is_open(OFFICE, local.replace(tzinfo=SHANGHAI)) is expected


def test_the_clock_time_zone_does_not_matter_only_the_instant() -> None:
    # 01:30 UTC on Monday is 09:30 in Shanghai: open; the same instant in New York is Sunday evening.
    instant = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert is_open(OFFICE, instant)
    assert is_open(OFFICE, instant.astimezone(ZoneInfo("America/New_York")))


def test_holiday_is_a_local_day_even_when_utc_is_still_the_day_before() -> None:
    # 2026-10-01 10:00 Shanghai = 2026-10-01 02:00 UTC; 2026-09-30 17:00 UTC = 2026-10-01 01:00 Shanghai
    assert not is_open(OFFICE, datetime(2026, 10, 1, 2, 0, tzinfo=UTC))
    assert is_open(OFFICE, datetime(2026, 9, 30, 2, 0, tzinfo=UTC))  # Wed 30 Sep 10:00 local


def test_24_00_means_end_of_day_and_naive_times_are_refused() -> None:
    always = Schedule.model_validate({"timezone": "Europe/Berlin", "weekly": {"sun": ["00:00-24:00"]}})
    assert is_open(always, datetime(2026, 11, 29, 23, 59, tzinfo=ZoneInfo("Europe/Berlin")))
    with pytest.raises(ValueError, match="naive datetime"):
        is_open(always, datetime(2026, 11, 29, 12, 0))


def test_dst_change_uses_the_local_offset_of_that_day() -> None:
    ny = Schedule.model_validate({"timezone": "America/New_York", "weekly": {"mon": ["09:00-17:00"]}})
    # 2026-03-09 (after the DST switch) 09:30 EDT = 13:30 UTC; 14:30 UTC would be 09:30 EST.
    assert is_open(ny, datetime(2026, 3, 9, 13, 30, tzinfo=UTC))
    assert not is_open(ny, datetime(2026, 3, 9, 12, 30, tzinfo=UTC))


async def test_condition_node_uses_the_ports_clock() -> None:
    hours = {"business_hours": OFFICE.model_dump(mode="json")}
    flow = make_flow(
        {
            "a": {"type": "condition", "branches": [{"when": hours, "then": "open"}], "else": "closed"},
            "open": {"type": "queue", "queue": "sales"},
            "closed": {"type": "voicemail", "mailbox": "general"},
        }
    )
    ctx = CallContext("1")
    open_at = make_ports(clock_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Mon 10:00 Shanghai
    closed_at = make_ports(clock_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # Mon 20:00 Shanghai
    assert (await run_flow({"t": flow}, "t", ctx, FakeChannel(), open_at)).action == Queue("sales")
    assert (await run_flow({"t": flow}, "t", ctx, FakeChannel(), closed_at)).action == Voicemail("general")
