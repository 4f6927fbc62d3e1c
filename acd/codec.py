"""JSON-ready dicts for the records the Redis store keeps (and the API may send)."""

from __future__ import annotations

from typing import Any

from acd.decision import Offer, RouteDecision
from acd.model import (
    Agent,
    AgentState,
    Channel,
    Customer,
    Fallback,
    FallbackAction,
    OverflowStep,
    QueueConfig,
    SkillRequirement,
    ValueTier,
    WorkItem,
)
from acd.records import AgentRecord, Bucket, ItemRecord, ItemStatus

Json = dict[str, Any]


def _reqs(reqs: tuple[SkillRequirement, ...]) -> list[list[Any]]:
    return [[r.skill, r.min_level] for r in reqs]


def _unreqs(raw: list[list[Any]]) -> tuple[SkillRequirement, ...]:
    return tuple(SkillRequirement(str(s), int(level)) for s, level in raw)


def queue_to(q: QueueConfig) -> Json:
    return {
        "name": q.name,
        "skills": _reqs(q.skills),
        "tier_boost": {t.value: v for t, v in q.tier_boost.items()},
        "aging_per_minute": q.aging_per_minute,
        "overflow": [
            [s.after_seconds, s.lower_levels_by, [_reqs(a) for a in s.also_accept], s.to_queue]
            for s in q.overflow
        ],
        "max_wait_seconds": q.max_wait_seconds,
        "fallback": [q.fallback.action.value, q.fallback.target] if q.fallback else None,
        "wrap_up_seconds": q.wrap_up_seconds,
        "offer_timeout_seconds": q.offer_timeout_seconds,
        "max_missed_offers": q.max_missed_offers,
        "service_level_seconds": q.service_level_seconds,
        "service_level_chat_seconds": q.service_level_chat_seconds,
        "service_level_email_seconds": q.service_level_email_seconds,
        "previous_agent_wait_seconds": q.previous_agent_wait_seconds,
        "default_aht_seconds": q.default_aht_seconds,
    }


def queue_from(d: Json) -> QueueConfig:
    fb = d["fallback"]
    return QueueConfig(
        name=d["name"],
        skills=_unreqs(d["skills"]),
        tier_boost={ValueTier(t): float(v) for t, v in d["tier_boost"].items()},
        aging_per_minute=d["aging_per_minute"],
        overflow=tuple(
            OverflowStep(after, lower, tuple(_unreqs(a) for a in also), to)
            for after, lower, also, to in d["overflow"]
        ),
        max_wait_seconds=d["max_wait_seconds"],
        fallback=Fallback(FallbackAction(fb[0]), fb[1]) if fb else None,
        wrap_up_seconds=d["wrap_up_seconds"],
        offer_timeout_seconds=d["offer_timeout_seconds"],
        max_missed_offers=d["max_missed_offers"],
        service_level_seconds=d["service_level_seconds"],
        # Stored before the per-channel thresholds existed: their defaults.
        service_level_chat_seconds=d.get("service_level_chat_seconds", 30.0),
        service_level_email_seconds=d.get("service_level_email_seconds", 4 * 3600.0),
        previous_agent_wait_seconds=d["previous_agent_wait_seconds"],
        default_aht_seconds=d["default_aht_seconds"],
    )


def agent_record_to(a: AgentRecord) -> Json:
    ag = a.agent
    return {
        "id": ag.agent_id,
        "skills": dict(ag.skills),
        "cap": {c.value: n for c, n in ag.capacity.items()},
        "blk": {c.value: sorted(x.value for x in s) for c, s in ag.blocking.items()},
        "state": a.state.value,
        "v": a.version,
        "load": {c.value: n for c, n in a.load.items() if n},
        "since": a.since,
        "idle": a.idle_since,
        "offer": a.offer_id,
        "pause": a.pause_reason,
        "missed": a.missed_offers,
        "wrap": a.wrap_until,
        "pp": a.pending_pause,
    }


def agent_record_from(d: Json) -> AgentRecord:
    agent = Agent(
        d["id"],
        d["skills"],
        {Channel(c): n for c, n in d["cap"].items()},
        {Channel(c): frozenset(Channel(x) for x in s) for c, s in d["blk"].items()},
    )
    return AgentRecord(
        agent,
        AgentState(d["state"]),
        d["v"],
        {Channel(c): n for c, n in d["load"].items()},
        d["since"],
        d["idle"],
        d["offer"],
        d["pause"],
        d["missed"],
        d["wrap"],
        d.get("pp"),  # absent from records stored before pending pauses existed
    )


def item_to(i: WorkItem) -> Json:
    return {
        "id": i.item_id,
        "ch": i.channel.value,
        "q": i.queue,
        "cust": [i.customer.customer_id, i.customer.tier.value],
        "at": i.arrived_at,
        "skills": _reqs(i.skills),
        "prio": i.priority,
        "prev": i.previous_agent_id,
        "cb": i.callback_number,
    }


def item_from(d: Json) -> WorkItem:
    cid, tier = d["cust"]
    return WorkItem(
        d["id"],
        Channel(d["ch"]),
        d["q"],
        Customer(cid, ValueTier(tier)),
        d["at"],
        _unreqs(d["skills"]),
        d["prio"],
        d["prev"],
        d["cb"],
    )


def bucket_to(b: Bucket) -> Json:
    return {
        "id": b.bucket_id,
        "q": b.queue,
        "ch": b.channel.value,
        "req": [_reqs(a) for a in b.requirement],
        "sticky": b.sticky_agent,
    }


def bucket_from(d: Json) -> Bucket:
    req = tuple(_unreqs(a) for a in d["req"])
    return Bucket(d["id"], d["q"], Channel(d["ch"]), req, d["sticky"])


def item_record_to(r: ItemRecord) -> Json:
    return {
        "item": item_to(r.item),
        "st": r.status.value,
        "v": r.version,
        "seq": r.seq,
        "key": r.key,
        "step": r.step,
        "b": bucket_to(r.bucket) if r.bucket else None,
        "stk": r.sticky_until,
        "agent": r.agent_id,
        "offer": r.offer_id,
        "n": r.offers_made,
        "ans": r.answered_at,
    }


def item_record_from(d: Json) -> ItemRecord:
    return ItemRecord(
        item_from(d["item"]),
        ItemStatus(d["st"]),
        d["v"],
        d["seq"],
        d["key"],
        d["step"],
        bucket_from(d["b"]) if d["b"] else None,
        d["stk"],
        d["agent"],
        d["offer"],
        d["n"],
        d["ans"],
    )


def offer_to(o: Offer) -> Json:
    return {
        "id": o.offer_id,
        "item": item_to(o.item),
        "agent": o.agent_id,
        "at": o.created_at,
        "exp": o.expires_at,
        "dec": o.decision.to_dict(),
    }


def offer_from(d: Json) -> Offer:
    return Offer(
        d["id"], item_from(d["item"]), d["agent"], d["at"], d["exp"], RouteDecision.from_dict(d["dec"])
    )
