"""Helpers of the engine-level conversation tests: an engine nobody is signed in to, visitors, and
waiting for offers on the bus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from callcenter.app import Engine
from callcenter.bus import Subscription
from callcenter.conversations.api import ChatRequest
from callcenter.conversations.events import ConversationOffered
from tests.integration.engine.conftest import engine_settings
from tests.waiting import wait_until


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    """The engine on the simulator with nobody signed in."""
    running = Engine(engine_settings(tmp_path), simulator_mode=True)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def visitor(
    name: str = "Ann Lee", topic: str = "support", address: str = "203.0.113.7", **more: Any
) -> ChatRequest:
    return ChatRequest(name=name, topic=topic, language="en", address=address, **more)


class Offers:
    """The conversation offers seen on the bus, in order."""

    def __init__(self, events: Subscription) -> None:
        self._events = events
        self.seen: list[ConversationOffered] = []
        self.others: list[object] = []

    def _read(self) -> None:
        for event in self._events.drain():
            if isinstance(event, ConversationOffered):
                self.seen.append(event)
            else:
                self.others.append(event)

    async def next_for(self, conversation_id: str, timeout: float = 5.0) -> ConversationOffered:  # noqa: ASYNC109
        def seen() -> bool:
            self._read()
            return any(o.conversation_id == conversation_id for o in self.seen)

        await wait_until(seen, timeout=timeout, what=f"an offer of {conversation_id}")
        offer = next(o for o in self.seen if o.conversation_id == conversation_id)
        self.seen.remove(offer)
        return offer

    def take(self) -> list[ConversationOffered]:
        """The offers seen and not yet taken, in order (taken now)."""
        self._read()
        taken, self.seen = self.seen, []
        return taken

    def of(self, conversation_id: str) -> list[ConversationOffered]:
        self._read()
        return [o for o in self.seen if o.conversation_id == conversation_id]
