"""ACD: skill-based routing core and its state stores.

The engine (``callcenter``) turns contacts into :class:`~acd.model.WorkItem` values and drives
one :class:`~acd.router.Router` per process; the router decides who gets what and never touches
a phone. Time comes from a ``Clock`` (``now() -> float`` seconds), state from an
:class:`~acd.store.AcdStore`: :class:`~acd.memory_store.MemoryStore` (default, one process) or
:class:`~acd.redis_store.RedisStore` (several engine processes; claims are atomic Lua scripts).

Wiring::

    router = Router(store, clock, listener=bus.publish)      # listener gets every AcdEvent
    await router.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 2),), ...))

Agents (each returns the offers the change made possible, except pause/logout)::

    await router.login(agent: Agent, *, paused_reason: str | None = None) -> list[Offer]
    await router.set_available(agent_id) -> list[Offer]
    await router.pause(agent_id, reason) -> None
    await router.logout(agent_id) -> None
    await router.wrap_up_done(agent_id) -> list[Offer]
    await router.agent_freed(agent_id) -> list[Offer]          # re-check one agent
    await router.dispatch() -> list[Offer]                     # re-check every free agent

Items::

    await router.enqueue(item: WorkItem) -> Offer | None       # offered at once if someone can take it
    await router.accept(offer_id) -> list[Offer]               # bridged; multi-chat agents may get more
    await router.decline(offer_id) -> list[Offer]              # refused / dial failed: counts as a miss
    await router.offer_timed_out(offer_id) -> list[Offer]      # no answer: counts as a miss
    await router.withdraw(offer_id) -> None                    # engine could not deliver (no miss);
        # the item keeps its place and waits for the next dispatch()
    await router.complete(item_id) -> list[Offer]              # hang-up: wrap-up or next item
    await router.abandon(item_id) -> None                      # customer left (waiting or ringing)
    await router.convert_to_callback(item_id, number) -> Offer | None   # keeps the place
    await router.tick() -> list[AcdEvent]                      # call every ~1 s: offer timeouts,
        # overflow steps, previous-agent limits, maximum wait (→ FallbackRequired; live contacts
        # only, not callbacks), wrap-up ends. Act on the OfferMade and FallbackRequired it returns.

Queries::

    await router.position(item_id) -> int                     # 1-based, 0 once offered
    await router.estimated_wait(item_id) -> float              # seconds
    await router.explain(item_id) -> tuple[RouteDecision, ...] # .to_json() for the API
    await router.snapshot() -> Snapshot                        # wallboard: QueueStats, AgentStats,
        # ChannelStats per queue × channel (service level per channel), the waiting items
    router.stats                                               # StatsBook fed by the events

Rules: an arriving item goes to the eligible agent with (previous agent of the customer within
``previous_agent_wait_seconds``, highest skill score, longest idle); a freed agent takes the
waiting item with (highest effective priority = priority + tier boost + aging, lowest original
sequence). An offer reserves the agent; decline/no answer re-queues the item at its original place,
offers it to another agent first, then lets the freed agent take the best waiting item (which may
be the same one); ``max_missed_offers`` misses in a row pause the agent (``"missed_offers"``).
Queue configuration is cached per router; call ``reload_queues()`` after another process changed it.
Statistics are per router process, fed by its own events; feed other processes' events through
``router.stats.apply(event)`` for a shared wallboard.

Errors: every refusal is an :class:`~acd.errors.AcdError` with ``code``, ``params`` and an English
message (see ``acd.errors``).

Engine mapping: voice call entering a queue → ``enqueue(WorkItem(channel=VOICE, ...))``; Offer →
redirect the caller to ``offer.agent_id``'s phone; dial failure → ``decline``/``offer_timed_out``;
bridge → ``accept``; hang-up → ``complete``; FallbackRequired → voicemail / callback offer /
transfer as ``event.fallback`` says; a callback item offered → originate to ``callback_number``.
"""

from acd.context import Clock
from acd.decision import CandidateScore, Offer, RouteDecision
from acd.errors import AcdError
from acd.events import AcdEvent, FallbackRequired
from acd.memory_store import MemoryStore
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
from acd.queries import Snapshot
from acd.router import Router
from acd.store import AcdStore

__all__ = [
    "AcdError",
    "AcdEvent",
    "AcdStore",
    "Agent",
    "AgentState",
    "CandidateScore",
    "Channel",
    "Clock",
    "Customer",
    "Fallback",
    "FallbackAction",
    "FallbackRequired",
    "MemoryStore",
    "Offer",
    "OverflowStep",
    "QueueConfig",
    "RouteDecision",
    "Router",
    "SkillRequirement",
    "Snapshot",
    "ValueTier",
    "WorkItem",
]
