"""English texts of the web chat: visitor widget and page, agent pane, supervisor view."""

from __future__ import annotations

from typing import Final

TEXTS_EN_CHATWEB: Final[dict[str, str]] = {}
