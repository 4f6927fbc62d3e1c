"""Fan-out from the engine's bus to the browsers' WebSockets.

One bus subscription for the whole web app: each event is serialized once and queued for every
socket allowed to see it (agents: their own offers, calls and state; supervisors and admins:
everything). The wallboard is computed once per change burst (at most every ``wallboard_interval_s``)
and the same text goes to every supervisor. A socket that falls behind loses its backlog and gets a
fresh snapshot instead, as does everyone when the hub itself overflows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from acd.events import AgentStateChanged, OfferMade
from agent_desktop.auth.deps import CurrentUser
from agent_desktop.wire import wallboard_json
from callcenter.bus import Overflowed
from callcenter.events import CallEnded, CallOffered, SupervisionChanged, to_wire

if TYPE_CHECKING:
    from callcenter.contact_center import ContactCenter

log = logging.getLogger(__name__)

RESYNC: Final = object()  # queued instead of the dropped backlog: send a fresh snapshot
CLOSED: Final = object()  # the browser went away: the sender stops
_AGENT_TYPES = frozenset(
    {
        "CallOffered",
        "CallConnected",
        "CallEnded",
        "RecordingPaused",
        "AgentStateChanged",
        "CallHeld",
        "CallMuted",
        "CallDialing",
        "CallTransferred",
        "ConsultStarted",
        "ConsultEnded",
    }
)
# Supervisors get these as events; the routing internals (ItemQueued, OfferMade, ...) reach them
# summarized in the wallboard, which keeps a 200-call burst from becoming 50 x 2,000 messages.
_SUPERVISOR_TYPES = _AGENT_TYPES | {"SupervisionChanged", "AgentAutoPaused", "FallbackRequired"}


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
    if isinstance(event, OfferMade):
        return event.offer.agent_id
    agent = getattr(event, "agent_id", None)
    return agent if isinstance(agent, str) else None


class Hub:
    def __init__(self, cc: ContactCenter, wallboard_interval_s: float = 0.25) -> None:
        self._cc = cc
        self._interval = wallboard_interval_s
        self.connections: set[Connection] = set()
        self.offers: dict[str, dict[str, Any]] = {}  # agent id → the current screen pop
        self.reasons: dict[str, str | None] = {}  # agent id → pause reason
        self.supervising: dict[str, tuple[str, str]] = {}  # agent id → (supervisor, mode)
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.wallboard_text = ""

    def start(self) -> None:
        if not self._tasks:
            subscription = self._cc.bus.subscribe(maxsize=10_000)
            self._tasks = [
                asyncio.create_task(self._pump(subscription), name="desktop-hub"),
                asyncio.create_task(self._wallboard_loop(), name="desktop-wallboard"),
            ]
            self._subscription = subscription

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._tasks:
            self._subscription.close()
        self._tasks = []

    def add(self, connection: Connection) -> None:
        self.start()
        self.connections.add(connection)

    def discard(self, connection: Connection) -> None:
        self.connections.discard(connection)

    async def _pump(self, subscription: Any) -> None:
        async for event in subscription:
            try:
                self.dispatch(event)
            except Exception:
                log.exception("could not fan out an event", extra={"event": type(event).__name__})

    def dispatch(self, event: object) -> None:
        if isinstance(event, Overflowed):
            log.warning("desktop hub fell behind; every socket resyncs", extra={"dropped": event.dropped})
            for connection in self.connections:
                connection.push(RESYNC)
            self._dirty.set()
            return
        self._remember(event)
        kind = type(event).__name__
        agent = _agent_of(event)
        text: str | None = None
        for connection in self.connections:
            if (kind in _SUPERVISOR_TYPES and connection.supervises) or (
                kind in _AGENT_TYPES and agent == connection.user.agent_id
            ):
                if text is None:
                    text = json.dumps(to_wire(event), ensure_ascii=False)
                connection.push(text)
        self._dirty.set()

    def _remember(self, event: object) -> None:
        if isinstance(event, CallOffered):
            self.offers[event.agent_id] = to_wire(event)
        elif isinstance(event, CallEnded) and event.agent_id:
            self.offers.pop(event.agent_id, None)
        elif isinstance(event, AgentStateChanged):
            self.reasons[event.agent_id] = event.reason
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
            if any(c.supervises for c in self.connections):
                try:
                    self.wallboard_text = json.dumps(await self.wallboard(), ensure_ascii=False)
                except Exception:
                    log.exception("wallboard snapshot failed")
                else:
                    for connection in self.connections:
                        if connection.supervises:
                            connection.push(self.wallboard_text)
            await asyncio.sleep(self._interval)
