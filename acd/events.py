"""Past-tense facts the router publishes (to its listener and its statistics)."""

from __future__ import annotations

from dataclasses import dataclass

from acd.decision import Offer
from acd.model import AgentState, Channel, Fallback, WorkItem


@dataclass(frozen=True, slots=True)
class ItemQueued:
    item_id: str
    queue: str
    channel: Channel
    arrived_at: float
    at: float


@dataclass(frozen=True, slots=True)
class OfferMade:
    offer: Offer
    queue: str
    at: float


@dataclass(frozen=True, slots=True)
class OfferAccepted:
    offer_id: str
    item_id: str
    agent_id: str
    queue: str
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class OfferReleased:
    """The offer ended without a connection; ``requeued`` tells if the item waits again."""

    offer_id: str
    item_id: str
    agent_id: str
    queue: str
    reason: str  # declined | timed_out | withdrawn | abandoned
    requeued: bool
    arrived_at: float
    at: float


@dataclass(frozen=True, slots=True)
class ItemCompleted:
    item_id: str
    agent_id: str
    queue: str
    handled_seconds: float
    at: float


@dataclass(frozen=True, slots=True)
class ItemAbandoned:
    item_id: str
    queue: str
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class FallbackRequired:
    """The item waited ``max_wait_seconds``: it left the queue; the engine carries out ``fallback``."""

    item: WorkItem
    queue: str
    fallback: Fallback
    waited: float
    at: float


@dataclass(frozen=True, slots=True)
class OverflowApplied:
    item_id: str
    queue: str
    step: int
    at: float


@dataclass(frozen=True, slots=True)
class ItemConvertedToCallback:
    item_id: str
    queue: str
    number: str
    at: float


@dataclass(frozen=True, slots=True)
class ItemCancelled:
    """Taken out of the queue by a person (a scheduled callback cancelled): not an abandon."""

    item_id: str
    queue: str
    at: float


@dataclass(frozen=True, slots=True)
class ItemReserved:
    """A supervisor gave a waiting item to a named agent (it waits for them alone for a while)."""

    item_id: str
    queue: str
    agent_id: str
    at: float


@dataclass(frozen=True, slots=True)
class ItemMoved:
    """A supervisor moved a waiting item to another queue; it keeps its arrival time."""

    item_id: str
    from_queue: str
    to_queue: str
    arrived_at: float
    at: float


@dataclass(frozen=True, slots=True)
class AgentStateChanged:
    """Also published when only the pause reason or the pending pause changes (``old == new``)."""

    agent_id: str
    old: AgentState
    new: AgentState
    reason: str | None
    at: float
    pending_pause: str | None = None  # reason of the pause that starts when the work in hand ends


@dataclass(frozen=True, slots=True)
class AgentAutoPaused:
    agent_id: str
    missed_offers: int
    at: float


AcdEvent = (
    ItemQueued
    | OfferMade
    | OfferAccepted
    | OfferReleased
    | ItemCompleted
    | ItemAbandoned
    | FallbackRequired
    | OverflowApplied
    | ItemConvertedToCallback
    | ItemCancelled
    | ItemReserved
    | ItemMoved
    | AgentStateChanged
    | AgentAutoPaused
)
