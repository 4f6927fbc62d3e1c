"""Sign-in (credentials, the sign-in limits, a new session), the user's own preferences, and the
admin's user management (each change with its audit entry in one transaction).

The web app's session store and limiter are ports here: the service decides, the adapter keeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from callcenter.services.audit import Actor, Now, NowClock, record
from callcenter.services.errors import BadCredentials, OwnAccount, SignInThrottled
from crm_core.passwords import hash_password, verify_password
from crm_core.users import UserDraft, UserPatch, UserService, UserView


class SignInLimits(Protocol):
    def retry_after(self, username: str, ip: str) -> float: ...

    def failed(self, username: str, ip: str) -> None: ...

    def succeeded(self, username: str, ip: str) -> None: ...


class UserSessions(Protocol):
    def open(self, user: UserView) -> str:
        """A new session for ``user``: its token."""
        ...

    def revoke_user(self, user_id: int) -> None: ...

    def update_user(self, user: UserView) -> None: ...


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserView
    token: str


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    password: str
    role: str
    agent_id: str | None = None
    display_name: str = ""
    language: str = "en"
    timezone: str = "UTC"


class Accounts:
    def __init__(
        self, db: sessionmaker[Session], now: Now, limits: SignInLimits, sessions: UserSessions
    ) -> None:
        self._db, self._now, self._limits, self._sessions = db, now, limits, sessions
        self._users = UserService(NowClock(now))

    async def sign_in(self, username: str, password: str, address: str) -> SignedIn:
        wait = self._limits.retry_after(username, address)
        if wait > 0:
            raise SignInThrottled(max(1, round(wait)))

        def lookup() -> tuple[UserView, str] | None:
            with self._db() as session:
                return self._users.credentials(session, username)

        found = await asyncio.to_thread(lookup)
        ok = await asyncio.to_thread(verify_password, found[1] if found else None, password)
        if not ok or found is None or not found[0].active:
            self._limits.failed(username, address)
            raise BadCredentials()
        self._limits.succeeded(username, address)
        return SignedIn(found[0], self._sessions.open(found[0]))

    async def update_preferences(self, user_id: int, language: str | None, timezone: str | None) -> UserView:
        def save() -> UserView:
            with self._db.begin() as session:
                return self._users.update(session, user_id, UserPatch(language=language, timezone=timezone))

        view = await asyncio.to_thread(save)
        self._sessions.update_user(view)
        return view

    async def list_users(self) -> list[UserView]:
        def read() -> list[UserView]:
            with self._db() as session:
                return self._users.list(session)

        return await asyncio.to_thread(read)

    async def create_user(self, actor: Actor, new: NewUser) -> UserView:
        hashed = await asyncio.to_thread(hash_password, new.password)
        draft = UserDraft(
            new.username, hashed, new.role, new.agent_id, new.display_name, new.language, new.timezone
        )

        def write() -> UserView:
            with self._db.begin() as session:
                view = self._users.create(session, draft)
                details = {"role": view.role, "agent_id": view.agent_id or ""}
                record(session, self._now, actor, "admin.user_create", f"user:{view.username}", details)
                return view

        return await asyncio.to_thread(write)

    async def change_user(
        self, actor: Actor, user_id: int, fields: Mapping[str, object], password: str | None
    ) -> UserView:
        """Change ``fields`` (those of :class:`UserPatch`) and the password; an admin cannot change
        their own role or deactivate themselves (the site would lose its admin)."""
        own = user_id == actor.user_id
        if own and (fields.get("role") not in (None, actor.role) or fields.get("active") is False):
            raise OwnAccount()
        hashed = await asyncio.to_thread(hash_password, password) if password else None
        patch = UserPatch(**fields, password_hash=hashed)  # type: ignore[arg-type]

        def write() -> UserView:
            with self._db.begin() as session:
                view = self._users.update(session, user_id, patch)
                details = {k: str(v) for k, v in fields.items()} | ({"password": "changed"} if hashed else {})
                record(session, self._now, actor, "admin.user_change", f"user:{view.username}", details)
                return view

        view = await asyncio.to_thread(write)
        if not view.active or hashed:
            self._sessions.revoke_user(view.id)
        else:
            self._sessions.update_user(view)
        return view
