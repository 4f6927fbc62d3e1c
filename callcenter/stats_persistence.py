"""The day's live statistics in Redis, so that a restart does not zero them (with ``acd.store:
redis``; with the memory store statistics count from the start of the process).

The router's :class:`~acd.stats.StatsBook` is written, as a versioned dict (``acd.stats_codec``),
under ``<prefix>:stats:<YYYY-MM-DD>`` (the day in UTC: the settings name no site time zone) by a
write-behind task at most every ``every_s`` after a change, and once more when the engine stops.
At start the book of the day is read back; with none, the previous day's gives what is still in
flight (waiting items, agents' states) with every count at zero, as does a day that changes
while the engine runs (noticed at the first write after midnight). Keys expire after a few days.

Several engines on one prefix each count their own router's events and write the same key: their
figures are not added up (the last write wins).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from acd.context import Listener
from acd.events import AcdEvent
from acd.router import Router
from acd.stats_codec import book_from, book_to, next_day
from callcenter.write_behind import WriteBehind

log = logging.getLogger(__name__)
KEEP_SECONDS = 3 * 86_400


class StatsPersistence:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        every_s: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._r = redis
        self._prefix = prefix
        self._clock = clock
        self._router: Router | None = None
        self._day: dt.date | None = None
        self._dirty = False
        self._writer = WriteBehind(self.flush, every_s, "acd-stats-writer")

    def key(self, day: dt.date) -> str:
        return f"{self._prefix}:stats:{day.isoformat()}"

    def day_at(self, t: float) -> dt.date:
        return dt.datetime.fromtimestamp(t, dt.UTC).date()

    def listening(self, listener: Listener) -> Listener:
        """``listener``, then a write of the statistics the event changed (soon, not at once)."""

        def on_event(event: AcdEvent) -> None:
            listener(event)
            self._dirty = True
            self._writer.wake()

        return on_event

    async def attach(self, router: Router) -> str:
        """Give ``router`` the day's statistics from Redis, and write its own from now on.
        Returns what was found: ``"today"``, ``"previous day"`` or ``"nothing"``."""
        self._router = router
        now = self._clock()
        self._day = today = self.day_at(now)
        raw = await self._r.get(self.key(today))
        found = "today"
        if raw is None:
            raw = await self._r.get(self.key(today - dt.timedelta(days=1)))
            found = "previous day" if raw is not None else "nothing"
        if raw is not None:
            data = json.loads(raw)
            try:
                router.stats = book_from(data if found == "today" else next_day(data, now))
            except (ValueError, KeyError, TypeError) as exc:  # another build's layout: start afresh
                log.warning("live statistics not restored", extra={"error": str(exc)})
                found = "nothing"
        log.info("live statistics", extra={"day": today.isoformat(), "restored": found})
        return found

    async def flush(self) -> None:
        router = self._router
        if router is None or not self._dirty:
            return
        self._dirty = False
        now = self._clock()
        day = self.day_at(now)
        if self._day is not None and day != self._day:
            router.stats = book_from(next_day(book_to(router.stats), now))
        self._day = day
        data = json.dumps(book_to(router.stats), separators=(",", ":"))
        try:
            await self._r.set(self.key(day), data, ex=KEEP_SECONDS)
        except (RedisError, OSError):
            log.exception("could not write the live statistics; retrying")
            self._dirty = True

    async def close(self) -> None:
        """Stop the writer once the write under way is done, and write what is pending."""
        await self._writer.close()
