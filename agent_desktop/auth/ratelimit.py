"""Login rate limiting: failed attempts per username and per client IP in a sliding window."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class LoginRateLimiter:
    def __init__(
        self, clock: Callable[[], float], per_user: int = 5, per_ip: int = 20, window_s: float = 300.0
    ) -> None:
        self._clock = clock
        self.per_user = per_user
        self.per_ip = per_ip
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        cutoff = self._clock() - self.window_s
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def retry_after(self, username: str, ip: str) -> float:
        """Seconds until a new attempt is allowed (0 = allowed now)."""
        waits = []
        for key, limit in ((f"u:{username.lower()}", self.per_user), (f"ip:{ip}", self.per_ip)):
            times = self._recent(key)
            if len(times) >= limit:
                waits.append(times[0] + self.window_s - self._clock())
        return max(waits, default=0.0)

    def failed(self, username: str, ip: str) -> None:
        now = self._clock()
        self._recent(f"u:{username.lower()}").append(now)
        self._recent(f"ip:{ip}").append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"u:{username.lower()}", None)
