"""Sessions expire (idle and absolute); sign-in failures are limited per username and per address."""

from __future__ import annotations

from agent_desktop.auth.deps import CurrentUser, origin_allowed
from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.sessions import SessionStore
from callcenter.i18n import catalogue, missing_translations


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


USER = CurrentUser(1, "agent1001", "agent", "1001", "zh_CN", "Asia/Shanghai")


def test_given_a_session_when_idle_longer_than_the_idle_timeout_then_it_is_gone() -> None:
    clock = FakeClock()
    store = SessionStore(clock, idle_s=60, absolute_s=600)
    token = store.create(USER)
    clock.now += 59
    assert store.get(token) == USER
    clock.now += 59  # touched above: still within the idle window
    assert store.get(token) == USER
    clock.now += 61
    assert store.get(token) is None
    assert len(store) == 0


def test_given_an_active_session_when_past_the_absolute_timeout_then_it_is_gone() -> None:
    clock = FakeClock()
    store = SessionStore(clock, idle_s=60, absolute_s=100)
    token = store.create(USER)
    for _ in range(3):
        clock.now += 30
        assert store.get(token) == USER
    clock.now += 11
    assert store.get(token) is None


def test_given_sessions_when_a_user_is_revoked_or_changed_then_only_theirs_change() -> None:
    store = SessionStore(FakeClock(), idle_s=60, absolute_s=600)
    other = CurrentUser(2, "supervisor", "supervisor", None, "en", "UTC")
    mine, theirs = store.create(USER), store.create(other)
    store.update_user(CurrentUser(1, "agent1001", "agent", "1001", "en", "UTC"))
    assert store.get(mine) is not None
    assert store.get(mine).language == "en"  # type: ignore[union-attr]
    store.revoke_user(1)
    assert store.get(mine) is None
    assert store.get(theirs) == other
    assert store.get("forged") is None
    assert store.get(None) is None


def test_given_failures_from_one_address_when_over_the_limit_then_only_that_pair_waits() -> None:
    clock = FakeClock()
    limiter = LoginRateLimiter(clock, per_user=3, per_ip=5, window_s=60)
    for _ in range(3):
        assert limiter.retry_after("Admin", "10.0.0.1") == 0
        limiter.failed("admin", "10.0.0.1")
    assert limiter.retry_after("ADMIN", "10.0.0.1") == 60
    assert limiter.retry_after("admin", "10.0.0.2") == 0  # the real user's own address is not locked
    assert limiter.retry_after("other", "10.0.0.1") == 0
    limiter.failed("x", "10.0.0.1")
    limiter.failed("y", "10.0.0.1")
    assert limiter.retry_after("other", "10.0.0.1") == 60  # the address is limited for anyone
    clock.now += 61
    assert limiter.retry_after("admin", "10.0.0.1") == 0


def test_given_a_pair_locked_again_and_again_then_each_lock_doubles_up_to_a_day() -> None:
    clock = FakeClock()
    limiter = LoginRateLimiter(clock, per_user=2, per_ip=1000, window_s=60)
    waits = []
    for _ in range(13):
        limiter.failed("admin", "10.0.0.1")
        limiter.failed("admin", "10.0.0.1")
        waits.append(limiter.retry_after("admin", "10.0.0.1"))
        clock.now += waits[-1]
    assert waits[:5] == [60, 120, 240, 480, 960]
    assert waits[-1] == 24 * 3600


def test_given_a_locked_pair_when_the_user_signs_in_from_another_address_then_only_that_pair_clears() -> None:
    clock = FakeClock()
    limiter = LoginRateLimiter(clock, per_user=2, per_ip=1000, window_s=60)
    for ip in ("10.0.0.1", "10.0.0.2"):
        limiter.failed("admin", ip)
        limiter.failed("admin", ip)
    limiter.succeeded("admin", "10.0.0.2")
    assert limiter.retry_after("admin", "10.0.0.2") == 0
    assert limiter.retry_after("admin", "10.0.0.1") == 60


def test_given_a_spray_of_usernames_when_remembered_then_idle_pairs_are_forgotten() -> None:
    clock = FakeClock()
    limiter = LoginRateLimiter(clock, per_user=5, per_ip=10**9, window_s=60)
    for i in range(10_000):
        limiter.failed(f"user{i}", "10.0.0.1")
    clock.now += 61
    limiter.failed("last", "10.0.0.1")
    assert limiter.remembered_pairs() == 1


def test_given_origins_when_checked_then_only_the_same_host_or_an_allowed_one_passes() -> None:
    assert origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", frozenset())
    assert not origin_allowed("http://evil.example", "127.0.0.1:8080", frozenset())
    assert not origin_allowed(None, "127.0.0.1:8080", frozenset())
    assert origin_allowed("https://desk.example", "10.0.0.5:8080", frozenset({"https://desk.example"}))


def test_given_the_ui_catalogue_when_read_in_chinese_then_every_text_is_translated() -> None:
    assert missing_translations() == {}
    english, chinese = catalogue("en", "ui."), catalogue("zh_CN", "ui.")
    assert english.keys() == chinese.keys()
    assert chinese["ui.whisper"] == "密语"
