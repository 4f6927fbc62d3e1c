"""The reconnect schedule of the AMI client (pure: randomness comes in as ``random.Random``)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnect delays: ``initial * factor**n`` capped at ``maximum``, ± ``jitter`` (a fraction)."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.1

    def delay(self, failures: int, rng: random.Random) -> float:
        base = min(self.maximum, self.initial * self.factor ** min(failures, 64))
        return max(0.0, base * (1.0 + self.jitter * (2.0 * rng.random() - 1.0)))
