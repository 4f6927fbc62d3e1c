"""Live statistics per queue and agent, updated from router events (pure; time is passed in).

Definitions (over the items that left the queue: answered, abandoned or sent to fallback):
service level = answered within the queue's threshold for the item's channel (see
:mod:`acd.channel_stats`; an e-mail is answered by its first reply, told by
:meth:`StatsBook.first_response`) / left; abandon rate = abandoned / left;
ASA = mean wait of answered items; AHT = mean handle time of completed items (``recent_aht``:
last ``recent`` ones); occupancy = (reserved + busy + wrap-up time) / (that + available time).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.channel_stats import ChannelBook
from acd.events import (
    AcdEvent,
    AgentStateChanged,
    FallbackRequired,
    ItemAbandoned,
    ItemCancelled,
    ItemCompleted,
    ItemMoved,
    ItemQueued,
    OfferAccepted,
    OfferMade,
    OfferReleased,
)
from acd.model import AgentState, Channel

WORKING = frozenset({AgentState.RESERVED, AgentState.BUSY, AgentState.WRAP_UP})


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    waiting: int
    longest_wait: float
    entered: int
    answered: int
    abandoned: int
    fallbacks: int
    service_level: float | None
    abandon_rate: float | None
    asa: float | None
    aht: float | None
    recent_aht: float | None


@dataclass(frozen=True, slots=True)
class AgentStats:
    agent_id: str
    state: AgentState
    in_state_seconds: float
    handled: int
    occupancy: float | None


@dataclass(slots=True)
class _QueueCounters:
    sl_seconds: float = 20.0
    waiting: dict[str, float] = field(default_factory=dict)
    entered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    fallbacks: int = 0
    wait_sum: float = 0.0
    handled: int = 0
    handle_sum: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=50))


@dataclass(slots=True)
class _AgentCounters:
    state: AgentState
    since: float
    handled: int = 0
    seconds: dict[AgentState, float] = field(default_factory=dict)


class StatsBook:
    def __init__(self) -> None:
        self._queues: dict[str, _QueueCounters] = {}
        self._agents: dict[str, _AgentCounters] = {}
        self.channels = ChannelBook()  # per queue × channel, and the waiting items

    def configure_queue(
        self, queue: str, service_level_seconds: float, per_channel: Mapping[Channel, float] | None = None
    ) -> None:
        """The queue's service level threshold; ``per_channel``: the chat and e-mail ones (their
        defaults: 30 s and 4 h)."""
        self._q(queue).sl_seconds = service_level_seconds
        self.channels.configure_queue(queue, service_level_seconds, per_channel)

    def _q(self, queue: str) -> _QueueCounters:
        q = self._queues.get(queue)
        if q is None:
            q = self._queues[queue] = _QueueCounters()
        return q

    def apply(self, event: AcdEvent) -> None:
        self.channels.apply(event)
        if isinstance(event, ItemQueued):
            q = self._q(event.queue)
            q.entered += 1
            q.waiting[event.item_id] = event.arrived_at
        elif isinstance(event, OfferMade):
            self._q(event.queue).waiting.pop(event.offer.item.item_id, None)
        elif isinstance(event, OfferReleased):
            if event.requeued:
                self._q(event.queue).waiting[event.item_id] = event.arrived_at
        elif isinstance(event, OfferAccepted):
            q = self._q(event.queue)
            q.waiting.pop(event.item_id, None)
            if self.channels.answered_by_reply(event.item_id):
                return  # counted at its first reply
            q.answered += 1
            q.wait_sum += event.waited
            q.answered_in_sl += event.waited <= self.channels.item_threshold(
                event.queue, event.item_id, q.sl_seconds
            )
        elif isinstance(event, ItemAbandoned):
            q = self._q(event.queue)
            q.waiting.pop(event.item_id, None)
            q.abandoned += 1
        elif isinstance(event, ItemCancelled):
            self._q(event.queue).waiting.pop(event.item_id, None)
        elif isinstance(event, ItemMoved):
            self._q(event.from_queue).waiting.pop(event.item_id, None)
            self._q(event.to_queue).waiting[event.item_id] = event.arrived_at
        elif isinstance(event, FallbackRequired):
            q = self._q(event.queue)
            q.waiting.pop(event.item.item_id, None)
            q.fallbacks += 1
        elif isinstance(event, ItemCompleted):
            q = self._q(event.queue)
            q.handled += 1
            q.handle_sum += event.handled_seconds
            q.recent.append(event.handled_seconds)
            a = self._agents.get(event.agent_id)
            if a is not None:
                a.handled += 1
        elif isinstance(event, AgentStateChanged):
            a = self._agents.get(event.agent_id)
            if a is None:
                self._agents[event.agent_id] = _AgentCounters(event.new, event.at)
                return
            if event.new == a.state:
                return  # a new pause reason or pending pause: the state (and its clock) goes on
            a.seconds[a.state] = a.seconds.get(a.state, 0.0) + (event.at - a.since)
            a.state, a.since = event.new, event.at

    def first_response(self, item_id: str, at: float) -> None:
        """The first reply sent to the customer on an e-mail item an agent has (later ones and
        other items change nothing): the e-mail is answered now, in its queue and channel."""
        response = self.channels.first_response(item_id, at)
        if response is None:
            return
        q = self._q(response.queue)
        q.answered += 1
        q.wait_sum += response.waited
        q.answered_in_sl += response.in_service_level

    def queue_stats(self, queue: str, now: float) -> QueueStats:
        q = self._q(queue)
        left = q.answered + q.abandoned + q.fallbacks
        return QueueStats(
            queue=queue,
            waiting=len(q.waiting),
            longest_wait=max(0.0, now - min(q.waiting.values())) if q.waiting else 0.0,
            entered=q.entered,
            answered=q.answered,
            abandoned=q.abandoned,
            fallbacks=q.fallbacks,
            service_level=q.answered_in_sl / left if left else None,
            abandon_rate=q.abandoned / left if left else None,
            asa=q.wait_sum / q.answered if q.answered else None,
            aht=q.handle_sum / q.handled if q.handled else None,
            recent_aht=sum(q.recent) / len(q.recent) if q.recent else None,
        )

    def queues(self) -> list[str]:
        return sorted(self._queues)

    def agent_stats(self, agent_id: str, now: float) -> AgentStats | None:
        a = self._agents.get(agent_id)
        if a is None:
            return None
        seconds = dict(a.seconds)
        seconds[a.state] = seconds.get(a.state, 0.0) + (now - a.since)
        working = sum(v for s, v in seconds.items() if s in WORKING)
        staffed = working + seconds.get(AgentState.AVAILABLE, 0.0)
        return AgentStats(
            agent_id, a.state, now - a.since, a.handled, working / staffed if staffed > 0 else None
        )

    def agents(self) -> list[str]:
        return sorted(self._agents)
