"""Scheduled callbacks' pure rules: the due time people type, and errors people can read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.i18n import translate
from callcenter.i18n_errors import ERROR_CATALOGUES
from crm_core.callbacks import (
    CallbackClosed,
    CallbackInProgress,
    CallbackInThePast,
    CallbackTooFar,
    InvalidCallbackTime,
    parse_due_at,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-15T09:30:00+08:00", datetime(2030, 1, 15, 1, 30, tzinfo=UTC)),
        ("2030-01-15T09:30:00-05:00", datetime(2030, 1, 15, 14, 30, tzinfo=UTC)),
        (" 2030-07-01T00:05:00+00:00 ", datetime(2030, 7, 1, 0, 5, tzinfo=UTC)),
        ("2030-07-01T23:45:00+05:30", datetime(2030, 7, 1, 18, 15, tzinfo=UTC)),
    ],
)
def test_given_a_time_with_its_offset_when_parsed_then_the_same_instant_in_utc(
    text: str, expected: datetime
) -> None:
    parsed = parse_due_at(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "text", ["2030-01-15T09:30:00", "2030-01-15T09:30", "tomorrow", "", "2030-13-01T00:00Z"]
)
def test_given_a_time_without_offset_or_no_time_when_parsed_then_invalid_time(text: str) -> None:
    with pytest.raises(InvalidCallbackTime) as caught:
        parse_due_at(text)
    assert caught.value.code == "crm.callback.invalid_time"


def test_every_callback_error_reads_well_in_english_and_chinese() -> None:
    errors = [
        InvalidCallbackTime(value="tomorrow"),
        CallbackInThePast(at="2020-01-01T00:00:00+00:00"),
        CallbackTooFar(at="2099-01-01T00:00:00+00:00", days=1830),
        CallbackClosed(callback_id=7, status="done"),
        CallbackInProgress(callback_id=7),
    ]
    for error in errors:
        for language in ("en", "zh_CN"):
            assert error.code in ERROR_CATALOGUES[language], (error.code, language)
            text = translate(error.code, language, **{k: str(v) for k, v in error.params.items()})
            assert "{" not in text, text
