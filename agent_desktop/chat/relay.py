"""From the engine's bus to the visitors' sockets, and the chat offers each agent has open.

One bus listener (called inside ``publish``, so it only queues): a conversation's messages, typing and
status reach the sockets of that conversation's visitor, found by conversation id. A socket that falls
behind loses its backlog and gets :data:`CATCH_UP` instead: it reads what it missed from storage by
``seq``, so nothing is lost and nothing repeated.

The agents' ``/ws`` gets the same events through the hub's table
(:mod:`agent_desktop.protocol.routing`); what the relay adds for agents is memory: the chat offers
not yet answered, so a reloaded desktop still shows them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from agent_desktop.protocol.routing import event_json
from callcenter.bus import EventBus
from callcenter.conversations.api import ConversationStatus
from callcenter.conversations.events import (
    ConversationMessageAdded,
    ConversationOffered,
    ConversationStatusChanged,
    ConversationTyping,
)

# A status that ends any offer. ``waiting`` does not: a transfer re-offers the chat before it says
# it waits again, so an offer that timed out is dropped when read (:meth:`ChatRelay.offers_for`).
_OFFER_OVER: Final = frozenset(
    {
        ConversationStatus.ACTIVE,
        ConversationStatus.WRAP_UP,
        ConversationStatus.ENDED,
        ConversationStatus.LEFT_MESSAGE,
    }
)
CATCH_UP: Final = object()  # queued instead of a dropped backlog: read the missed messages by seq
CLOSED: Final = object()


@dataclass(eq=False)
class VisitorSocket:
    conversation_id: str
    queue: asyncio.Queue[object] = field(default_factory=lambda: asyncio.Queue(1000))

    def push(self, item: object) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(CATCH_UP)

    def close(self) -> None:
        while True:
            try:
                self.queue.put_nowait(CLOSED)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()


class ChatRelay:
    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._stop: Callable[[], None] | None = None
        self._visitors: dict[str, set[VisitorSocket]] = {}
        # agent id → offer id → the offer as the agent's /ws carries it
        self._offers: dict[str, dict[str, dict[str, Any]]] = {}

    def start(self) -> None:
        if self._stop is None:
            self._stop = self._bus.listen(self.dispatch)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
        for sockets in list(self._visitors.values()):
            for socket in list(sockets):
                socket.close()

    def add(self, socket: VisitorSocket) -> None:
        self.start()
        self._visitors.setdefault(socket.conversation_id, set()).add(socket)

    def discard(self, socket: VisitorSocket) -> None:
        sockets = self._visitors.get(socket.conversation_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._visitors[socket.conversation_id]

    def visitors(self, conversation_id: str) -> int:
        return len(self._visitors.get(conversation_id, ()))

    def offers_for(self, agent_id: str) -> list[dict[str, Any]]:
        """The chat and e-mail offers the agent has not answered yet, oldest first (the caller keeps
        those whose conversation is still offered)."""
        return list(self._offers.get(agent_id, {}).values())

    def forget_offer(self, agent_id: str, offer_id: str) -> None:
        self._offers.get(agent_id, {}).pop(offer_id, None)

    def dispatch(self, event: object) -> None:
        if isinstance(event, ConversationMessageAdded):
            self._to_visitor(event.message.conversation_id, event)
        elif isinstance(event, ConversationTyping):
            self._to_visitor(event.conversation_id, event)
        elif isinstance(event, ConversationStatusChanged):
            self._to_visitor(event.conversation_id, event)
            if event.status in _OFFER_OVER:
                self._drop_offers_of(event.conversation_id)
        elif isinstance(event, ConversationOffered):
            self._drop_offers_of(event.conversation_id)  # offered anew: the older offer is gone
            self._offers.setdefault(event.agent_id, {})[event.offer_id] = event_json(event)

    def _to_visitor(self, conversation_id: str, event: object) -> None:
        for socket in self._visitors.get(conversation_id, ()):
            socket.push(event)

    def _drop_offers_of(self, conversation_id: str) -> None:
        for agent_id, offers in list(self._offers.items()):
            for offer_id, offer in list(offers.items()):
                if offer.get("conversation_id") == conversation_id:
                    del offers[offer_id]
            if not offers:
                del self._offers[agent_id]
