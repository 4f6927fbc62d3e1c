"""What every message of ``/ws`` is: a pydantic model whose ``type`` literal is its wire name.

A wire name is a fixed string of protocol :data:`PROTOCOL_VERSION`, never derived from a Python class
name. The server builds plain dicts (no validation on the hot path); the tests validate what it sends
against the models, and ``GET /api/ws-protocol`` publishes their JSON Schema for the browser side.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

# Raised whenever a message changes incompatibly (a name or field renamed or removed, a meaning
# changed); adding an optional field is compatible.
PROTOCOL_VERSION: Final = 1


class WireMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str

    @classmethod
    def wire_name(cls) -> str:
        name = cls.model_fields["type"].default
        if not isinstance(name, str):
            raise TypeError(f"{cls.__name__} has no fixed wire name")
        return name


class Shape(BaseModel):
    """A part of a message (no wire name of its own)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
