"""The agent state machine and capacity rules (pure).

    LOGGED_OUT ─login─► AVAILABLE ◄─resume/wrap-up done─┐
        ▲                 │ offer            ▲          │
     logout               ▼                  │ release  │
        │             RESERVED ─accept─► BUSY ─complete (last item)─► WRAP_UP
        │                 │ release (K missed) ─► PAUSED ◄─pause─ AVAILABLE
        └───────────── AVAILABLE / PAUSED / WRAP_UP (no work in hand)

A BUSY agent with capacity left on some channel (e.g. 1 of 3 chats) can still be offered work;
a pending offer (RESERVED) blocks further offers. Every action checks the state it starts from
and raises :class:`IllegalTransition` instead of changing anything it should not.

Pausing an agent who is working (BUSY or WRAP_UP) does not cut the call or the wrap-up: the pause
waits (``pending_pause``, no new work is offered meanwhile) and takes effect when the work is done,
in place of AVAILABLE. Resuming before then cancels it; pausing again changes its reason.
"""

from __future__ import annotations

from dataclasses import replace

from acd.errors import IllegalTransition
from acd.model import Agent, AgentState, Channel
from acd.records import AgentRecord

S = AgentState
OFFERABLE = frozenset({S.AVAILABLE, S.BUSY})
WORKING = frozenset({S.BUSY, S.WRAP_UP})  # a pause waits until the work is done
LOGGED_IN = frozenset(AgentState) - {S.LOGGED_OUT}
AUTO_PAUSE_REASON = "missed_offers"

ALLOWED_FROM: dict[str, frozenset[AgentState]] = {
    "log in": frozenset({S.LOGGED_OUT}),
    "take an offer": OFFERABLE,
    "accept": frozenset({S.RESERVED}),
    "release an offer": frozenset({S.RESERVED}),
    "complete work": frozenset({S.BUSY, S.RESERVED, S.PAUSED}),
    "end wrap-up": frozenset({S.WRAP_UP}),
    "pause": frozenset({S.AVAILABLE, S.BUSY, S.WRAP_UP, S.PAUSED}),
    "become available": frozenset({S.PAUSED}),
    "log out": frozenset({S.AVAILABLE, S.PAUSED, S.WRAP_UP}),
}


def _check(rec: AgentRecord, action: str, ok: bool = True, reason: str = "not allowed") -> None:
    if rec.state not in ALLOWED_FROM[action]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED_FROM[action]))
        raise IllegalTransition(
            agent_id=rec.agent_id, action=action, state=rec.state.value, reason=f"only from {allowed}"
        )
    if not ok:
        raise IllegalTransition(agent_id=rec.agent_id, action=action, state=rec.state.value, reason=reason)


def can_take(rec: AgentRecord, channel: Channel) -> bool:
    """True when the agent may be offered one more item on ``channel`` right now."""
    if rec.state not in OFFERABLE or rec.pending_pause is not None:
        return False
    if rec.load.get(channel, 0) >= rec.agent.capacity.get(channel, 0):
        return False
    blocking = rec.agent.blocking
    return not any(n > 0 and channel in blocking.get(ch, ()) for ch, n in rec.load.items())


def takeable_channels(rec: AgentRecord) -> frozenset[Channel]:
    if rec.state not in OFFERABLE or rec.pending_pause is not None:
        return frozenset()
    return frozenset(ch for ch in rec.agent.capacity if can_take(rec, ch))


def _next(rec: AgentRecord, state: AgentState, now: float, **changes: object) -> AgentRecord:
    since = rec.since if state == rec.state else now
    return replace(rec, state=state, version=rec.version + 1, since=since, **changes)  # type: ignore[arg-type]


def login(agent: Agent, now: float, old: AgentRecord | None, paused_reason: str | None = None) -> AgentRecord:
    base = old or AgentRecord(agent, S.LOGGED_OUT, 0, {}, now, now)
    _check(base, "log in")
    state = S.PAUSED if paused_reason else S.AVAILABLE
    return _next(
        replace(base, agent=agent),
        state,
        now,
        load={},
        idle_since=now,
        pause_reason=paused_reason,
        pending_pause=None,
        offer_id=None,
        missed_offers=0,
        wrap_until=None,
    )


def offer(rec: AgentRecord, channel: Channel, offer_id: str, now: float) -> AgentRecord:
    _check(rec, "take an offer", can_take(rec, channel), f"no free {channel.value} capacity")
    load = dict(rec.load)
    load[channel] = load.get(channel, 0) + 1
    return _next(rec, S.RESERVED, now, load=load, offer_id=offer_id, idle_since=now)


def accept(rec: AgentRecord, offer_id: str, now: float) -> AgentRecord:
    _check(rec, "accept", rec.offer_id == offer_id, f"the pending offer is {rec.offer_id!r}")
    return _next(rec, S.BUSY, now, offer_id=None, missed_offers=0)


def release_offer(
    rec: AgentRecord, offer_id: str, channel: Channel, now: float, *, missed: bool, max_missed: int
) -> AgentRecord:
    """Decline, no answer (``missed``) or caller gone: capacity back; K missed offers pause the agent."""
    _check(rec, "release an offer", rec.offer_id == offer_id, f"the pending offer is {rec.offer_id!r}")
    load = dict(rec.load)
    load[channel] = max(0, load.get(channel, 0) - 1)
    missed_count = rec.missed_offers + (1 if missed else 0)
    busy = sum(load.values()) > 0
    if missed and max_missed and missed_count >= max_missed:
        return _next(
            rec, S.PAUSED, now, load=load, offer_id=None, missed_offers=0, pause_reason=AUTO_PAUSE_REASON
        )
    state = S.BUSY if busy else S.AVAILABLE
    return _next(
        rec,
        state,
        now,
        load=load,
        offer_id=None,
        missed_offers=missed_count,
        idle_since=rec.idle_since if busy else now,
    )


def complete(rec: AgentRecord, channel: Channel, now: float, wrap_up_seconds: float) -> AgentRecord:
    """One item done. The last one starts wrap-up (or frees the agent when the queue has none)."""
    has = rec.load.get(channel, 0) > 0
    _check(rec, "complete work", has, f"no {channel.value} work in hand")
    load = dict(rec.load)
    load[channel] -= 1
    if sum(load.values()) > 0 or rec.state != S.BUSY:
        return _next(rec, rec.state, now, load=load)
    if wrap_up_seconds > 0:
        return _next(rec, S.WRAP_UP, now, load=load, wrap_until=now + wrap_up_seconds)
    return _free(replace(rec, load=load), now)


def end_wrap_up(rec: AgentRecord, now: float) -> AgentRecord:
    _check(rec, "end wrap-up")
    return _free(rec, now)


def _free(rec: AgentRecord, now: float) -> AgentRecord:
    """Work done: AVAILABLE, or PAUSED when a pause was asked for meanwhile."""
    if rec.pending_pause is not None:
        reason = rec.pending_pause
        return _next(rec, S.PAUSED, now, pause_reason=reason, pending_pause=None, wrap_until=None)
    return _next(rec, S.AVAILABLE, now, wrap_until=None, idle_since=now)


def pause(rec: AgentRecord, reason: str, now: float) -> AgentRecord:
    """Pause now, or once the call / wrap-up in hand is over (see the module doc)."""
    _check(rec, "pause", bool(reason), "a reason code is required")
    if rec.state in WORKING:
        return _next(rec, rec.state, now, pending_pause=reason)
    return _next(rec, S.PAUSED, now, pause_reason=reason, wrap_until=None)


def resume(rec: AgentRecord, now: float) -> AgentRecord:
    if rec.pending_pause is not None and rec.state in WORKING:
        return _next(rec, rec.state, now, pending_pause=None)  # the pause asked for is called off
    _check(rec, "become available")
    busy = rec.total_load > 0
    return _next(
        rec,
        S.BUSY if busy else S.AVAILABLE,
        now,
        pause_reason=None,
        missed_offers=0,
        idle_since=rec.idle_since if busy else now,
    )


def logout(rec: AgentRecord, now: float) -> AgentRecord:
    _check(rec, "log out", rec.total_load == 0, "work is still in hand")
    return _next(rec, S.LOGGED_OUT, now, pause_reason=None, pending_pause=None, wrap_until=None)
