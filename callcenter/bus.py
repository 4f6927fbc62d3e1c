"""In-process event bus: past-tense facts from the engine to the web app (screen pops, wallboard).

``publish`` never blocks (it is called from the AMI read path and router listeners). Each
subscriber has a bounded queue; a subscriber that falls behind loses its backlog and gets
an :class:`Overflowed` marker instead, so it can resync from a snapshot (a slow browser must
never slow the engine down). A listener is called inside ``publish`` instead: for fan-out that only
queues work elsewhere (the web hub), it saves the trip through the event loop a subscription costs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Overflowed:
    """Events were dropped for this subscriber: fetch a fresh snapshot."""

    dropped: int


class Subscription:
    def __init__(self, bus: EventBus, maxsize: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize)
        self._dropped = 0

    def _offer(self, event: object) -> None:
        if self._dropped:
            self._dropped += 1
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            # Drop the backlog: the consumer resyncs from a snapshot when it sees Overflowed.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._dropped = 1

    async def get(self) -> object:
        if self._dropped and self._queue.empty():
            dropped, self._dropped = self._dropped, 0
            return Overflowed(dropped)
        return await self._queue.get()

    def drain(self) -> list[object]:
        """Everything queued right now, without waiting."""
        items: list[object] = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    def __aiter__(self) -> AsyncIterator[object]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[object]:
        while True:
            yield await self.get()

    def close(self) -> None:
        self._bus._subscriptions.discard(self)


class EventBus:
    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._listeners: list[Callable[[object], None]] = []

    def subscribe(self, maxsize: int = 1000) -> Subscription:
        subscription = Subscription(self, maxsize)
        self._subscriptions.add(subscription)
        return subscription

    def listen(self, listener: Callable[[object], None]) -> Callable[[], None]:
        """Call ``listener`` with every event as it is published; it must be quick and not block.
        Returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, event: object) -> None:
        for subscription in tuple(self._subscriptions):
            subscription._offer(event)
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:  # a listener's bug must not break the engine path that published
                log.exception("event listener failed", extra={"event": type(event).__name__})

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)
