"""The live statistics (:class:`~acd.stats.StatsBook` with its :class:`~acd.channel_stats.ChannelBook`)
as a plain, JSON-ready dict and back (pure), so that the day's figures can outlive the process.

``VERSION`` changes when the layout does; :func:`book_from` refuses another version
(:class:`ValueError`) rather than guess. :func:`next_day` keeps what is in flight (waiting items,
items taken, agents' current states) and zeroes every count, for a book that starts a new day.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from acd.channel_stats import ChannelBook, _Counters
from acd.model import AgentState, Channel
from acd.stats import StatsBook, _AgentCounters, _QueueCounters

VERSION = 1
Data = dict[str, Any]


def book_to(book: StatsBook) -> Data:
    return {
        "version": VERSION,
        "queues": {name: _queue_to(q) for name, q in book._queues.items()},
        "agents": {agent_id: _agent_to(a) for agent_id, a in book._agents.items()},
        "channels": _channels_to(book.channels),
    }


def book_from(data: Data) -> StatsBook:
    if data.get("version") != VERSION:
        raise ValueError(f"statistics of version {data.get('version')!r}, this build reads {VERSION}")
    book = StatsBook()
    book._queues = {name: _queue_from(q) for name, q in data["queues"].items()}
    book._agents = {agent_id: _agent_from(a) for agent_id, a in data["agents"].items()}
    book.channels = _channels_from(data["channels"])
    return book


def next_day(data: Data, now: float) -> Data:
    """``data`` (from :func:`book_to`) for a new day: the counts at zero, what is in flight kept,
    each agent in their current state since ``now``."""
    book = book_from(data)
    fresh = StatsBook()
    for name, q in book._queues.items():
        fresh._queues[name] = _QueueCounters(sl_seconds=q.sl_seconds, waiting=dict(q.waiting))
    for agent_id, a in book._agents.items():
        fresh._agents[agent_id] = _AgentCounters(a.state, now)
    old, new = book.channels, fresh.channels
    new._thresholds, new._channel_of = old._thresholds, old._channel_of
    new._awaiting_reply = old._awaiting_reply
    new._counters = {key: _Counters(waiting=dict(c.waiting)) for key, c in old._counters.items()}
    return book_to(fresh)


def _queue_to(q: _QueueCounters) -> Data:
    return {
        "sl_seconds": q.sl_seconds,
        "waiting": q.waiting,
        "entered": q.entered,
        "answered": q.answered,
        "answered_in_sl": q.answered_in_sl,
        "abandoned": q.abandoned,
        "fallbacks": q.fallbacks,
        "wait_sum": q.wait_sum,
        "handled": q.handled,
        "handle_sum": q.handle_sum,
        "recent": list(q.recent),
    }


def _queue_from(d: Data) -> _QueueCounters:
    fields = {k: v for k, v in d.items() if k not in ("waiting", "recent")}
    q = _QueueCounters(**fields, waiting=dict(d["waiting"]))
    q.recent = deque(d["recent"], maxlen=q.recent.maxlen)
    return q


def _agent_to(a: _AgentCounters) -> Data:
    return {
        "state": a.state.value,
        "since": a.since,
        "handled": a.handled,
        "seconds": {s.value: v for s, v in a.seconds.items()},
    }


def _agent_from(d: Data) -> _AgentCounters:
    seconds = {AgentState(s): float(v) for s, v in d["seconds"].items()}
    return _AgentCounters(AgentState(d["state"]), float(d["since"]), int(d["handled"]), seconds)


def _channels_to(book: ChannelBook) -> Data:
    return {
        "counters": [
            {
                "queue": queue,
                "channel": channel.value,
                "waiting": c.waiting,
                "offered": c.offered,
                "answered": c.answered,
                "answered_in_sl": c.answered_in_sl,
                "abandoned": c.abandoned,
                "fallbacks": c.fallbacks,
                "wait_sum": c.wait_sum,
            }
            for (queue, channel), c in book._counters.items()
        ],
        "channel_of": {item_id: ch.value for item_id, ch in book._channel_of.items()},
        "thresholds": {q: {ch.value: s for ch, s in t.items()} for q, t in book._thresholds.items()},
        "awaiting_reply": {item_id: list(qa) for item_id, qa in book._awaiting_reply.items()},
    }


def _channels_from(d: Data) -> ChannelBook:
    book = ChannelBook()
    for row in d["counters"]:
        fields = {k: v for k, v in row.items() if k not in ("queue", "channel", "waiting")}
        book._counters[(row["queue"], Channel(row["channel"]))] = _Counters(
            waiting=dict(row["waiting"]), **fields
        )
    book._channel_of = {item_id: Channel(ch) for item_id, ch in d["channel_of"].items()}
    book._thresholds = {q: {Channel(ch): float(s) for ch, s in t.items()} for q, t in d["thresholds"].items()}
    book._awaiting_reply = {item_id: (str(q), float(at)) for item_id, (q, at) in d["awaiting_reply"].items()}
    return book
