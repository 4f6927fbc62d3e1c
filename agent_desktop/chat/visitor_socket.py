"""``/api/chat/ws``: the visitor's live socket, resumed exactly once and in order.

The client's first message authenticates and says where it stands::

    {"type": "auth", "conversation_id": "c7", "visitor_key": "…", "last_seq": 12}

then the server sends ``welcome`` (the conversation and its wait), every message after ``seq`` 12 from
storage, and from then on what happens live: ``message``, ``typing`` (the agent's), ``status`` (place
and expected wait, owner, end). The socket is registered with the relay *before* storage is read, and
a live message is sent only when its ``seq`` follows the last one sent: one that was already read
from storage is skipped, one after a gap makes the socket read the gap first. The client may send
``typing`` and ``ping``. Closed with 4401 without a valid ``auth`` first (within 10 s), 4403 for a
wrong key, unknown conversation or a site not allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Final

from fastapi import WebSocket, WebSocketDisconnect, WebSocketException

from agent_desktop.chat.cors import chat_origin_allowed
from agent_desktop.chat.port import conversations
from agent_desktop.chat.relay import CATCH_UP, CLOSED, ChatRelay, VisitorSocket
from agent_desktop.chat.visitor_keys import visitor_keys_of
from agent_desktop.chat.wire import (
    visitor_conversation_json,
    visitor_message_text,
    visitor_status,
    visitor_typing,
    wait_json,
)
from agent_desktop.errors import translate_code
from callcenter.conversations.api import ConversationPort, ConversationView, Sender
from callcenter.conversations.events import (
    ConversationMessageAdded,
    ConversationStatusChanged,
    ConversationTyping,
)
from callcenter.errors import CallCenterError
from crm_core.errors import CrmError

AUTH_TIMEOUT_S: Final = 10.0
TYPING_EVERY_S: Final = 1.0  # a visitor's typing reaches the agent at most this often
PAGE: Final = 500


def relay_of(websocket: WebSocket) -> ChatRelay:
    relay = getattr(websocket.app.state, "chat_relay", None)
    if not isinstance(relay, ChatRelay):
        raise WebSocketException(1011, "chat is not available")
    return relay


async def serve_visitor(websocket: WebSocket) -> None:
    if not chat_origin_allowed(websocket, websocket.headers.get("origin")):
        raise WebSocketException(4403, "origin not allowed")
    relay, port = relay_of(websocket), conversations(websocket)
    await websocket.accept()
    try:
        hello = await _authenticate(websocket, port)
        if hello is None:
            return
        view, last_seq = hello
        await _VisitorSession(websocket, port, view, relay).run(last_seq)
    except WebSocketDisconnect:
        pass


async def _authenticate(websocket: WebSocket, port: ConversationPort) -> tuple[ConversationView, int] | None:
    try:
        async with asyncio.timeout(AUTH_TIMEOUT_S):
            text = await websocket.receive_text()
    except TimeoutError:
        await websocket.close(4401, "authenticate first")
        return None
    auth = _parse(text)
    conversation_id, key, last_seq = (
        auth.get("conversation_id"),
        auth.get("visitor_key"),
        auth.get("last_seq", 0),
    )
    if (
        auth.get("type") != "auth"
        or not isinstance(conversation_id, str)
        or not isinstance(key, str)
        or not isinstance(last_seq, int)
        or isinstance(last_seq, bool)
        or last_seq < 0
        or len(conversation_id) > 64
        or len(key) > 200
    ):
        await websocket.close(4401, "authenticate first")
        return None
    try:
        view = await port.authenticate_visitor(conversation_id, key)
    except (CallCenterError, CrmError):
        await websocket.close(4403, "unknown conversation or wrong key")
        return None
    visitor_keys_of(websocket).remember(view, key)  # the visitor's messages need not read it again
    return view, last_seq


def _parse(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class _VisitorSession:
    def __init__(
        self, websocket: WebSocket, port: ConversationPort, view: ConversationView, relay: ChatRelay
    ) -> None:
        self.websocket, self.port, self.view, self.relay = websocket, port, view, relay
        self.socket = VisitorSocket(view.conversation_id)
        self.sent = 0  # the last seq sent
        self.typed_at = 0.0

    async def run(self, last_seq: int) -> None:
        self.relay.add(self.socket)  # before reading storage: nothing published meanwhile is missed
        receiver = asyncio.create_task(self._receive())
        try:
            wait = await self.port.wait_info(self.view.conversation_id)
            welcome = {
                "type": "welcome",
                "conversation": visitor_conversation_json(self.view),
                "wait": wait_json(wait),
            }
            await self._send(welcome)
            self.sent = last_seq
            await self._catch_up()
            await self._forward()
        finally:
            self.relay.discard(self.socket)
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await receiver

    async def _send(self, data: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(data, ensure_ascii=False))

    async def _catch_up(self) -> None:
        """Everything stored after the last seq sent, in pages."""
        while True:
            found = await self.port.messages(self.view.conversation_id, self.sent, PAGE)
            for message in found:
                if message.seq > self.sent:
                    await self._send(visitor_message_text(message))
                    self.sent = message.seq
            if len(found) < PAGE:
                return

    async def _forward(self) -> None:
        while True:
            item = await self.socket.queue.get()
            if item is CLOSED:
                return
            if item is CATCH_UP:
                await self._catch_up()
            elif isinstance(item, ConversationMessageAdded):
                seq = item.message.seq
                if seq == self.sent + 1:
                    await self._send(visitor_message_text(item.message))
                    self.sent = seq
                elif seq > self.sent:  # a gap: read it (and this one) from storage
                    await self._catch_up()
            elif isinstance(item, ConversationTyping):
                if item.sender is not Sender.CUSTOMER:
                    await self._send(visitor_typing(item))
            elif isinstance(item, ConversationStatusChanged):
                await self._send(visitor_status(item))
            elif isinstance(item, str):
                await self.websocket.send_text(item)

    async def _receive(self) -> None:
        try:
            while True:
                message = _parse(await self.websocket.receive_text())
                kind = message.get("type")
                if kind == "ping":
                    self.socket.push(json.dumps({"type": "pong"}))
                elif kind == "typing":
                    await self._typing()
                else:
                    self._refuse()
        finally:
            self.socket.close()

    async def _typing(self) -> None:
        now = time.monotonic()
        if now - self.typed_at < TYPING_EVERY_S:
            return
        self.typed_at = now
        with contextlib.suppress(CallCenterError):
            await self.port.typing(self.view.conversation_id, Sender.CUSTOMER, self.view.customer_name)

    def _refuse(self) -> None:
        language = self.view.language
        error = {
            "type": "error",
            "code": "chat.bad_socket_message",
            "message": translate_code("chat.bad_socket_message", language),
        }
        self.socket.push(json.dumps(error, ensure_ascii=False))
