"""Hands each AMI event to every subscriber, synchronously, on the read path."""

from __future__ import annotations

import logging
from collections.abc import Callable

from callcenter.asterisk.ami_system_events import AmiEvent

log = logging.getLogger(__name__)

EventHandler = Callable[[AmiEvent], None]


class EventFanout:
    """Subscribers are called in order; one that raises is logged and the others still run."""

    def __init__(self, peer: str) -> None:
        self._peer = peer
        self._handlers: list[EventHandler] = []

    def subscribe(self, handler: EventHandler) -> Callable[[], None]:
        self._handlers.append(handler)

        def unsubscribe() -> None:
            if handler in self._handlers:
                self._handlers.remove(handler)

        return unsubscribe

    def emit(self, event: AmiEvent) -> None:
        for handler in self._handlers:
            try:
                handler(event)
            except Exception:
                log.exception(
                    "AMI event handler %r failed on %s",
                    handler,
                    type(event).__name__,
                    extra={"ami_peer": self._peer},
                )
