"""Fan-out from the engine's bus to the browsers' WebSockets.

One bus listener for the whole web app: as each event is published it is serialized once and queued
for the sockets allowed to see it, found by index rather than by scanning every socket (agents: their
own offers, calls and state; supervisors and admins: interventions and alerts). Calls and agent
states reach supervisors summarized in the wallboard, computed once per change burst (at most every
``wallboard_interval_s``), the same text for every supervisor: copying each screen pop of a 200-call
burst to 50 consoles that never show it would be 10,000 messages. A socket that falls behind loses
its backlog and gets a fresh snapshot instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from agent_desktop.auth.users import CurrentUser
from agent_desktop.protocol.routing import ROUTES, event_json
from agent_desktop.wire import wallboard_json
from callcenter.events import CallEnded, CallOffered, SupervisionChanged

if TYPE_CHECKING:
    from callcenter.contact_center import ContactCenter

log = logging.getLogger(__name__)

RESYNC: Final = object()  # queued instead of the dropped backlog: send a fresh snapshot
CLOSED: Final = object()  # the browser went away: the sender stops


@dataclass(eq=False)
class Connection:
    user: CurrentUser
    queue: asyncio.Queue[object] = field(default_factory=lambda: asyncio.Queue(500))

    @property
    def supervises(self) -> bool:
        return self.user.role in ("supervisor", "admin")

    def close(self) -> None:
        while True:
            try:
                self.queue.put_nowait(CLOSED)
                return
            except asyncio.QueueFull:
                self.queue.get_nowait()

    def push(self, item: object) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


def _agent_of(event: object) -> str | None:
    agent = getattr(event, "agent_id", None)
    return agent if isinstance(agent, str) else None


class Hub:
    def __init__(self, cc: ContactCenter, wallboard_interval_s: float = 0.25) -> None:
        self._cc = cc
        self._interval = wallboard_interval_s
        self.connections: set[Connection] = set()
        self._supervisors: set[Connection] = set()
        self._by_agent: dict[str, set[Connection]] = {}
        self.offers: dict[str, dict[str, Any]] = {}  # agent id → the current screen pop
        self.supervising: dict[str, tuple[str, str]] = {}  # agent id → (supervisor, mode)
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stop_listening: Callable[[], None] | None = None
        self.wallboard_text = ""

    def start(self) -> None:
        if self._stop_listening is None:
            self._stop_listening = self._cc.bus.listen(self.dispatch)
            self._tasks = [asyncio.create_task(self._wallboard_loop(), name="desktop-wallboard")]

    async def stop(self) -> None:
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def add(self, connection: Connection) -> None:
        """Registers a socket (starting the hub with the first one)."""
        self.start()
        self.register(connection)

    def register(self, connection: Connection) -> None:
        self.connections.add(connection)
        if connection.supervises:
            self._supervisors.add(connection)
        if connection.user.agent_id:
            self._by_agent.setdefault(connection.user.agent_id, set()).add(connection)

    def discard(self, connection: Connection) -> None:
        self.connections.discard(connection)
        self._supervisors.discard(connection)
        agent = connection.user.agent_id
        if agent and agent in self._by_agent:
            self._by_agent[agent].discard(connection)
            if not self._by_agent[agent]:
                del self._by_agent[agent]

    def dispatch(self, event: object) -> None:
        """Called by the bus as each event is published: serializes it once and queues it."""
        self._remember(event)
        route = ROUTES.get(type(event))
        recipients: set[Connection] = set()
        if route is not None and route.to_agent:
            recipients.update(self._by_agent.get(_agent_of(event) or "", ()))
        if route is not None and route.to_supervisors:
            recipients.update(self._supervisors)
        if recipients:
            text = json.dumps(event_json(event), ensure_ascii=False)
            for connection in recipients:
                connection.push(text)
        self._dirty.set()

    def _remember(self, event: object) -> None:
        if isinstance(event, CallOffered):
            self.offers[event.agent_id] = event_json(event)
        elif isinstance(event, CallEnded) and event.agent_id:
            self.offers.pop(event.agent_id, None)
        elif isinstance(event, SupervisionChanged):
            if event.mode is None:
                self.supervising = {a: s for a, s in self.supervising.items() if s[0] != event.supervisor}
            else:
                self.supervising[event.agent_id] = (event.supervisor, event.mode)

    async def wallboard(self) -> dict[str, Any]:
        return wallboard_json(await self._cc.snapshot(), self._cc.live_calls(), self.supervising)

    async def _wallboard_loop(self) -> None:
        """Throttled: the first change is pushed at once, then at most one push per interval."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if self._supervisors:
                try:
                    self.wallboard_text = json.dumps(await self.wallboard(), ensure_ascii=False)
                except Exception:
                    log.exception("wallboard snapshot failed")
                else:
                    for connection in self._supervisors:
                        connection.push(self.wallboard_text)
            await asyncio.sleep(self._interval)
