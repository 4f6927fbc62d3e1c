"""Simplified Chinese texts of statistics and wallboard per channel."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_CHSTATS: Final[dict[str, str]] = {}
