"""Named validators for ``collect`` nodes (``validator: order_number``).

The engine may add its own through ``RunPorts.validators``; these are the built-in ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from ivr_flows.ports import DigitValidator


def luhn_ok(digits: str) -> bool:
    """The Luhn mod-10 check: catches one wrong digit and most swapped neighbours."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def customer_number(digits: str) -> bool:
    """Customer numbers are 6 to 10 digits and never start with 0."""
    return digits.isdigit() and 6 <= len(digits) <= 10 and not digits.startswith("0")


def order_number(digits: str) -> bool:
    """Order numbers are 8 digits, the last one a Luhn check digit (a mistyped digit is refused)."""
    return len(digits) == 8 and luhn_ok(digits)


BUILTIN_VALIDATORS: Mapping[str, DigitValidator] = {
    "customer_number": customer_number,
    "order_number": order_number,
}
