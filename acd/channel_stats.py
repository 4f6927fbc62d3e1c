"""Live statistics per queue × channel and the list of waiting items (pure; time is passed in).

Per queue and channel (voice, chat, e-mail, callback…), over the router's events:
offered = items that entered the queue; answered = offers accepted; abandoned = customers who
left while waiting or being offered; service level = answered within the channel's threshold /
items that left the queue (answered, abandoned or sent to fallback). The threshold is the
queue's: ``service_level_seconds`` for the phone, ``service_level_chat_seconds`` for chats (a chat
answered within N s) and ``service_level_email_seconds`` for e-mails. ASA = mean wait of the
answered items.

An e-mail is answered by its first response, the first reply sent to the customer, not by an
agent taking it: the router knows nothing of replies, so whoever sends them (the conversation
service) tells the book with :meth:`ChannelBook.first_response`; its wait runs from the item's
arrival in the queue to that reply. An e-mail an agent has taken but not answered yet is neither
waiting nor answered; one closed without any reply (a transfer re-queues it) is not counted.

The events that do not name the channel (accepted, abandoned, moved…) are attributed by the item's
channel, learnt from ``ItemQueued`` / ``OfferMade`` / ``FallbackRequired``; an item this book never
saw queued (counting started while it was in flight) is left out of the per-channel figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from acd.events import (
    AcdEvent,
    FallbackRequired,
    ItemAbandoned,
    ItemCancelled,
    ItemCompleted,
    ItemConvertedToCallback,
    ItemMoved,
    ItemQueued,
    OfferAccepted,
    OfferMade,
    OfferReleased,
)
from acd.model import Channel

# Always shown for every queue (other channels once they had an item).
SHOWN_CHANNELS: tuple[Channel, ...] = (Channel.VOICE, Channel.CHAT, Channel.EMAIL)
DEFAULT_THRESHOLDS: Mapping[Channel, float] = {Channel.CHAT: 30.0, Channel.EMAIL: 4 * 3600.0}
DEFAULT_SECONDS = 20.0
# Answered by the first reply sent (``first_response``), not by the offer accepted.
ANSWERED_BY_REPLY = frozenset({Channel.EMAIL})


@dataclass(frozen=True, slots=True)
class ChannelStats:
    queue: str
    channel: Channel
    waiting: int
    longest_wait: float
    offered: int
    answered: int
    answered_in_sl: int
    abandoned: int
    service_level: float | None
    service_level_seconds: float
    asa: float | None


@dataclass(frozen=True, slots=True)
class WaitingItem:
    """An item waiting in a queue now, whatever its channel (the supervisors' waiting list)."""

    item_id: str
    queue: str
    channel: Channel
    arrived_at: float


@dataclass(slots=True)
class _Counters:
    waiting: dict[str, float] = field(default_factory=dict)  # item id → arrived at
    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    fallbacks: int = 0
    wait_sum: float = 0.0

    def answered_after(self, waited: float, threshold: float) -> None:
        self.answered += 1
        self.wait_sum += waited
        self.answered_in_sl += waited <= threshold


@dataclass(frozen=True, slots=True)
class FirstResponse:
    """An e-mail's first reply: counted as answered in ``queue`` after ``waited`` seconds."""

    item_id: str
    queue: str
    waited: float
    in_service_level: bool


class ChannelBook:
    def __init__(self) -> None:
        self._counters: dict[tuple[str, Channel], _Counters] = {}
        self._channel_of: dict[str, Channel] = {}  # items queued, offered or active
        self._thresholds: dict[str, dict[Channel, float]] = {}
        self._awaiting_reply: dict[str, tuple[str, float]] = {}  # item id → (queue, arrived at)

    def configure_queue(
        self, queue: str, default_seconds: float, per_channel: Mapping[Channel, float] | None = None
    ) -> None:
        """The service level thresholds: ``default_seconds`` for the channels not in ``per_channel``."""
        thresholds = {ch: default_seconds for ch in Channel}
        thresholds.update(DEFAULT_THRESHOLDS if per_channel is None else per_channel)
        self._thresholds[queue] = thresholds

    def threshold(self, queue: str, channel: Channel) -> float:
        own = self._thresholds.get(queue)
        if own is not None:
            return own[channel]
        return DEFAULT_THRESHOLDS.get(channel, DEFAULT_SECONDS)

    def item_threshold(self, queue: str, item_id: str, default: float) -> float:
        """The threshold of the item's channel in ``queue`` (``default`` for an item never seen)."""
        channel = self._channel_of.get(item_id)
        return default if channel is None else self.threshold(queue, channel)

    def answered_by_reply(self, item_id: str) -> bool:
        """Whether the item (known to this book) counts as answered at its first reply."""
        return self._channel_of.get(item_id) in ANSWERED_BY_REPLY

    def first_response(self, item_id: str, at: float) -> FirstResponse | None:
        """The first reply on an item taken by an agent; None for a later reply, or an item that
        is not (or no longer) waiting for one."""
        awaited = self._awaiting_reply.pop(item_id, None)
        channel = self._channel_of.get(item_id)
        if awaited is None or channel is None:
            return None
        queue, arrived_at = awaited
        waited = max(0.0, at - arrived_at)
        threshold = self.threshold(queue, channel)
        self._c(queue, channel).answered_after(waited, threshold)
        return FirstResponse(item_id, queue, waited, waited <= threshold)

    def _c(self, queue: str, channel: Channel) -> _Counters:
        c = self._counters.get((queue, channel))
        if c is None:
            c = self._counters[(queue, channel)] = _Counters()
        return c

    def apply(self, event: AcdEvent) -> None:
        if isinstance(event, ItemQueued):
            self._channel_of[event.item_id] = event.channel
            c = self._c(event.queue, event.channel)
            c.offered += 1
            c.waiting[event.item_id] = event.arrived_at
        elif isinstance(event, OfferMade):
            item = event.offer.item
            self._channel_of[item.item_id] = item.channel
            self._c(event.queue, item.channel).waiting.pop(item.item_id, None)
        elif isinstance(event, FallbackRequired):
            c = self._c(event.queue, event.item.channel)
            c.waiting.pop(event.item.item_id, None)
            c.fallbacks += 1
            self._channel_of.pop(event.item.item_id, None)
        else:
            self._apply_known(event)

    def _apply_known(self, event: AcdEvent) -> None:
        """The events that name only the item: counted under the item's known channel."""
        if isinstance(event, ItemCompleted):
            self._channel_of.pop(event.item_id, None)
            self._awaiting_reply.pop(event.item_id, None)  # closed without a reply: not counted
            return
        if not isinstance(
            event,
            OfferAccepted
            | OfferReleased
            | ItemAbandoned
            | ItemCancelled
            | ItemMoved
            | ItemConvertedToCallback,
        ):
            return
        channel = self._channel_of.get(event.item_id)
        if channel is None:
            return
        if isinstance(event, ItemMoved):
            self._c(event.from_queue, channel).waiting.pop(event.item_id, None)
            self._c(event.to_queue, channel).waiting[event.item_id] = event.arrived_at
            return
        c = self._c(event.queue, channel)
        if isinstance(event, OfferAccepted):
            c.waiting.pop(event.item_id, None)
            if channel in ANSWERED_BY_REPLY:
                self._awaiting_reply[event.item_id] = (event.queue, event.at - event.waited)
            else:
                c.answered_after(event.waited, self.threshold(event.queue, channel))
        elif isinstance(event, OfferReleased):
            if event.requeued:
                c.waiting[event.item_id] = event.arrived_at
        elif isinstance(event, ItemConvertedToCallback):
            arrived = c.waiting.pop(event.item_id, None)
            self._channel_of[event.item_id] = Channel.CALLBACK
            if arrived is not None:
                self._c(event.queue, Channel.CALLBACK).waiting[event.item_id] = arrived
        else:  # abandoned or cancelled: out of the queue
            c.waiting.pop(event.item_id, None)
            c.abandoned += isinstance(event, ItemAbandoned)
            self._channel_of.pop(event.item_id, None)
            self._awaiting_reply.pop(event.item_id, None)

    def stats(self, queue: str, channel: Channel, now: float) -> ChannelStats:
        c = self._counters.get((queue, channel)) or _Counters()
        left = c.answered + c.abandoned + c.fallbacks
        return ChannelStats(
            queue=queue,
            channel=channel,
            waiting=len(c.waiting),
            longest_wait=max(0.0, now - min(c.waiting.values())) if c.waiting else 0.0,
            offered=c.offered,
            answered=c.answered,
            answered_in_sl=c.answered_in_sl,
            abandoned=c.abandoned,
            service_level=c.answered_in_sl / left if left else None,
            service_level_seconds=self.threshold(queue, channel),
            asa=c.wait_sum / c.answered if c.answered else None,
        )

    def rows(self, queues: Iterable[str], now: float) -> tuple[ChannelStats, ...]:
        """Every queue × the shown channels, plus any other channel the queue had items of."""
        seen: dict[str, set[Channel]] = {}
        for q, ch in self._counters:
            seen.setdefault(q, set()).add(ch)
        out: list[ChannelStats] = []
        for q in sorted(set(queues) | set(seen)):
            extra = sorted(seen.get(q, set()) - set(SHOWN_CHANNELS), key=list(Channel).index)
            out.extend(self.stats(q, ch, now) for ch in (*SHOWN_CHANNELS, *extra))
        return tuple(out)

    def waiting_items(self) -> tuple[WaitingItem, ...]:
        """Every waiting item, longest waiting first."""
        items = [
            WaitingItem(item_id, q, ch, arrived)
            for (q, ch), c in self._counters.items()
            for item_id, arrived in c.waiting.items()
        ]
        return tuple(sorted(items, key=lambda w: (w.arrived_at, w.item_id)))

    def waiting_item(self, item_id: str) -> WaitingItem | None:
        channel = self._channel_of.get(item_id)
        if channel is None:
            return None
        for (q, ch), c in self._counters.items():
            if ch == channel and item_id in c.waiting:
                return WaitingItem(item_id, q, ch, c.waiting[item_id])
        return None
