"""Accounts of the web app. Passwords arrive already hashed: hashing is the web app's concern."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_core.clock import Clock, utc_now
from crm_core.errors import InvalidValue, NotFound, ValidationError
from crm_core.models_auth import User

ROLES = ("agent", "supervisor", "admin")
LANGUAGES = ("en", "zh_CN")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_AGENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class AgentWithoutId(ValidationError):
    """An agent-role account without an agent id could sign in but never take a call."""

    code = "crm.user.agent_without_id"
    template = "user {username} has the agent role and needs an agent id"


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    role: str
    agent_id: str | None
    display_name: str
    language: str
    timezone: str
    active: bool


@dataclass(frozen=True, slots=True)
class UserDraft:
    username: str
    password_hash: str
    role: str
    agent_id: str | None = None
    display_name: str = ""
    language: str = "en"
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class UserPatch:
    """Fields left None stay as they are; ``clear_agent`` unlinks the agent id."""

    role: str | None = None
    agent_id: str | None = None
    clear_agent: bool = False
    display_name: str | None = None
    language: str | None = None
    timezone: str | None = None
    active: bool | None = None
    password_hash: str | None = None


def _view(row: User) -> UserView:
    return UserView(
        row.id, row.username, row.role, row.agent_id, row.display_name, row.language, row.timezone, row.active
    )


def _check(field: str, value: str, allowed: tuple[str, ...] | None, pattern: re.Pattern[str] | None) -> str:
    ok = value in allowed if allowed is not None else bool(pattern and pattern.match(value))
    if not ok:
        shown = ", ".join(allowed) if allowed is not None else pattern.pattern if pattern else ""
        raise InvalidValue(field=field, value=value, allowed=shown)
    return value


def _timezone(value: str) -> str:
    if value != "UTC" and value not in available_timezones():
        raise InvalidValue(field="timezone", value=value, allowed="an IANA time zone such as Asia/Shanghai")
    return value


class UserService:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def create(self, session: Session, draft: UserDraft) -> UserView:
        username = _check("username", draft.username, None, _USERNAME)
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise InvalidValue(field="username", value=username, allowed="a name not yet taken")
        if draft.role == "agent" and draft.agent_id is None:
            raise AgentWithoutId(username=username)
        now = utc_now(self._clock)
        row = User(
            username=username,
            password_hash=draft.password_hash,
            role=_check("role", draft.role, ROLES, None),
            agent_id=self._agent_id(session, draft.agent_id, None),
            display_name=draft.display_name,
            language=_check("language", draft.language, LANGUAGES, None),
            timezone=_timezone(draft.timezone),
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return _view(row)

    def _agent_id(self, session: Session, agent_id: str | None, user_id: int | None) -> str | None:
        if agent_id is None:
            return None
        _check("agent_id", agent_id, None, _AGENT_ID)
        owner = session.scalar(select(User.id).where(User.agent_id == agent_id))
        if owner is not None and owner != user_id:
            raise InvalidValue(field="agent_id", value=agent_id, allowed="an agent id no other user has")
        return agent_id

    def update(self, session: Session, user_id: int, patch: UserPatch) -> UserView:
        row = session.get(User, user_id)
        if row is None:
            raise NotFound(kind="user", key=user_id)
        if patch.role is not None:
            row.role = _check("role", patch.role, ROLES, None)
        if patch.clear_agent:
            row.agent_id = None
        elif patch.agent_id is not None:
            row.agent_id = self._agent_id(session, patch.agent_id, user_id)
        if patch.display_name is not None:
            row.display_name = patch.display_name
        if patch.language is not None:
            row.language = _check("language", patch.language, LANGUAGES, None)
        if patch.timezone is not None:
            row.timezone = _timezone(patch.timezone)
        if patch.active is not None:
            row.active = patch.active
        if patch.password_hash is not None:
            row.password_hash = patch.password_hash
        if row.role == "agent" and row.agent_id is None and (patch.role or patch.clear_agent):
            raise AgentWithoutId(username=row.username)
        row.updated_at = utc_now(self._clock)
        session.flush()
        return _view(row)

    def get(self, session: Session, user_id: int) -> UserView:
        row = session.get(User, user_id)
        if row is None:
            raise NotFound(kind="user", key=user_id)
        return _view(row)

    def by_username(self, session: Session, username: str) -> UserView:
        row = session.scalar(select(User).where(User.username == username))
        if row is None:
            raise NotFound(kind="user", key=username)
        return _view(row)

    def credentials(self, session: Session, username: str) -> tuple[UserView, str] | None:
        """The user and their password hash, for sign-in (None when unknown)."""
        row = session.scalar(select(User).where(User.username == username))
        return None if row is None else (_view(row), row.password_hash)

    def list(self, session: Session) -> list[UserView]:
        return [_view(r) for r in session.scalars(select(User).order_by(User.username))]

    def count(self, session: Session) -> int:
        return len(session.scalars(select(User.id)).all())
