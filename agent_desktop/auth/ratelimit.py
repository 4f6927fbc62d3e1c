"""Login rate limiting.

Two limits, both on failed attempts:

- per client address: ``per_ip`` failures in a sliding window block that address for anyone;
- per (username, address): ``per_user`` failures in the window lock that username *from that
  address* for the window, then twice as long on each further lock (capped at 24 hours).

Nobody can lock the real user out from their own good address by failing from another one, and
guessing one user's password from one address slows down exponentially. A successful sign-in
clears only its own (username, address) pair.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_LOCK_S = 24 * 3600.0


@dataclass
class _PairState:
    failures: deque[float] = field(default_factory=deque)
    locks: int = 0  # how many times this pair has been locked (the next lock lasts window·2^locks)
    locked_until: float = 0.0


class LoginRateLimiter:
    def __init__(
        self, clock: Callable[[], float], per_user: int = 5, per_ip: int = 20, window_s: float = 300.0
    ) -> None:
        self._clock = clock
        self.per_user = per_user
        self.per_ip = per_ip
        self.window_s = window_s
        self._by_ip: dict[str, deque[float]] = {}
        self._by_pair: dict[tuple[str, str], _PairState] = {}

    def _recent(self, times: deque[float]) -> deque[float]:
        cutoff = self._clock() - self.window_s
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def retry_after(self, username: str, ip: str) -> float:
        """Seconds until a new attempt is allowed (0 = allowed now)."""
        now = self._clock()
        waits = [0.0]
        by_ip = self._recent(self._by_ip.get(ip, deque()))
        if len(by_ip) >= self.per_ip:
            waits.append(by_ip[0] + self.window_s - now)
        pair = self._by_pair.get((username.lower(), ip))
        if pair is not None:
            waits.append(pair.locked_until - now)
        return max(waits)

    def failed(self, username: str, ip: str) -> None:
        now = self._clock()
        self._recent(self._by_ip.setdefault(ip, deque())).append(now)
        pair = self._by_pair.setdefault((username.lower(), ip), _PairState())
        failures = self._recent(pair.failures)
        failures.append(now)
        if len(failures) >= self.per_user:
            pair.locked_until = now + min(self.window_s * 2**pair.locks, MAX_LOCK_S)
            pair.locks += 1
            failures.clear()
        self._forget_idle(now)

    def succeeded(self, username: str, ip: str) -> None:
        self._by_pair.pop((username.lower(), ip), None)

    def _forget_idle(self, now: float) -> None:
        """Drops pairs with nothing left to remember, so a spray of usernames cannot grow memory
        forever (a pair keeps its lock count for a day after its last lock ends)."""
        if len(self._by_pair) < 10_000:
            return
        stale = [
            key
            for key, pair in self._by_pair.items()
            if not self._recent(pair.failures) and (pair.locks == 0 or now > pair.locked_until + MAX_LOCK_S)
        ]
        for key in stale:
            del self._by_pair[key]
        for ip in [ip for ip, times in self._by_ip.items() if not self._recent(times)]:
            del self._by_ip[ip]

    def remembered_pairs(self) -> int:
        return len(self._by_pair)
