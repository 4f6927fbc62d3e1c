"""The wall clock the cores take as a port (``now() -> float``, epoch seconds)."""

from __future__ import annotations

import time


class SystemClock:
    def now(self) -> float:
        return time.time()
