"""The session journal on SQLite and PostgreSQL: sessions written behind the memory store come back
in a new store, activity is written at most once a minute, sign-outs and revocations stick, and a
session of a user deleted meanwhile is skipped without losing the others."""

from __future__ import annotations

from sqlalchemy import select

from agent_desktop.auth.deps import CurrentUser
from agent_desktop.auth.session_journal import SessionJournal
from agent_desktop.auth.sessions import SessionStore
from crm_core.models_auth import User, WebSession
from crm_core.users import UserDraft, UserService
from tests.crm_conftest_helpers import Db, FakeClock


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _users(db: Db, *names: str) -> list[CurrentUser]:
    service = UserService(FakeClock())
    with db.sessions.begin() as session:
        views = [service.create(session, UserDraft(name, "x", "agent", name, name)) for name in names]
    return [CurrentUser(v.id, v.username, "agent", v.agent_id, "en", "UTC") for v in views]


def _rows(db: Db) -> dict[str, float]:
    with db.sessions() as session:
        return {w.digest: w.last_seen for w in session.scalars(select(WebSession))}


async def test_given_sessions_written_when_a_new_store_starts_then_they_are_back(db: Db) -> None:
    clock = Clock()
    ann, bob = _users(db, "ann", "bob")
    journal = SessionJournal(db.sessions, flush_s=60)
    store = SessionStore(clock, idle_s=600, absolute_s=3600, listener=journal.record)
    ann_token, bob_token = store.create(ann), store.create(bob)
    clock.now += 30
    store.get(ann_token)  # activity within the minute: not written
    await journal.flush()
    assert sorted(_rows(db).values()) == [1_000_000.0, 1_000_000.0]
    clock.now += 40
    store.get(ann_token)  # 70 s after the last write: written
    store.delete(bob_token)
    await journal.close()
    assert list(_rows(db).values()) == [1_000_070.0]

    restarted = SessionStore(clock, idle_s=600, absolute_s=3600)
    assert SessionJournal(db.sessions).restore(restarted) == 1
    assert restarted.get(ann_token) == ann
    assert restarted.get(bob_token) is None


async def test_given_a_revoked_user_and_a_deleted_one_then_neither_comes_back_and_others_are_kept(
    db: Db,
) -> None:
    clock = Clock()
    ann, bob, cat = _users(db, "ann", "bob", "cat")
    journal = SessionJournal(db.sessions, flush_s=60)
    store = SessionStore(clock, idle_s=600, absolute_s=3600, listener=journal.record)
    ann_token = store.create(ann)
    store.create(bob)
    with db.sessions.begin() as session:  # cat is deleted before her session is written
        session.delete(session.get(User, cat.id))
    store.create(cat)
    store.revoke_user(bob.id)
    await journal.close()
    restarted = SessionStore(clock, idle_s=600, absolute_s=3600)
    assert SessionJournal(db.sessions).restore(restarted) == 1
    assert restarted.get(ann_token) == ann
    assert len(_rows(db)) == 1


async def test_given_an_expired_session_when_restored_then_it_is_deleted(db: Db) -> None:
    clock = Clock()
    (ann,) = _users(db, "ann")
    journal = SessionJournal(db.sessions)
    store = SessionStore(clock, idle_s=600, absolute_s=3600, listener=journal.record)
    token = store.create(ann)
    await journal.close()
    clock.now += 601
    later = SessionStore(clock, idle_s=600, absolute_s=3600)
    assert SessionJournal(db.sessions).restore(later) == 0
    assert later.get(token) is None
    assert _rows(db) == {}
