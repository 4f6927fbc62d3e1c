"""Small validators that raise crm_core errors with a stable code."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crm_core import limits
from crm_core.errors import FieldTooLong, InvalidEmail, InvalidValue, MissingField

# Pragmatic address check: one "@", no spaces, a dotted domain of letters/digits/hyphens.
_EMAIL = re.compile(r"^[^@\s\"<>(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def check_length(field: str, value: str | None, max_length: int) -> str | None:
    if value is not None and len(value) > max_length:
        raise FieldTooLong(field=field, length=len(value), max_length=max_length)
    return value


def required(field: str, value: str | None, max_length: int) -> str:
    if value is None or not value.strip():
        raise MissingField(field=field)
    checked = check_length(field, value.strip(), max_length)
    assert checked is not None
    return checked


def optional(field: str, value: str | None, max_length: int) -> str | None:
    if value is None or not value.strip():
        return None
    return check_length(field, value.strip(), max_length)


def one_of(field: str, value: str, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if value not in options:
        raise InvalidValue(field=field, value=value, allowed=", ".join(options))
    return value


def normalize_email(raw: str) -> str:
    """Lower-case and check an e-mail address; raise :class:`InvalidEmail` when it cannot be one."""
    value = raw.strip()
    if not value:
        raise MissingField(field="email")
    if len(value) > limits.EMAIL:
        raise FieldTooLong(field="email", length=len(value), max_length=limits.EMAIL)
    if not _EMAIL.match(value):
        raise InvalidEmail(email=raw)
    return value.lower()
