"""Server-side sessions: an opaque random token in the cookie, everything else here.

A session ends after ``idle_s`` without a request or ``absolute_s`` after sign-in, whichever
comes first. Kept in process memory; every change is also told to ``listener`` (the
:mod:`agent_desktop.auth.session_journal` writes them to the database, so that a restart does not
sign everyone out). Several web processes behind a balancer would still need a shared store.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from agent_desktop.auth.users import CurrentUser, current_user_of
from crm_core.users import UserView

COOKIE_NAME = "cc_session"


@dataclass(frozen=True, slots=True)
class SessionChange:
    """``kind``: created | seen | deleted | user_revoked (``digest`` empty for the last)."""

    kind: str
    digest: str = ""
    user_id: int = 0
    created_at: float = 0.0
    last_seen: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionEntry:
    user: CurrentUser
    created_at: float
    last_seen: float


def _key(token: str) -> str:
    # Only a digest is kept, so a memory dump does not hand out live cookies.
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(
        self,
        clock: Callable[[], float],
        idle_s: float,
        absolute_s: float,
        listener: Callable[[SessionChange], None] = lambda _change: None,
    ) -> None:
        self._clock = clock
        self.idle_s = idle_s
        self.absolute_s = absolute_s
        self._entries: dict[str, SessionEntry] = {}
        self.listener = listener

    def create(self, user: CurrentUser) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        key = _key(token)
        self._entries[key] = SessionEntry(user, now, now)
        self.listener(SessionChange("created", key, user.id, now, now))
        return token

    def restore(self, digest: str, user: CurrentUser, created_at: float, last_seen: float) -> bool:
        """A session kept from before a restart (False, and nothing kept, when it has expired)."""
        if self._expired(SessionEntry(user, created_at, last_seen), self._clock()):
            return False
        self._entries[digest] = SessionEntry(user, created_at, last_seen)
        return True

    def _expired(self, entry: SessionEntry, now: float) -> bool:
        return now - entry.last_seen > self.idle_s or now - entry.created_at > self.absolute_s

    def get(self, token: str | None, touch: bool = True) -> CurrentUser | None:
        """The signed-in user, or None when the token is unknown or the session expired."""
        if not token:
            return None
        key = _key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if self._expired(entry, now):
            del self._entries[key]
            self.listener(SessionChange("deleted", key))
            return None
        if touch:
            self._entries[key] = replace(entry, last_seen=now)
            self.listener(SessionChange("seen", key, entry.user.id, entry.created_at, now))
        return entry.user

    def delete(self, token: str | None) -> None:
        if token and self._entries.pop(_key(token), None) is not None:
            self.listener(SessionChange("deleted", _key(token)))

    def update_user(self, user: CurrentUser) -> None:
        """Apply an admin's change (role, language, agent link) to the user's open sessions."""
        for key, entry in list(self._entries.items()):
            if entry.user.id == user.id:
                self._entries[key] = replace(entry, user=user)

    def revoke_user(self, user_id: int) -> None:
        for key, entry in list(self._entries.items()):
            if entry.user.id == user_id:
                del self._entries[key]
        self.listener(SessionChange("user_revoked", user_id=user_id))

    def has_agent(self, agent_id: str) -> bool:
        """Is someone signed in (a session not expired) as this agent?"""
        now = self._clock()
        return any(e.user.agent_id == agent_id and not self._expired(e, now) for e in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)


class AccountSessions:
    """:class:`callcenter.services.accounts.UserSessions` over the web app's session store."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store

    def open(self, user: UserView) -> str:
        return self._store.create(current_user_of(user))

    def revoke_user(self, user_id: int) -> None:
        self._store.revoke_user(user_id)

    def update_user(self, user: UserView) -> None:
        self._store.update_user(current_user_of(user))
