"""The writer task of a write-behind journal: flushes every ``every_s`` and, when closed, lets a
write in progress finish and writes what is left, so nothing recorded before the close is lost.

Cancelling such a task instead would abandon a write already running in a worker thread (a thread
cannot be cancelled): ``close`` would return before the row is written, and a restart right after
could miss it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class WriteBehind:
    def __init__(self, flush: Callable[[], Awaitable[None]], every_s: float, name: str) -> None:
        self._flush = flush
        self._every_s = every_s
        self._name = name
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was recorded: make sure the writer runs (started on first use)."""
        if self._task is None and not self._closing.is_set():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self._name)

    async def _run(self) -> None:
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self._every_s)
            await self._flush()

    async def close(self) -> None:
        """Wait for the write under way, then write what is still pending."""
        self._closing.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self._flush()
