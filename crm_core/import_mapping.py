"""Which file column feeds which customer field.

A field left at its default column ("phone", "email", "tier", ...) is imported when the file has that
column (any letter case) and skipped when it does not; a column named explicitly must be in the file.
The name column is always required.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from crm_core.errors import InvalidImportMapping


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """File column per customer field (``None``/empty: not imported)."""

    display_name: str = "name"
    native_name: str | None = "native_name"
    phones: tuple[str, ...] = ("phone",)
    emails: tuple[str, ...] = ("email",)
    preferred_language: str | None = "preferred_language"
    chat_login: str | None = "chat_login"
    owner: str | None = "owner"
    team: str | None = "team"
    tags: str | None = "tags"  # one column, values separated by ";" or ","
    alert_note: str | None = "alert_note"  # a special note that pops on screen
    kind: str | None = "kind"
    tier: str | None = "tier"  # vip, key, normal or small

    def columns(self) -> set[str]:
        return {c for f in fields(self) for c in _columns_of(getattr(self, f.name)) if c}

    def resolve(self, headers: Sequence[str]) -> tuple[ColumnMapping, tuple[str, ...]]:
        """This mapping fitted to a file's header, and the file's columns that nothing imports."""
        exact = set(headers)
        any_case = {h.strip().lower(): h for h in headers if h}
        changes: dict[str, object] = {}
        missing: list[str] = []
        for item in fields(self):
            value = getattr(self, item.name)
            optional = item.name != "display_name" and value == item.default
            found: list[str] = []
            for column in _columns_of(value):
                if column in exact or column.lower() in any_case:
                    found.append(column if column in exact else any_case[column.lower()])
                elif not optional:
                    missing.append(column)
            changes[item.name] = tuple(found) if isinstance(value, tuple) else (found[0] if found else None)
        if missing:
            raise InvalidImportMapping(reason=f"columns not in the file: {', '.join(sorted(missing))}")
        resolved = replace(self, **changes)  # type: ignore[arg-type]
        used = resolved.columns()
        return resolved, tuple(h for h in headers if h and h not in used)


def _columns_of(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(c for c in value if c)
    return (value,) if isinstance(value, str) and value else ()
