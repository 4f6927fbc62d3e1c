"""The audit trail: append-only entries saying who did what to whom, when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core import limits
from crm_core.errors import FieldTooLong
from crm_core.models_auth import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    target: str
    details: dict[str, str]


def _short(field: str, value: str) -> str:
    if len(value) > limits.SHORT:
        raise FieldTooLong(field=field, length=len(value), max_length=limits.SHORT)
    return value


class AuditLog:
    def record(
        self,
        session: Session,
        at: float,
        actor: str,
        actor_role: str,
        action: str,
        target: str,
        details: dict[str, str],
    ) -> int:
        row = AuditEntry(
            at=datetime.fromtimestamp(at, tz=UTC),
            actor=_short("actor", actor),
            actor_role=actor_role,
            action=_short("action", action),
            target=_short("target", target),
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
        )
        session.add(row)
        session.flush()
        return row.id

    def recent(self, session: Session, limit: int = 100, action_prefix: str | None = None) -> list[AuditView]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000)))
        if action_prefix:
            query = query.where(AuditEntry.action.startswith(action_prefix))
        return [
            AuditView(r.id, r.at, r.actor, r.actor_role, r.action, r.target, json.loads(r.details))
            for r in session.scalars(query)
        ]
