"""Checks a ``/ws`` message as a browser receives it against the protocol's schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agent_desktop.protocol.schema import MESSAGES


def _paths(value: object, prefix: str = "") -> set[str]:
    """Every key path of a JSON value (list items share their list's path)."""
    if isinstance(value, dict):
        own = {f"{prefix}.{k}" for k in value}
        return own | {p for k, v in value.items() for p in _paths(v, f"{prefix}.{k}")}
    if isinstance(value, list):
        return {p for v in value for p in _paths(v, prefix + "[]")}
    return set()


def conforms(model: type[BaseModel], wire: dict[str, Any]) -> bool:
    """Valid, and nothing in it the schema does not know (nested dataclasses would ignore extras)."""
    return _paths(model.model_validate(wire).model_dump(mode="json")) == _paths(wire)


def check_message(wire: dict[str, Any]) -> None:
    """Raises unless ``wire`` is a message of the protocol, valid against its schema."""
    entry = MESSAGES.get(wire.get("type", ""))
    assert entry is not None, f"not a message of the protocol: {wire.get('type')!r}"
    assert entry.direction == "to_browser", wire
    assert conforms(entry.message, wire), wire
