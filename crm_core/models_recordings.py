"""Call recordings: the tables (filled in with migration 0010)."""

from __future__ import annotations
