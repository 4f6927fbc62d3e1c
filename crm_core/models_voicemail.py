"""Voicemail messages recorded by the engine: the tables (filled in with migration 0011)."""

from __future__ import annotations
