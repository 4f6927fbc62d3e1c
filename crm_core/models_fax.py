"""Faxes in and out: the tables (filled in with migration 0012)."""

from __future__ import annotations
