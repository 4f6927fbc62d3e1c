"""The ACD side of conversations: offers (the screen pop), offers given back, moves, the waiting
visitors' place and expected wait, and the conversations re-queued when the engine starts."""

from __future__ import annotations

import asyncio
import logging
import math

from acd.errors import AcdError
from acd.events import AcdEvent, FallbackRequired, ItemCancelled, ItemMoved, OfferMade, OfferReleased
from acd.model import Channel, ValueTier
from callcenter.conversations.api import ConversationStatus
from callcenter.conversations.core import CONVERSATION_CHANNELS, ConversationCore, Tracked
from callcenter.conversations.events import ConversationOffered
from callcenter.conversations.rules import transcript
from crm_core import conversations as db

log = logging.getLogger(__name__)
S = ConversationStatus


class RoutingSide(ConversationCore):
    def on_acd_event(self, event: AcdEvent) -> None:
        """Router listener (synchronous): the screen pop goes out in the same loop iteration as the
        decision; the database follows in a task."""
        if isinstance(event, OfferMade) and event.offer.item.channel in CONVERSATION_CHANNELS:
            self._offered(event)
        elif isinstance(event, OfferReleased) and event.item_id in self.tracked:
            self._released(event)
        elif isinstance(event, ItemMoved) and event.item_id in self.tracked:
            self.spawn(self._moved(event.item_id, event.to_queue), "conversation-moved")
        elif isinstance(event, ItemCancelled) and event.item_id in self.tracked:
            self.untrack(event.item_id)
            self.spawn(self._cancelled(event.item_id), "conversation-cancelled")
        elif isinstance(event, FallbackRequired) and event.item.item_id in self.tracked:
            tracked = self.untrack(event.item.item_id)
            assert tracked is not None
            self.spawn(self._waited_too_long(event.item.item_id, tracked), "conversation-left-message")

    def _offered(self, event: OfferMade) -> None:
        offer = event.offer
        tracked = self.tracked.get(offer.item.item_id)
        if tracked is None:
            # Not ours (any more): give it back without counting a miss against the agent.
            self.spawn(self._withdraw(offer.offer_id), "conversation-withdraw")
            return
        tracked.item = offer.item
        tracked.offer_id, tracked.offer_agent = offer.offer_id, offer.agent_id
        self.offers[offer.offer_id] = offer.item.item_id
        self.publish(
            ConversationOffered(
                agent_id=offer.agent_id,
                offer_id=offer.offer_id,
                conversation_id=offer.item.item_id,
                channel=offer.item.channel,
                queue=offer.item.queue,
                customer_name=tracked.customer_name,
                subject=tracked.subject,
                waited_s=offer.decision.waited_seconds,
                customer=tracked.pop,
                decision_rules=offer.decision.rules,
                at=event.at,
            )
        )
        if tracked.status is S.WAITING:
            tracked.status = S.OFFERED
            self.spawn(self._set_status(offer.item.item_id, S.WAITING, S.OFFERED), "conversation-offered")

    def offer_open(self, agent_id: str, offer_id: str) -> bool:
        """Is ``offer_id`` still ringing for ``agent_id``? Read from memory: the offer goes out before
        the database says "offered" (a desktop that asked in between must still see it)."""
        tracked = self.tracked.get(self.offers.get(offer_id, ""))
        return tracked is not None and tracked.offer_id == offer_id and tracked.offer_agent == agent_id

    def _released(self, event: OfferReleased) -> None:
        tracked = self.tracked[event.item_id]
        if tracked.offer_id != event.offer_id:
            return
        self.offers.pop(event.offer_id, None)
        tracked.offer_id = tracked.offer_agent = None
        if not event.requeued:
            return
        if tracked.status is S.OFFERED:
            tracked.status = S.WAITING
            self.spawn(self._set_status(event.item_id, S.OFFERED, S.WAITING), "conversation-requeued")

    async def _set_status(
        self, conversation_id: str, old: ConversationStatus, new: ConversationStatus
    ) -> None:
        record = await self.store.change(conversation_id, [old.value], status=new.value)
        if record is not None:
            self.status_changed(record)

    async def _moved(self, conversation_id: str, queue: str) -> None:
        record = await self.store.change(conversation_id, None, queue=queue)
        if record is not None:
            self.status_changed(record)

    async def _cancelled(self, conversation_id: str) -> None:
        """Taken out of its queue by a person: the conversation ends (a chat is told so)."""
        await self.system(conversation_id, "conversation.system.ended")
        record = await self.store.change(
            conversation_id, [S.WAITING.value, S.OFFERED.value, S.LEFT_MESSAGE.value],
            status=S.ENDED.value, ended_at=self.clock(),
        )  # fmt: skip
        if record is not None:
            history = await self.store.messages(conversation_id, 0, 100_000)
            await self.store.record_interaction(record, transcript(history, record.language))
            self.status_changed(record)

    async def _waited_too_long(self, conversation_id: str, tracked: Tracked) -> None:
        """The queue's maximum wait passed: the chat becomes a left message (a ticket, an e-mail item)."""
        record = await self.store.change(
            conversation_id, [S.WAITING.value, S.OFFERED.value], status=S.LEFT_MESSAGE.value
        )
        if record is None:
            return
        if record.ticket_id is None:
            subject = f"Chat ({record.subject}): {record.customer_name}"
            await self.store.open_ticket(conversation_id, subject, record.customer_id, "")
        await self.system(conversation_id, "conversation.system.left_message")
        await self.route(record, Channel.EMAIL, tracked.pop, tracked.item.customer.tier)
        self.status_changed(record)

    async def _withdraw(self, offer_id: str) -> None:
        try:
            await self.router.withdraw(offer_id)
        except AcdError as exc:
            log.warning(
                "could not give back a conversation offer", extra={"offer": offer_id, "error": str(exc)}
            )

    # -- where a waiting visitor is ----------------------------------------------------------
    async def place_of(self, conversation_id: str) -> tuple[int | None, float | None]:
        """(1-based place, expected seconds) while waiting; (None, None) otherwise."""
        try:
            position = await self.router.position(conversation_id)
            if position == 0:
                return None, None
            wait = await self.router.estimated_wait(conversation_id)
        except AcdError:
            return None, None
        return position, (None if math.isinf(wait) else round(wait, 1))

    async def publish_waiting_places(self) -> None:
        """One round: each waiting visitor whose place or expected wait changed hears of it."""
        for n, (conversation_id, tracked) in enumerate(list(self.tracked.items())):
            if n % 100 == 99:
                await asyncio.sleep(0)  # a thousand waiting chats must not hold the loop at once
            if tracked.status is not S.WAITING:
                continue
            wait = await self.place_of(conversation_id)
            if wait == tracked.last_wait or wait[0] is None:
                continue
            tracked.last_wait = wait
            self.status_changed(_waiting_record(conversation_id, tracked), wait=wait)

    async def run_waiting_places(self) -> None:
        """Runs as a task: the waiting places, at most every ``chat.wait_update_s``."""
        while True:
            await asyncio.sleep(self.settings.wait_update_s)
            try:
                await self.publish_waiting_places()
            except Exception:
                log.exception("waiting places not published")
            now = self.clock()
            self.message_rate.prune(now)
            self.new_chat_rate.prune(now)

    # -- engine start --------------------------------------------------------------------------
    async def restore(self) -> int:
        """Re-queue the open conversations (the ACD lives in memory: a restart must not lose a
        waiting chat). A chat that was with an agent waits again, its agent preferred."""
        restored = 0
        for record in await self.store.in_statuses(
            [s.value for s in (S.WAITING, S.OFFERED, S.ACTIVE, S.LEFT_MESSAGE)]
        ):
            previous = record.agent_id if record.status == S.ACTIVE else None
            if record.status != S.LEFT_MESSAGE:
                record = (
                    await self.store.change(record.id, None, status=S.WAITING.value, agent_id=None) or record
                )
            identity = await self.customers.by_id(record.customer_id) if record.customer_id else None
            channel = Channel.EMAIL if record.status == S.LEFT_MESSAGE else Channel(record.channel)
            tier = identity.tier if identity else ValueTier(record.tier)
            try:
                await self.route(record, channel, identity.pop if identity else None, tier, previous)
            except AcdError as exc:
                log.error("conversation not re-queued", extra={"conversation": record.id, "error": str(exc)})
                continue
            restored += 1
        log.info("open conversations re-queued", extra={"conversations": restored})
        return restored


def _waiting_record(conversation_id: str, tracked: Tracked) -> db.ConversationRecord:
    """Enough of the record for a status event (the database is not read for a place update)."""
    item = tracked.item
    return db.ConversationRecord(
        id=conversation_id, channel=item.channel.value,
        status=tracked.status.value, queue=item.queue, skills=(), language="", customer_id=None,
        customer_name=tracked.customer_name, customer_address=None, tier=item.customer.tier.value,
        subject=tracked.subject, agent_id=None, supervisors=(), ticket_id=None, visitor_key_hash=None,
        address=None, opened_at=item.arrived_at, queued_at=item.arrived_at, answered_at=None,
        ended_at=None, interaction_ref=None, last_seq=0,
    )  # fmt: skip
