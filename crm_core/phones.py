"""Phone numbers are stored and looked up in E.164, whatever format the caller ID or the import used."""

from __future__ import annotations

import re

import phonenumbers

from crm_core import limits
from crm_core.errors import FieldTooLong, InvalidPhoneNumber, MissingField

_DIGITS = re.compile(r"\d+")


def _candidates(raw: str) -> list[str]:
    text = raw.strip()
    out = [text]
    digits = "".join(_DIGITS.findall(text))
    # Trunks often deliver "00<cc>..." or a bare "<cc><number>" without the plus sign; the national
    # parse of those is wrong in many regions (e.g. "0044..." from a US trunk), so try them as
    # international numbers too.
    if not text.startswith("+") and digits.startswith("00"):
        out.append("+" + digits[2:])
    elif not text.startswith("+") and digits and not digits.startswith("0"):
        out.append("+" + digits)
    return out


def try_normalize(raw: str | None, region: str) -> str | None:
    """Return the E.164 form of ``raw`` or ``None`` (withheld, "anonymous", garbage)."""
    if raw is None or not raw.strip() or len(raw) > limits.PHONE_RAW:
        return None
    for candidate in _candidates(raw):
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalize(raw: str, region: str) -> str:
    """Return the E.164 form of ``raw`` or raise :class:`InvalidPhoneNumber`."""
    if not raw or not raw.strip():
        raise MissingField(field="phone")
    if len(raw) > limits.PHONE_RAW:
        raise FieldTooLong(field="phone", length=len(raw), max_length=limits.PHONE_RAW)
    e164 = try_normalize(raw, region)
    if e164 is None:
        raise InvalidPhoneNumber(number=raw, region=region)
    return e164
