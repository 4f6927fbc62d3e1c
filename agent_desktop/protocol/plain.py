"""JSON-ready values from the cores' frozen dataclasses: dataclasses become objects of their fields,
enums their values, datetimes ISO 8601 strings, tuples lists.

No ``type`` is added: what a browser switches on is a wire name of :mod:`agent_desktop.protocol`,
never a Python class name (``TicketSummary.type`` is a ticket's own field and stays as it is).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime
from typing import Any


def plain(value: object) -> Any:
    """``CallHeld("1001", "u1", True, 5.0)`` →
    ``{"agent_id": "1001", "uniqueid": "u1", "held": True, "at": 5.0}``"""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def plain_object(value: object) -> dict[str, Any]:
    """:func:`plain` of a dataclass instance: a JSON object."""
    data = plain(value)
    if not isinstance(data, dict):
        raise TypeError(f"not a dataclass instance: {value!r}")
    return data
