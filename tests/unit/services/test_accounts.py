"""Accounts: sign-in (limited wrong passwords, a session on success) and user management."""

from __future__ import annotations

import pytest

from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.sessions import AccountSessions, SessionStore
from callcenter.services.accounts import Accounts, NewUser
from callcenter.services.audit import Actor
from callcenter.services.errors import BadCredentials, OwnAccount, SignInThrottled
from crm_core.users import UserView
from tests.crm_conftest_helpers import Db, FakeClock

IP = "192.0.2.7"
PASSWORD = "correct horse"
ADMIN = Actor("root", "admin", user_id=999)  # not one of the users the tests create


class Site:
    def __init__(self, db: Db) -> None:
        self.clock = FakeClock()
        self.limiter = LoginRateLimiter(self.clock.now, per_user=2, per_ip=20, window_s=300.0)
        self.sessions = SessionStore(self.clock.now, idle_s=900.0, absolute_s=36_000.0)
        self.accounts = Accounts(db.sessions, self.clock.now, self.limiter, AccountSessions(self.sessions))

    async def user(self, username: str = "ann", password: str = PASSWORD) -> UserView:
        return await self.accounts.create_user(ADMIN, NewUser(username, password, "agent", agent_id="1001"))


@pytest.fixture
def site(db: Db) -> Site:
    return Site(db)


async def test_given_the_right_password_when_signing_in_then_a_session_for_the_user_is_opened(
    site: Site,
) -> None:
    await site.user()

    signed_in = await site.accounts.sign_in("ann", PASSWORD, IP)

    session_user = site.sessions.get(signed_in.token)
    assert session_user is not None
    assert (session_user.username, session_user.agent_id) == ("ann", "1001")


async def test_given_wrong_passwords_when_the_limit_is_reached_then_even_the_right_one_waits(
    site: Site,
) -> None:
    await site.user()
    for _ in range(2):
        with pytest.raises(BadCredentials):
            await site.accounts.sign_in("ann", "wrong", IP)

    with pytest.raises(SignInThrottled) as throttled:
        await site.accounts.sign_in("ann", PASSWORD, IP)

    assert throttled.value.seconds == 300
    assert len(site.sessions) == 0


async def test_given_a_wrong_password_then_a_right_one_when_signing_in_then_the_failure_is_forgotten(
    site: Site,
) -> None:
    await site.user()
    with pytest.raises(BadCredentials):
        await site.accounts.sign_in("ann", "wrong", IP)
    await site.accounts.sign_in("ann", PASSWORD, IP)

    with pytest.raises(BadCredentials):  # one failure again, not two: no lock yet
        await site.accounts.sign_in("ann", "wrong", IP)

    assert site.limiter.retry_after("ann", IP) == 0


async def test_given_a_deactivated_user_when_signing_in_with_the_right_password_then_refused(
    site: Site,
) -> None:
    ann = await site.user()
    await site.accounts.change_user(ADMIN, ann.id, {"active": False}, None)

    with pytest.raises(BadCredentials):
        await site.accounts.sign_in("ann", PASSWORD, IP)
    with pytest.raises(BadCredentials):  # counted like a wrong password
        await site.accounts.sign_in("ann", PASSWORD, IP)

    assert site.limiter.retry_after("ann", IP) > 0
    assert len(site.sessions) == 0


async def test_given_a_signed_in_user_when_deactivated_then_their_session_ends(site: Site) -> None:
    ann = await site.user()
    token = (await site.accounts.sign_in("ann", PASSWORD, IP)).token

    await site.accounts.change_user(ADMIN, ann.id, {"active": False}, None)

    assert site.sessions.get(token) is None


async def test_given_an_admin_when_deactivating_themselves_then_refused(site: Site) -> None:
    me = await site.accounts.create_user(ADMIN, NewUser("boss", "long enough pw", "admin"))
    myself = Actor("boss", "admin", user_id=me.id)

    with pytest.raises(OwnAccount):
        await site.accounts.change_user(myself, me.id, {"active": False}, None)

    [still] = [u for u in await site.accounts.list_users() if u.id == me.id]
    assert still.active
