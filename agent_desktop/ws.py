"""``/ws``: one authenticated WebSocket per browser.

Server → client, JSON objects with a ``type``: the messages of :mod:`agent_desktop.protocol`
(their JSON Schema at ``GET /api/ws-protocol``):

- ``hello``: ``{"protocol": 1, "user": {...}}`` once, after the socket is accepted;
- ``snapshot`` (agents): own state, current call and screen pop; ``wallboard`` (supervisors, admins):
  queues, agents, calls. Sent on connect, after any overflow (resync), and the wallboard on changes;
- engine events (:data:`agent_desktop.protocol.routing.ROUTES`): to an agent, their own
  ``CallOffered`` (with the screen pop), ``CallConnected``, ``CallEnded``, ...; to supervisors
  ``SupervisionChanged``, ``AgentAutoPaused``, ``FallbackRequired``, ``CallbackChanged``;
- ``pong`` in answer to ``{"type": "ping"}``; ``error`` (``desktop.bad_ws_message``, translated) in
  answer to anything else.

A socket without a valid session is closed with 4401, a wrong Origin or role with 4403.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Final

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from agent_desktop.auth.deps import CurrentUser, websocket_user
from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.errors import translate_code
from agent_desktop.hub import CLOSED, RESYNC, Connection
from agent_desktop.protocol.messages import Ping
from agent_desktop.protocol.schema import protocol_schema
from agent_desktop.state import desktop_of
from agent_desktop.wire import PONG_TEXT, agent_snapshot_json, error_json, hello_json

log = logging.getLogger(__name__)
router = APIRouter()


async def _snapshot_text(websocket: WebSocket, user: CurrentUser) -> str:
    desktop = desktop_of(websocket)
    if user.role in ("supervisor", "admin"):
        return json.dumps(await desktop.hub.wallboard(), ensure_ascii=False)
    agent = user.agent_id or ""
    data = await agent_snapshot_json(desktop.cc, agent, desktop.hub.offers.get(agent))
    return json.dumps(data, ensure_ascii=False)


_PROTOCOL_SCHEMA: Final = protocol_schema()


@router.get("/api/ws-protocol", response_model=None)
async def ws_protocol() -> JSONResponse:
    """The messages of ``/ws`` (protocol version, direction, audience) with the JSON Schema of each."""
    return JSONResponse(_PROTOCOL_SCHEMA)


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    user = await websocket_user(websocket)
    desktop = desktop_of(websocket)
    await websocket.accept()
    connection = Connection(user)
    desktop.hub.add(connection)
    try:
        await websocket.send_text(json.dumps(hello_json(user), ensure_ascii=False))
        await websocket.send_text(await _snapshot_text(websocket, user))
        await _serve(websocket, connection)
    except WebSocketDisconnect:
        pass
    finally:
        desktop.hub.discard(connection)


async def _serve(websocket: WebSocket, connection: Connection) -> None:
    desktop = desktop_of(websocket)
    receiver = asyncio.create_task(_receive(websocket, connection))
    checked = desktop.clock()
    try:
        while True:
            item = await connection.queue.get()
            if item is CLOSED:
                break
            if desktop.clock() - checked >= 1.0:  # the session may expire or be revoked meanwhile
                checked = desktop.clock()
                if desktop.sessions.get(_token(websocket), touch=False) is None:
                    await websocket.close(4401, "session expired")
                    break
            text = await _snapshot_text(websocket, connection.user) if item is RESYNC else str(item)
            await websocket.send_text(text)
    finally:
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await receiver


def _message_type(text: str) -> object:
    try:
        message = json.loads(text)
    except ValueError:
        return None
    return message.get("type") if isinstance(message, dict) else None


def _token(websocket: WebSocket) -> str | None:
    return websocket.cookies.get(COOKIE_NAME)


async def _receive(websocket: WebSocket, connection: Connection) -> None:
    """Pings keep the session alive while the desktop is open (an agent may wait long for a call).
    When the browser goes away the sender is woken with ``CLOSED``."""
    try:
        while True:
            text = await websocket.receive_text()
            if _message_type(text) == Ping.wire_name():
                desktop_of(websocket).sessions.get(_token(websocket))
                connection.push(PONG_TEXT)
            else:  # the pages send nothing else: say so instead of ignoring it
                message = translate_code("desktop.bad_ws_message", connection.user.language)
                connection.push(json.dumps(error_json("desktop.bad_ws_message", message), ensure_ascii=False))
    finally:
        connection.close()
