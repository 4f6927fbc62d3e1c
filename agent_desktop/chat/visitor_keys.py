"""Visitor keys already proven, so that a chatting visitor's every request does not read the
conversation again: a visitor posts many messages with the same key, and a key never changes.

Only what cannot change is kept (the conversation's name and language for the texts); whatever
depends on the conversation's state is checked by the service on each use case anyway. Bounded:
the oldest proofs go first.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import OrderedDict
from typing import Final

from starlette.requests import HTTPConnection

from callcenter.conversations.api import ConversationPort, ConversationView

MAX_KEPT: Final = 20_000


class VisitorKeys:
    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        self._proven: OrderedDict[str, tuple[bytes, ConversationView]] = OrderedDict()
        self._max = max_kept

    async def authenticate(self, port: ConversationPort, conversation_id: str, key: str) -> ConversationView:
        """The conversation the key opens (raises as :meth:`ConversationPort.authenticate_visitor`)."""
        digest = hashlib.sha256(key.encode()).digest()
        kept = self._proven.get(conversation_id)
        if kept is not None and hmac.compare_digest(kept[0], digest):
            self._proven.move_to_end(conversation_id)
            return kept[1]
        view = await port.authenticate_visitor(conversation_id, key)
        self._keep(conversation_id, digest, view)
        return view

    def remember(self, view: ConversationView, key: str) -> None:
        """A key proven otherwise (the chat just started, the visitor's socket authenticated)."""
        self._keep(view.conversation_id, hashlib.sha256(key.encode()).digest(), view)

    def _keep(self, conversation_id: str, digest: bytes, view: ConversationView) -> None:
        self._proven[conversation_id] = (digest, view)
        self._proven.move_to_end(conversation_id)
        if len(self._proven) > self._max:
            self._proven.popitem(last=False)


def visitor_keys_of(connection: HTTPConnection) -> VisitorKeys:
    """The web app's one :class:`VisitorKeys` (for its HTTP routes and its visitor sockets)."""
    keys = getattr(connection.app.state, "chat_visitor_keys", None)
    if not isinstance(keys, VisitorKeys):
        keys = connection.app.state.chat_visitor_keys = VisitorKeys()
    return keys
