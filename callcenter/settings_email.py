"""The e-mail channel (``email:`` in the settings file); off by default."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
