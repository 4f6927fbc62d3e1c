"""Simplified Chinese texts of the e-mail channel: intake, acknowledgements, replies, quarantine."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_EMAIL: Final[dict[str, str]] = {}
