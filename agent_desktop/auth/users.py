"""The signed-in user as the web app keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from crm_core.users import UserView

Role = Literal["agent", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("agent", "supervisor", "admin")


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: int
    username: str
    role: Role
    agent_id: str | None
    language: str
    timezone: str


def current_user_of(view: UserView) -> CurrentUser:
    return CurrentUser(
        view.id, view.username, cast(Role, view.role), view.agent_id, view.language, view.timezone
    )


def me_json(user: CurrentUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "agent_id": user.agent_id,
        "language": user.language,
        "timezone": user.timezone,
    }
