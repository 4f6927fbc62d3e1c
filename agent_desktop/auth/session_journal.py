"""Sessions written to the database behind the in-memory store, so a restart signs nobody out.

The store tells every change (:class:`agent_desktop.auth.sessions.SessionChange`); they are written
by a task in a worker thread, every ``flush_s``: sign-ins, sign-outs and revocations at once,
activity at most once per ``seen_every_s`` per session (the idle timeout after a restart may count
from up to that much earlier). At start, :meth:`SessionJournal.restore` puts back the sessions that
have not expired, of users who are still active and with their current role and preferences; the
others are deleted. Only digests of the tokens are stored. On shutdown what is pending is written.
"""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from agent_desktop.auth.sessions import SessionChange, SessionStore
from agent_desktop.auth.users import CurrentUser, Role
from callcenter.write_behind import WriteBehind
from crm_core.models_auth import User, WebSession

log = logging.getLogger(__name__)
MAX_PENDING = 10_000


class SessionJournal:
    def __init__(self, db: sessionmaker[Session], flush_s: float = 0.2, seen_every_s: float = 60.0) -> None:
        self._db = db
        self._seen_every_s = seen_every_s
        self._pending: list[SessionChange] = []
        self._written_seen: dict[str, float] = {}
        self._writer = WriteBehind(self.flush, flush_s, "session-journal")

    # -- at start --------------------------------------------------------------------------
    def restore(self, store: SessionStore) -> int:
        """Put back the live sessions; delete the rest. Returns how many were put back."""
        kept, dropped = 0, []
        with self._db.begin() as session:
            rows = session.execute(select(WebSession, User).join(User, User.id == WebSession.user_id))
            for web, user in rows:
                role = cast(Role, user.role)
                current = CurrentUser(
                    user.id, user.username, role, user.agent_id, user.language, user.timezone
                )
                if user.active and store.restore(web.digest, current, web.created_at, web.last_seen):
                    self._written_seen[web.digest] = web.last_seen
                    kept += 1
                else:
                    dropped.append(web.digest)
            if dropped:
                session.execute(delete(WebSession).where(WebSession.digest.in_(dropped)))
        if kept or dropped:
            log.info("web sessions restored", extra={"kept": kept, "dropped": len(dropped)})
        return kept

    # -- changes ---------------------------------------------------------------------------
    def record(self, change: SessionChange) -> None:
        """The store's listener (called on the event loop)."""
        if change.kind == "seen":
            if change.last_seen - self._written_seen.get(change.digest, 0.0) < self._seen_every_s:
                return
            self._written_seen[change.digest] = change.last_seen
        elif change.kind == "created":
            self._written_seen[change.digest] = change.last_seen
        elif change.kind == "deleted":
            self._written_seen.pop(change.digest, None)
        self._pending.append(change)
        self._writer.wake()

    async def flush(self) -> None:
        changes, self._pending = self._pending, []
        if not changes:
            return
        try:
            await asyncio.to_thread(self._write, changes)
        except Exception:
            # Sessions still work in memory; only a restart before the next write would lose them.
            log.exception("could not write web sessions; retrying", extra={"changes": len(changes)})
            if len(changes) > MAX_PENDING:  # a long outage: activity is what can wait
                changes = [c for c in changes if c.kind != "seen"][-MAX_PENDING:]
            self._pending = changes + self._pending

    def _write(self, changes: list[SessionChange]) -> None:
        with self._db.begin() as session:
            for change in changes:
                if change.kind == "created":
                    try:
                        with session.begin_nested():
                            session.add(
                                WebSession(
                                    digest=change.digest,
                                    user_id=change.user_id,
                                    created_at=change.created_at,
                                    last_seen=change.last_seen,
                                )
                            )
                    except IntegrityError:  # the user was deleted meanwhile: nothing to keep
                        log.info("session of a deleted user not kept", extra={"user_id": change.user_id})
                elif change.kind == "seen":
                    session.execute(
                        update(WebSession)
                        .where(WebSession.digest == change.digest)
                        .values(last_seen=change.last_seen)
                    )
                elif change.kind == "deleted":
                    session.execute(delete(WebSession).where(WebSession.digest == change.digest))
                elif change.kind == "user_revoked":
                    session.execute(delete(WebSession).where(WebSession.user_id == change.user_id))

    async def close(self) -> None:
        """Stop the writer once the write under way is done, and write what is pending."""
        await self._writer.close()
