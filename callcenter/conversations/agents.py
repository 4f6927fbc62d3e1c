"""The agents' and supervisors' use cases: take an offer, write, transfer, end, wrap up, join."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace

from acd.errors import AcdError, OfferNotPending
from acd.model import Channel
from callcenter.conversations import rules
from callcenter.conversations.api import ConversationStatus, ConversationView, Sender, StoredMessage
from callcenter.conversations.core import CUSTOMER_WRITES, Tracked
from callcenter.conversations.dispositions import DispositionRules
from callcenter.conversations.errors import BadInput, ConversationClosed, NotYours, OfferGone
from callcenter.conversations.events import ConversationTyping
from callcenter.conversations.store import view_of
from callcenter.conversations.visitors import VisitorSide
from crm_core import conversations as db

log = logging.getLogger(__name__)
S = ConversationStatus
# The supervisors' list: conversations in progress (an agent's own list adds those in wrap-up).
LIVE = (S.WAITING, S.OFFERED, S.ACTIVE)
MAX_PAGE = 500


class AgentSide(VisitorSide):
    disposition_rules = DispositionRules()  # a call's wrap-up rules (set by the composition root)

    def set_disposition_rules(self, rules: DispositionRules) -> None:
        self.disposition_rules = rules

    async def accept(self, agent_id: str, offer_id: str) -> ConversationView:
        tracked = self._offer_of(agent_id, offer_id)
        conversation_id = tracked.item.item_id
        try:
            await self.router.accept(offer_id)
        except OfferNotPending:
            raise OfferGone(offer_id=offer_id) from None
        self.offers.pop(offer_id, None)
        tracked.offer_id = tracked.offer_agent = None
        tracked.status, tracked.agent_id = S.ACTIVE, agent_id
        before = await self.store.get(conversation_id)
        answered = before.answered_at if before.answered_at is not None else self.clock()
        record = await self.store.change(
            conversation_id, [S.WAITING.value, S.OFFERED.value, S.LEFT_MESSAGE.value],
            status=S.ACTIVE.value, agent_id=agent_id, answered_at=answered,
        )  # fmt: skip
        if record is None:  # the customer left while the agent was accepting: capacity back
            self.untrack(conversation_id)
            with contextlib.suppress(AcdError):
                await self.router.complete(conversation_id)
            raise ConversationClosed(conversation_id=conversation_id, status=before.status)
        await self.system(conversation_id, "conversation.system.agent_joined", author=agent_id)
        self.status_changed(record, previous_agent=before.agent_id)
        return view_of(record)

    async def decline(self, agent_id: str, offer_id: str) -> None:
        self._offer_of(agent_id, offer_id)
        try:
            await self.router.decline(offer_id)
        except OfferNotPending:
            raise OfferGone(offer_id=offer_id) from None

    def _offer_of(self, agent_id: str, offer_id: str) -> Tracked:
        conversation_id = self.offers.get(offer_id)
        tracked = self.tracked.get(conversation_id or "")
        if tracked is None or tracked.offer_id != offer_id:
            raise OfferGone(offer_id=offer_id[:64])
        if tracked.offer_agent != agent_id:
            raise NotYours(conversation_id=tracked.item.item_id)
        return tracked

    async def _owned(self, conversation_id: str, agent_id: str) -> db.ConversationRecord | None:
        """Refuses unless ``agent_id`` has the conversation (in memory first: no query per message)."""
        tracked = self.tracked.get(conversation_id)
        if tracked is not None and tracked.agent_id == agent_id:
            return None
        record = await self.store.get(conversation_id)
        if record.agent_id != agent_id:
            raise NotYours(conversation_id=conversation_id)
        return record

    async def post_agent(
        self,
        conversation_id: str,
        agent_id: str,
        text: str,
        client_id: str,
        attachments: tuple[str, ...] = (),
    ) -> StoredMessage:
        rules.check_client_id(client_id)
        limit = 20_000 if self._channel(conversation_id) is Channel.EMAIL else self.settings.max_message_chars
        rules.check_text(text, limit, len(attachments))
        await self._owned(conversation_id, agent_id)
        stored = await self.append(
            conversation_id, Sender.AGENT, agent_id, text, (S.ACTIVE,), client_id, attachments
        )
        if self._channel(conversation_id) is Channel.EMAIL:  # an e-mail, or a chat's left message
            await self._answered_in_writing(conversation_id, stored)
            # The e-mail service level is met (or missed) by the first reply, not by the accept.
            self.router.stats.first_response(conversation_id, self.clock())
        return stored

    async def _answered_in_writing(self, conversation_id: str, stored: StoredMessage) -> None:
        """The ticket's first response is now (its SLA timer stops); an e-mail reply goes out."""
        view = view_of(await self.store.get(conversation_id))
        if view.ticket_id is not None:
            await self.store.ticket_responded(view.ticket_id)
        if view.channel is Channel.EMAIL and self.reply_sender is not None:
            await self.reply_sender.send_reply(view, stored)

    def _channel(self, conversation_id: str) -> Channel | None:
        tracked = self.tracked.get(conversation_id)
        return tracked.item.channel if tracked else None

    async def transfer(
        self, conversation_id: str, agent_id: str, to_queue: str | None = None, to_agent: str | None = None
    ) -> ConversationView:
        if (to_queue is None) == (to_agent is None) or to_agent == agent_id:
            raise BadInput("conversation.bad_transfer")
        record = await self.store.get(conversation_id)
        if record.agent_id != agent_id or record.status != S.ACTIVE.value:
            raise NotYours(conversation_id=conversation_id)
        if to_queue is not None and to_queue not in self.queues():
            raise BadInput("conversation.unknown_queue", queue=to_queue[:40])
        tracked = self.tracked[conversation_id]
        await self.router.complete(conversation_id)  # the agent's capacity comes back
        now = self.clock()
        # To a queue: that queue's skills decide (the topic's skills were for the first queue).
        skills = record.skills if to_queue is None else ()
        moved = await self.store.change(
            conversation_id, None, status=S.WAITING.value, agent_id=None, queue=to_queue or record.queue,
            queued_at=now, skills=skills,
        )  # fmt: skip
        assert moved is not None
        await self.system(conversation_id, "conversation.system.transferred", author=agent_id)
        self.tracked.pop(conversation_id, None)
        if to_agent is None:
            await self.route(moved, tracked.item.channel, tracked.pop, tracked.item.customer.tier)
        else:
            await self._route_to_agent(moved, tracked, to_agent)
        self.status_changed(moved, previous_agent=agent_id)
        return view_of(moved)

    async def _route_to_agent(self, record: db.ConversationRecord, tracked: Tracked, to_agent: str) -> None:
        item = replace(tracked.item, queue=record.queue, arrived_at=record.queued_at, previous_agent_id=None)
        self.tracked[record.id] = Tracked(
            item, S.WAITING, tracked.customer_name, tracked.subject, tracked.pop
        )
        try:
            await self.router.enqueue_for_agent(item, to_agent[:64], self.settings.transfer_reserve_s)
        except AcdError:
            self.tracked.pop(record.id, None)
            await self.route(record, item.channel, tracked.pop, item.customer.tier)
            raise BadInput("conversation.bad_transfer_agent", agent_id=to_agent[:64]) from None

    async def end(self, conversation_id: str, by: Sender, who: str) -> ConversationView:
        record = await self.store.get(conversation_id)
        if record.status in (S.ENDED.value, S.WRAP_UP.value):
            return view_of(record)
        if by is Sender.AGENT and record.agent_id != who:
            raise NotYours(conversation_id=conversation_id)
        if record.status == S.LEFT_MESSAGE.value and by is Sender.CUSTOMER:
            # The message stays for an agent to answer; the visitor's leaving is its end time.
            await self.system(conversation_id, "conversation.system.customer_left")
            left = await self.store.change(conversation_id, None, ended_at=self.clock())
            return view_of(left or record)
        status = S.WRAP_UP if record.agent_id is not None else S.ENDED
        ended = await self.store.change(
            conversation_id, [record.status], status=status.value, ended_at=self.clock()
        )
        if ended is None:  # ended (or taken) by someone else meanwhile: theirs is the last word
            return view_of(await self.store.get(conversation_id))
        await self._leave_acd(conversation_id, record, self.untrack(conversation_id))
        code = "conversation.system.customer_left" if by is Sender.CUSTOMER else "conversation.system.ended"
        await self.system(conversation_id, code, author=who[:200] if by is not Sender.CUSTOMER else "system")
        history = await self.store.messages(conversation_id, 0, 100_000)
        await self.store.record_interaction(ended, rules.transcript(history, ended.language))
        self.status_changed(ended)
        return view_of(ended)

    async def _leave_acd(
        self, conversation_id: str, record: db.ConversationRecord, tracked: Tracked | None
    ) -> None:
        try:
            if record.status == S.ACTIVE.value:
                await self.router.complete(conversation_id)
            elif tracked is not None:
                await self.router.abandon(conversation_id)
        except AcdError as exc:
            log.warning(
                "conversation not in the ACD", extra={"conversation": conversation_id, "error": str(exc)}
            )

    async def wrap_up(
        self, conversation_id: str, agent_id: str, disposition: str | None, notes: str | None
    ) -> None:
        record = await self.store.get(conversation_id)
        if record.agent_id != agent_id:
            raise NotYours(conversation_id=conversation_id)
        if record.status not in (S.WRAP_UP.value, S.ENDED.value):
            raise BadInput("conversation.not_ended")
        code = self.disposition_rules.checked(record.queue, disposition)
        if code is not None:
            await self.store.set_wrap_up(record.interaction_ref or f"chat:{conversation_id}", code, notes)
        done = await self.store.change(conversation_id, [S.WRAP_UP.value], status=S.ENDED.value)
        # Still busy with other conversations, or the queue's wrap-up time already ended: nothing to do.
        with contextlib.suppress(AcdError):
            await self.router.wrap_up_done(agent_id)
        if done is not None:
            self.status_changed(done)

    # -- supervisors -----------------------------------------------------------------------------
    async def join(self, conversation_id: str, supervisor: str) -> ConversationView:
        record = await self.store.join(conversation_id, supervisor[:64], [s.value for s in CUSTOMER_WRITES])
        if record is None:
            current = await self.store.get(conversation_id)
            raise ConversationClosed(conversation_id=conversation_id, status=current.status)
        await self.store.audit(
            self.clock(), supervisor, "conversation.join", conversation_id[:64],
            {"agent": record.agent_id or "", "queue": record.queue},
        )  # fmt: skip
        await self.system(conversation_id, "conversation.system.supervisor_joined", author=supervisor[:200])
        return view_of(await self.store.get(conversation_id))

    async def post_supervisor(
        self, conversation_id: str, supervisor: str, text: str, client_id: str
    ) -> StoredMessage:
        rules.check_client_id(client_id)
        rules.check_text(text, self.settings.max_message_chars)
        record = await self.store.get(conversation_id)
        if supervisor not in record.supervisors:
            raise NotYours(conversation_id=conversation_id)
        return await self.append(
            conversation_id, Sender.SUPERVISOR, supervisor, text, CUSTOMER_WRITES, client_id
        )

    # -- both sides --------------------------------------------------------------------------------
    async def typing(self, conversation_id: str, sender: Sender, who: str) -> None:
        tracked = self.tracked.get(conversation_id)
        if tracked is None or tracked.status is not S.ACTIVE:
            return  # nobody to tell
        self.publish(ConversationTyping(conversation_id, sender, who[:200], tracked.agent_id, self.clock()))

    async def messages(
        self, conversation_id: str, after_seq: int = 0, limit: int = MAX_PAGE
    ) -> list[StoredMessage]:
        return await self.store.messages(conversation_id, max(0, after_seq), max(1, min(limit, MAX_PAGE)))

    async def view(self, conversation_id: str) -> ConversationView:
        return view_of(await self.store.get(conversation_id))

    async def live(self, agent_id: str | None = None) -> list[ConversationView]:
        """Every live conversation (supervisors), or one agent's: one query either way."""
        if agent_id is None:
            return [view_of(r) for r in await self.store.in_statuses([s.value for s in LIVE])]
        mine = (S.ACTIVE.value, S.WRAP_UP.value)
        return [view_of(r) for r in await self.store.in_statuses(mine, agent_id)]
