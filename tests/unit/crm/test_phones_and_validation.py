from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core import phones
from crm_core.errors import FieldTooLong, InvalidEmail, InvalidPhoneNumber, MissingField
from crm_core.validation import normalize_email


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+14155550100", "US", "+14155550100"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("415.555.0100", "US", "+14155550100"),
        ("1 415 555 0100", "US", "+14155550100"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("0044 20 7946 0958", "CN", "+442079460958"),
        ("13800138000", "CN", "+8613800138000"),
        ("+86 138 0013 8000", "US", "+8613800138000"),
        ("8613800138000", "US", "+8613800138000"),
        ("010 6552 9988", "CN", "+861065529988"),
    ],
)
def test_given_any_format_when_normalized_then_e164(raw: str, region: str, expected: str) -> None:
    assert phones.normalize(raw, region) == expected


@pytest.mark.parametrize("raw", ["anonymous", "12345", "+1 555", "", "   ", "x" * 80])
def test_given_garbage_caller_id_when_try_normalize_then_none(raw: str) -> None:
    assert phones.try_normalize(raw, "US") is None


def test_given_invalid_number_when_normalized_then_typed_error_with_code_and_params() -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        phones.normalize("12345", "US")
    assert caught.value.code == "crm.invalid_phone"
    assert caught.value.params == {"number": "12345", "region": "US"}
    assert "12345" in caught.value.message


def test_given_oversized_or_empty_number_when_normalized_then_specific_errors() -> None:
    with pytest.raises(FieldTooLong):
        phones.normalize("1" * 65, "US")
    with pytest.raises(MissingField):
        phones.normalize(" ", "US")


@given(st.text(max_size=80))
def test_given_any_text_when_try_normalize_then_never_raises(raw: str) -> None:
    result = phones.try_normalize(raw, "CN")
    assert result is None or result.startswith("+")


@pytest.mark.parametrize("raw", ["Wei.Zhang@Example.COM ", "a+b@sub.example.cn"])
def test_given_valid_email_when_normalized_then_lower_case(raw: str) -> None:
    assert normalize_email(raw) == raw.strip().lower()


@pytest.mark.parametrize(
    "raw", ["no-at-sign", "a@b", "a b@example.com", "a@@example.com", "x@-bad.com", "'; DROP--@x"]
)
def test_given_bad_email_when_normalized_then_invalid_email(raw: str) -> None:
    with pytest.raises(InvalidEmail) as caught:
        normalize_email(raw)
    assert caught.value.code == "crm.invalid_email"
