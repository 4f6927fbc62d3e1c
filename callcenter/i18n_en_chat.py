"""English texts of the chat and conversation core (work items, waiting, transcripts)."""

from __future__ import annotations

from typing import Final

TEXTS_EN_CHAT: Final[dict[str, str]] = {}
