"""Simulated time: every duration the simulator waits is multiplied by ``time_scale``.

A 1.4 s prompt with ``time_scale=0.01`` plays for 14 ms of wall time; positions reported on the
wire (``endpos``) stay in simulated samples so they look like the recording.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

SAMPLE_RATE = 8000


@dataclass(frozen=True, slots=True)
class Timing:
    """Converts simulated seconds to wall seconds and back."""

    time_scale: float = 1.0

    def wall(self, sim_seconds: float) -> float:
        return max(0.0, sim_seconds * self.time_scale)

    def now(self) -> float:
        """Simulated seconds on the running loop's monotonic clock."""
        return asyncio.get_running_loop().time() / self.time_scale if self.time_scale else 0.0

    async def sleep(self, sim_seconds: float) -> None:
        await asyncio.sleep(self.wall(sim_seconds))
