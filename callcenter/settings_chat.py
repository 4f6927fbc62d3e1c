"""Web chat and conversations (``chat:`` in the settings file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ChatSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
