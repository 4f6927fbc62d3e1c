"""Read-only router queries: position, estimated wait, explanations, wallboard snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field

from acd import agent_state
from acd.channel_stats import ChannelStats, WaitingItem
from acd.context import RouterContext
from acd.decision import RouteDecision
from acd.errors import UnknownItem
from acd.estimate import estimated_wait
from acd.model import AgentState
from acd.policy import skill_score
from acd.records import ItemStatus
from acd.stats import AgentStats, QueueStats


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Wallboard view: statistics per queue and agent, agent ids per state, paused agents' reasons
    and the pauses waiting for a call or wrap-up to end; statistics per queue × channel and the
    items waiting, whatever their channel (longest waiting first)."""

    at: float
    queues: tuple[QueueStats, ...]
    agents: tuple[AgentStats, ...]
    agents_by_state: dict[AgentState, tuple[str, ...]]
    pause_reasons: dict[str, str] = field(default_factory=dict)
    pending_pauses: dict[str, str] = field(default_factory=dict)  # agent id → reason, after the work
    channels: tuple[ChannelStats, ...] = ()
    waiting_items: tuple[WaitingItem, ...] = ()


class Queries:
    def __init__(self, ctx: RouterContext) -> None:
        self._ctx = ctx

    async def position(self, item_id: str) -> int:
        """1-based place among the queue's waiting items (0 once offered or connected)."""
        rec = await self._ctx.store.get_item(item_id)
        if rec is None:
            raise UnknownItem(item_id=item_id)
        if rec.status != ItemStatus.WAITING:
            return 0
        return await self._ctx.store.queue_rank(rec.item.queue, rec.key, rec.seq, item_id) + 1

    async def estimated_wait(self, item_id: str) -> float:
        """Seconds until offered, from the position, the queue's recent AHT and the staffed agents."""
        pos = await self.position(item_id)
        rec = await self._ctx.store.get_item(item_id)
        if pos == 0 or rec is None or rec.bucket is None:
            return 0.0
        q = await self._ctx.queue(rec.item.queue)
        s = self._ctx.stats.queue_stats(q.name, self._ctx.clock.now())
        aht = s.recent_aht or s.aht or q.default_aht_seconds
        staffed = free = 0
        for a in await self._ctx.store.all_agents():
            if a.state in (AgentState.LOGGED_OUT, AgentState.PAUSED):
                continue
            if skill_score(a.agent.skills, rec.bucket.requirement) is not None:
                staffed += a.agent.capacity.get(rec.item.channel, 0)
                free += agent_state.can_take(a, rec.item.channel)
        return estimated_wait(pos, free, staffed, aht)

    async def waiting_item(self, item_id: str) -> WaitingItem | None:
        """The item, if it waits in a queue now (None when offered, active or unknown)."""
        rec = await self._ctx.store.get_item(item_id)
        if rec is None or rec.status != ItemStatus.WAITING:
            return None
        return WaitingItem(item_id, rec.item.queue, rec.item.channel, rec.item.arrived_at)

    async def explain(self, item_id: str) -> tuple[RouteDecision, ...]:
        return tuple(await self._ctx.store.decisions(item_id))

    async def snapshot(self) -> Snapshot:
        now = self._ctx.clock.now()
        agents = await self._ctx.store.all_agents()
        by_state: dict[AgentState, list[str]] = {s: [] for s in AgentState}
        for a in agents:
            by_state[a.state].append(a.agent_id)
        agent_stats = [s for a in agents if (s := self._ctx.stats.agent_stats(a.agent_id, now)) is not None]
        names = sorted(set(self._ctx.queues) | set(self._ctx.stats.queues()))
        return Snapshot(
            at=now,
            queues=tuple(self._ctx.stats.queue_stats(n, now) for n in names),
            agents=tuple(sorted(agent_stats, key=lambda s: s.agent_id)),
            agents_by_state={s: tuple(sorted(ids)) for s, ids in by_state.items()},
            pause_reasons={
                a.agent_id: a.pause_reason for a in agents if a.state == AgentState.PAUSED and a.pause_reason
            },
            pending_pauses={a.agent_id: a.pending_pause for a in agents if a.pending_pause},
            channels=self._ctx.stats.channels.rows(names, now),
            waiting_items=self._ctx.stats.channels.waiting_items(),
        )
