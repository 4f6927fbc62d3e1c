"""What a waiting caller hears in a queue with ``callback_while_waiting``, in English and Chinese."""

from __future__ import annotations

import math

import pytest

from callcenter.calls.hold_options import (
    callback_booked_text,
    callback_unavailable_text,
    expected_minutes,
    options_text,
)


@pytest.mark.parametrize(
    ("wait_s", "minutes"),
    [(None, None), (0.0, None), (math.inf, None), (1.0, 1), (60.0, 1), (61.0, 2), (180.0, 3)],
)
def test_given_an_estimate_then_whole_minutes_rounded_up_or_none_without_one(
    wait_s: float | None, minutes: int | None
) -> None:
    assert expected_minutes(wait_s) == minutes


def test_given_no_estimate_then_only_the_option_is_announced() -> None:
    assert options_text("en", math.inf) == "To be called back and keep your place in the queue, press 1."


def test_given_an_estimate_then_the_expected_wait_comes_first() -> None:
    assert options_text("en", 150.0) == (
        "Your expected wait is about 3 minutes. To be called back and keep your place in the queue, press 1."
    )
    assert options_text("en", 30.0).startswith("Your expected wait is about one minute. ")


def test_given_a_chinese_caller_then_the_texts_are_chinese() -> None:
    assert options_text("zh", 180.0) == "您的预计等待时间约为3分钟。 如需我们回电并保留您的排队位置，请按1。"
    assert "4 1 5 5 5 5 0 1 0 0" in callback_booked_text("zh_CN", "4155550100")
    assert callback_unavailable_text("zh-CN").startswith("抱歉")


def test_given_a_number_then_the_confirmation_reads_it_digit_by_digit() -> None:
    assert callback_booked_text("en", "+1 415-555-0100") == (
        "Your callback is booked. We will call you back at 1 4 1 5 5 5 5 0 1 0 0, "
        "and you keep your place in the queue. Goodbye."
    )
