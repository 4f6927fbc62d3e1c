"""Who acts in a use case, and the audit entry written in the use case's own transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm_core.audit import AuditLog

Now = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in person a use case acts for."""

    username: str
    role: str
    agent_id: str | None = None
    user_id: int | None = None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("supervisor", "admin")


def record(
    session: Session, now: Now, actor: Actor, action: str, target: str, details: Mapping[str, str]
) -> None:
    AuditLog().record(session, now(), actor.username, actor.role, action, target, dict(details))


class NowClock:
    """A ``crm_core`` clock (``now()``) over a plain time function."""

    def __init__(self, now: Now) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()
