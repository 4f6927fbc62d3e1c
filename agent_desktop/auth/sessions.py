"""Server-side sessions: an opaque random token in the cookie, everything else here.

A session ends after ``idle_s`` without a request or ``absolute_s`` after sign-in, whichever
comes first. Kept in process memory: a restart signs everyone out (several web processes
behind a balancer would need a shared store; see the report in docs).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_desktop.auth.deps import CurrentUser

COOKIE_NAME = "cc_session"


@dataclass(frozen=True, slots=True)
class SessionEntry:
    user: CurrentUser
    created_at: float
    last_seen: float


def _key(token: str) -> str:
    # Only a digest is kept, so a memory dump does not hand out live cookies.
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, clock: Callable[[], float], idle_s: float, absolute_s: float) -> None:
        self._clock = clock
        self.idle_s = idle_s
        self.absolute_s = absolute_s
        self._entries: dict[str, SessionEntry] = {}

    def create(self, user: CurrentUser) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self._entries[_key(token)] = SessionEntry(user, now, now)
        return token

    def get(self, token: str | None, touch: bool = True) -> CurrentUser | None:
        """The signed-in user, or None when the token is unknown or the session expired."""
        if not token:
            return None
        key = _key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._clock()
        if now - entry.last_seen > self.idle_s or now - entry.created_at > self.absolute_s:
            del self._entries[key]
            return None
        if touch:
            self._entries[key] = replace(entry, last_seen=now)
        return entry.user

    def delete(self, token: str | None) -> None:
        if token:
            self._entries.pop(_key(token), None)

    def update_user(self, user: CurrentUser) -> None:
        """Apply an admin's change (role, language, agent link) to the user's open sessions."""
        for key, entry in list(self._entries.items()):
            if entry.user.id == user.id:
                self._entries[key] = replace(entry, user=user)

    def revoke_user(self, user_id: int) -> None:
        for key, entry in list(self._entries.items()):
            if entry.user.id == user_id:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
