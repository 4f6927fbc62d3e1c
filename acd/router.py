"""The ACD service: the public API (see the package docstring), a facade over collaborators that
share one :class:`~acd.context.RouterContext` (store, clock, queue configurations, event sink):

- :class:`~acd.core.RouterCore`: agents and items (log in, pause, enqueue, accept, complete…);
- :class:`~acd.routing.Matcher`: matching both ways and atomic claims;
- :class:`~acd.timers.Timers`: offers ending without a connection, and ``tick``;
- :class:`~acd.manual.ManualRouting`: what supervisors do to waiting items;
- :class:`~acd.queries.Queries`: read-only views (position, estimated wait, snapshot).
"""

from __future__ import annotations

from collections.abc import Iterable

from acd.channel_stats import WaitingItem
from acd.context import Clock, Listener, RouterContext
from acd.core import RouterCore
from acd.decision import Offer, RouteDecision
from acd.events import AcdEvent
from acd.manual import ManualRouting
from acd.model import Agent, QueueConfig, WorkItem
from acd.queries import Queries, Snapshot
from acd.records import AgentRecord, ItemRecord
from acd.recovery import Recovery
from acd.routing import Matcher
from acd.stats import StatsBook
from acd.store import AcdStore
from acd.timers import Timers


class Router:
    def __init__(
        self, store: AcdStore, clock: Clock, *, listener: Listener | None = None, retries: int = 50
    ) -> None:
        self._ctx = RouterContext(store, clock, listener=listener, retries=retries)
        matcher = Matcher(self._ctx)
        self._timers = Timers(self._ctx, matcher)
        self._core = RouterCore(self._ctx, matcher, self._timers)
        self._manual = ManualRouting(self._ctx, matcher)
        self._queries = Queries(self._ctx)
        self._recovery = Recovery(self._ctx, self._core)

    @property
    def stats(self) -> StatsBook:
        """Statistics fed by this router's events (``stats.apply`` takes other processes' events)."""
        return self._ctx.stats

    @stats.setter
    def stats(self, book: StatsBook) -> None:
        """Start counting afresh (e.g. after a warm-up)."""
        self._ctx.stats = book

    # ---- configuration -------------------------------------------------------------------
    async def add_queue(self, queue: QueueConfig) -> None:
        await self._core.add_queue(queue)

    async def reload_queues(self) -> None:
        """Re-read queue configurations (another router process may have added some)."""
        await self._ctx.reload_queues()

    # ---- agents --------------------------------------------------------------------------
    async def login(self, agent: Agent, *, paused_reason: str | None = None) -> list[Offer]:
        return await self._core.login(agent, paused_reason=paused_reason)

    async def set_available(self, agent_id: str) -> list[Offer]:
        """From a pause; or, while a pause waits for the work in hand, call it off."""
        return await self._core.set_available(agent_id)

    async def pause(self, agent_id: str, reason: str) -> None:
        """At once when idle; after the call and wrap-up when working (see ``acd.agent_state``)."""
        await self._core.pause(agent_id, reason)

    async def logout(self, agent_id: str) -> None:
        await self._core.logout(agent_id)

    async def wrap_up_done(self, agent_id: str) -> list[Offer]:
        return await self._core.wrap_up_done(agent_id)

    async def agent_freed(self, agent_id: str) -> list[Offer]:
        """Offer this agent the best waiting item it can take (if it can take one)."""
        return await self._core.agent_freed(agent_id)

    async def dispatch(self) -> list[Offer]:
        """Match every agent that can take work, longest idle first."""
        return await self._core.dispatch()

    async def dispatch_order(self) -> list[str]:
        """The agents a dispatch pass visits, in order; a caller that must not hold its event loop
        for the whole pass runs :meth:`dispatch_agent` for each with pauses between."""
        return await self._core.dispatch_order()

    async def dispatch_agent(self, agent_id: str) -> list[Offer]:
        return await self._core.dispatch_agent(agent_id)

    # ---- items ---------------------------------------------------------------------------
    async def enqueue(self, item: WorkItem) -> Offer | None:
        """Queue an item and offer it at once if an eligible agent can take it."""
        return await self._core.enqueue(item)

    async def enqueue_for_agent(self, item: WorkItem, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A transfer to a named agent (see :meth:`acd.core.RouterCore.enqueue_for_agent`)."""
        return await self._core.enqueue_for_agent(item, agent_id, reserve_seconds)

    async def start_direct(self, item: WorkItem, agent_id: str) -> None:
        """Work the agent starts themself (a click-to-dial call), active on them at once."""
        await self._core.start_direct(item, agent_id)

    async def accept(self, offer_id: str) -> list[Offer]:
        """The agent answered: the item is connected. Returns further offers (multi-chat)."""
        return await self._core.accept(offer_id)

    async def decline(self, offer_id: str) -> list[Offer]:
        """The agent refused (or the dial failed): counts as a missed offer."""
        return await self._core.decline(offer_id)

    async def withdraw(self, offer_id: str) -> None:
        """The engine could not deliver the offer: no miss, nothing re-offered until ``dispatch()``."""
        await self._core.withdraw(offer_id)

    async def offer_timed_out(self, offer_id: str) -> list[Offer]:
        return await self._core.offer_timed_out(offer_id)

    async def complete(self, item_id: str) -> list[Offer]:
        """Hang-up / done: the agent's capacity comes back (last item starts the queue's wrap-up)."""
        return await self._core.complete(item_id)

    async def abandon(self, item_id: str) -> None:
        """The customer left (hung up, closed the chat) while waiting or while being offered."""
        await self._core.abandon(item_id)

    async def convert_to_callback(self, item_id: str, number: str) -> Offer | None:
        """The customer leaves the line but keeps their place: the item becomes a callback."""
        return await self._core.convert_to_callback(item_id, number)

    # ---- by hand -------------------------------------------------------------------------
    async def cancel(self, item_id: str) -> None:
        """A waiting item taken out of its queue on purpose (not counted as abandoned)."""
        await self._manual.cancel(item_id)

    async def reserve_for(self, item_id: str, agent_id: str, reserve_seconds: float) -> Offer | None:
        """A waiting item given to ``agent_id`` alone for ``reserve_seconds``, keeping its place."""
        return await self._manual.reserve_for(item_id, agent_id, reserve_seconds)

    async def move(self, item_id: str, queue: str) -> Offer | None:
        """A waiting item moved to another queue, keeping its arrival time."""
        return await self._manual.move(item_id, queue)

    # ---- after a restart on a store that outlived the engine ---------------------------
    async def item(self, item_id: str) -> ItemRecord | None:
        """The item's record (waiting, offered or active), e.g. to re-attach a call to it."""
        return await self._ctx.store.get_item(item_id)

    async def items(self) -> list[ItemRecord]:
        return await self._ctx.store.all_items()

    async def agent(self, agent_id: str) -> AgentRecord | None:
        return await self._ctx.store.get_agent(agent_id)

    async def drop_items(self, item_ids: Iterable[str]) -> set[str]:
        """Work whose customer is gone: abandoned, or completed if active (``acd.recovery``).
        Returns the agents that held one of them."""
        return await self._recovery.drop_items(item_ids)

    async def settle_agents(self, reason: str) -> list[str]:
        """Agents' records made to match the items and offers in the store; one left holding
        nothing is paused with ``reason`` (``acd.recovery``). Returns the agents changed."""
        return await self._recovery.settle_agents(reason)

    # ---- time ----------------------------------------------------------------------------
    async def tick(self, limit: int = 10_000) -> list[AcdEvent]:
        """Apply due timers (offer timeouts, overflow, previous-agent limits, maximum waits,
        wrap-up ends). Returns the events it caused."""
        return await self._timers.tick(limit)

    # ---- queries -------------------------------------------------------------------------
    async def position(self, item_id: str) -> int:
        """1-based place among the queue's waiting items (0 once offered or connected)."""
        return await self._queries.position(item_id)

    async def estimated_wait(self, item_id: str) -> float:
        """Seconds until offered, from the position, the queue's recent AHT and the staffed agents."""
        return await self._queries.estimated_wait(item_id)

    async def explain(self, item_id: str) -> tuple[RouteDecision, ...]:
        return await self._queries.explain(item_id)

    async def waiting_item(self, item_id: str) -> WaitingItem | None:
        """The item's queue, channel and arrival, if it waits in a queue now."""
        return await self._queries.waiting_item(item_id)

    async def snapshot(self) -> Snapshot:
        return await self._queries.snapshot()
