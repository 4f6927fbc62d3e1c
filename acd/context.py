"""What the router's collaborators share: one store, one clock, the queue configurations this
process knows, and the event sink (listener + statistics).

Every collaborator (:class:`~acd.core.RouterCore`, :class:`~acd.routing.Matcher`,
:class:`~acd.timers.Timers`, :class:`~acd.manual.ManualRouting`, :class:`~acd.queries.Queries`)
takes this context explicitly. Changes follow read → decide (pure) → commit (CAS) → retry on
conflict, so several routers may share one store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from types import MappingProxyType
from typing import Protocol

from acd.errors import IllegalItemState, StoreContention, UnknownAgent, UnknownItem, UnknownQueue
from acd.events import AcdEvent, AgentStateChanged
from acd.model import AgentState, QueueConfig, WorkItem
from acd.overflow import next_step_at, requirement_at, step_for_wait
from acd.records import AgentRecord, Bucket, ItemRecord, ItemStatus
from acd.stats import StatsBook
from acd.store import AcdStore, Txn


class Clock(Protocol):
    def now(self) -> float: ...


Listener = Callable[[AcdEvent], None]


class RouterContext:
    def __init__(
        self, store: AcdStore, clock: Clock, *, listener: Listener | None = None, retries: int = 50
    ) -> None:
        self.store = store
        self.clock = clock
        self.retries = retries
        self.stats = StatsBook()
        self._listener = listener
        self._queues: dict[str, QueueConfig] = {}
        self._collected: list[AcdEvent] | None = None
        # Agents and items a claim of this process is committing now: the routings of callers
        # arriving together (each store call yields) pick others instead of all losing one race.
        self.claiming_agents: set[str] = set()
        self.claiming_items: set[str] = set()

    # ---- events --------------------------------------------------------------------------
    def emit(self, *events: AcdEvent) -> None:
        for ev in events:
            self.stats.apply(ev)
            if self._collected is not None:
                self._collected.append(ev)
            if self._listener is not None:
                self._listener(ev)

    @contextmanager
    def collecting(self) -> Iterator[list[AcdEvent]]:
        """Also gather the events emitted inside the block (``tick`` returns them)."""
        collected: list[AcdEvent] = []
        self._collected = collected
        try:
            yield collected
        finally:
            self._collected = None

    @contextmanager
    def claim_marks(self, agent_id: str, item_id: str) -> Iterator[None]:
        """The agent and item are being claimed by this process until the block ends."""
        self.claiming_agents.add(agent_id)
        self.claiming_items.add(item_id)
        try:
            yield
        finally:
            self.claiming_agents.discard(agent_id)
            self.claiming_items.discard(item_id)

    def agent_changed(self, old: AgentRecord | None, new: AgentRecord, now: float) -> None:
        before = old.state if old else AgentState.LOGGED_OUT
        new_reason = (
            new.state == AgentState.PAUSED and old is not None and old.pause_reason != new.pause_reason
        )
        new_pending = old is not None and old.pending_pause != new.pending_pause
        if before != new.state or new_reason or new_pending:
            self.emit(
                AgentStateChanged(new.agent_id, before, new.state, new.pause_reason, now, new.pending_pause)
            )

    # ---- queue configurations ------------------------------------------------------------
    @property
    def queues(self) -> Mapping[str, QueueConfig]:
        """The queues this router knows (read-only; see ``queue`` and ``reload_queues``)."""
        return MappingProxyType(self._queues)

    def remember_queue(self, queue: QueueConfig) -> None:
        self._queues[queue.name] = queue
        self.stats.configure_queue(queue.name, queue.service_level_seconds, queue.channel_service_levels)

    async def queue(self, name: str) -> QueueConfig:
        q = self._queues.get(name)
        if q is None:
            await self.reload_queues()
            q = self._queues.get(name)
            if q is None:
                raise UnknownQueue(queue=name)
        return q

    async def reload_queues(self) -> None:
        """Re-read queue configurations (another router process may have added some)."""
        self._queues = await self.store.get_queues()
        for q in self._queues.values():
            self.stats.configure_queue(q.name, q.service_level_seconds, q.channel_service_levels)

    # ---- records -------------------------------------------------------------------------
    def waiting(
        self,
        item: WorkItem,
        q: QueueConfig,
        now: float,
        *,
        seq: int,
        key: float,
        version: int,
        sticky_agent: str | None = None,
        sticky_until: float | None = None,
        offers_made: int = 0,
    ) -> tuple[ItemRecord, list[tuple[str, float]]]:
        """A waiting record for ``item`` at ``now`` and the timers it needs."""
        step = step_for_wait(q, now - item.arrived_at)
        bucket = Bucket.make(q.name, item.channel, requirement_at(item, q, step, self._queues), sticky_agent)
        rec = ItemRecord(
            item, ItemStatus.WAITING, version, seq, key, step, bucket, sticky_until, offers_made=offers_made
        )
        timers = []
        nxt = next_step_at(q, item.arrived_at, step)
        if nxt is not None:
            timers.append((f"ovf:{item.item_id}", nxt))
        max_wait = q.max_wait_for(item.channel)
        if max_wait is not None:
            timers.append((f"max:{item.item_id}", item.arrived_at + max_wait))
        if sticky_until is not None:
            timers.append((f"stk:{item.item_id}", sticky_until))
        return rec, timers

    def waiting_again(
        self,
        rec: ItemRecord,
        q: QueueConfig,
        now: float,
        *,
        item: WorkItem | None = None,
        key: float | None = None,
        sticky_agent: str | None = None,
        sticky_until: float | None = None,
    ) -> tuple[ItemRecord, list[tuple[str, float]]]:
        """``rec`` waiting anew at its place (its next version, its offers still counted), for a
        changed item, queue or reservation."""
        return self.waiting(
            item or rec.item,
            q,
            now,
            seq=rec.seq,
            key=rec.key if key is None else key,
            version=rec.version + 1,
            sticky_agent=sticky_agent,
            sticky_until=sticky_until,
            offers_made=rec.offers_made,
        )

    @staticmethod
    def for_agent_alone(rec: ItemRecord, q: QueueConfig, agent_id: str) -> ItemRecord:
        """Reserved for an agent a person chose: the queue's skills do not apply meanwhile."""
        return replace(rec, bucket=Bucket.make(q.name, rec.item.channel, ((),), agent_id))

    async def logged_in(self, agent_id: str) -> None:
        agent = await self.store.get_agent(agent_id)
        if agent is None or agent.state == AgentState.LOGGED_OUT:
            raise UnknownAgent(agent_id=agent_id)

    async def item_in(self, item_id: str, status: ItemStatus, action: str) -> ItemRecord:
        """The item's record, if it is in ``status`` (UnknownItem, IllegalItemState otherwise)."""
        rec = await self.store.get_item(item_id)
        if rec is None:
            raise UnknownItem(item_id=item_id)
        if rec.status != status:
            raise IllegalItemState(item_id=item_id, action=action, status=rec.status.value)
        return rec

    async def update_agent(
        self,
        agent_id: str,
        change: Callable[[AgentRecord, float], AgentRecord],
        timers_del: tuple[str, ...] = (),
    ) -> AgentRecord:
        """Apply a pure state-machine ``change`` to the agent, retrying on conflicts."""
        for _ in range(self.retries):
            now = self.clock.now()
            old = await self.store.get_agent(agent_id)
            if old is None:
                raise UnknownAgent(agent_id=agent_id)
            new = change(old, now)
            timers: list[tuple[str, float]] = []
            if new.state == AgentState.WRAP_UP and new.wrap_until is not None:
                timers.append((f"wrap:{agent_id}", new.wrap_until))
            dels = [t for t in timers_del if t not in dict(timers)]  # a pause waits for the wrap-up
            if await self.store.commit(Txn(agents=[(old, new)], timers_put=timers, timers_del=dels)):
                self.agent_changed(old, new, now)
                return new
        raise StoreContention(action=f"updating agent {agent_id}", attempts=self.retries)
