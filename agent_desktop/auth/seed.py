"""Demo accounts: three agents, a supervisor and an admin, created once in an empty database."""

from __future__ import annotations

import os
import secrets

from sqlalchemy.orm import Session, sessionmaker

from callcenter.clock import SystemClock
from callcenter.i18n import translate
from callcenter.settings import Settings
from crm_core.passwords import hash_password
from crm_core.users import UserDraft, UserService

DEMO_PASSWORD_ENV = "CC_DEMO_PASSWORD"  # noqa: S105 (the name of a variable)


def demo_accounts(settings: Settings) -> list[tuple[str, str, str | None, str]]:
    """(username, role, agent id, display name) of the demo users."""
    agents = [(f"agent{a.agent_id}", "agent", a.agent_id, a.name) for a in settings.agents[:3]]
    return [*agents, ("supervisor", "supervisor", None, "Supervisor"), ("admin", "admin", None, "Admin")]


def seed_demo_users(db: sessionmaker[Session], settings: Settings, password: str | None = None) -> str | None:
    """Create the demo users if there are no users yet; return the password used (None if skipped).

    The password is ``CC_DEMO_PASSWORD`` when set, else a fresh random one; the caller prints it
    once on the console and it is never logged.
    """
    users = UserService(SystemClock())
    with db.begin() as session:
        if users.count(session):
            return None
        password = password or os.environ.get(DEMO_PASSWORD_ENV) or secrets.token_urlsafe(9)
        hashed = hash_password(password)  # one hash for all demo users: argon2 is slow on purpose
        for username, role, agent_id, name in demo_accounts(settings):
            # Li Na (1001) works in Chinese from Shanghai: the demo shows both languages and zones.
            language, zone = ("zh_CN", "Asia/Shanghai") if agent_id == "1001" else ("en", "UTC")
            users.create(session, UserDraft(username, hashed, role, agent_id, name, language, zone))
    return password


def first_user_hint(db: sessionmaker[Session], language: str = "en") -> str | None:
    """What to run to create the first user, while there is none (``serve`` creates no user)."""
    with db() as session:
        if UserService(SystemClock()).count(session):
            return None
    return translate("cli.users.first_user_hint", language)
