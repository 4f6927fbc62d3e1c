"""Voicemail conversations: a caller's recorded message becomes a ``voicemail`` work item in its queue,
the customer recognised by the number; the agent plays it, calls back, ends and wraps it up like any
conversation (its end writes the interaction to the customer's timeline)."""

from __future__ import annotations

from acd.model import Channel
from callcenter.conversations.api import ConversationStatus, ConversationView
from callcenter.conversations.core import ConversationCore, new_id
from callcenter.conversations.errors import BadInput
from callcenter.conversations.store import view_of
from callcenter.conversations.voicemail_types import IncomingVoicemail
from crm_core.lookup import KnownCaller

S = ConversationStatus


class VoicemailSide(ConversationCore):
    async def open_voicemail(self, message: IncomingVoicemail) -> ConversationView:
        if message.queue not in self.queues():
            raise BadInput("conversation.unknown_queue", queue=message.queue[:40])
        identity = await self.customers.by_contact(None, message.caller_number or None)
        name = " ".join(message.caller_name.split())[:200] or message.caller_number[:200]
        if isinstance(identity.pop, KnownCaller) and identity.pop.matches and identity.customer_id:
            name = identity.pop.matches[0].profile.display_name[:200] or name
        now = self.clock()
        conversation_id = new_id("c")
        record = await self.store.create(
            None, id=conversation_id, channel=Channel.VOICEMAIL.value, status=S.WAITING.value,
            queue=message.queue, skills=(), language=message.language[:16],
            customer_id=identity.customer_id, customer_name=name,
            customer_address=message.caller_number[:254] or None, tier=identity.tier.value,
            subject=message.caller_number[:200], address=None, opened_at=now, queued_at=now,
            interaction_ref=f"voicemail:{conversation_id}",
        )  # fmt: skip
        await self.route(record, Channel.VOICEMAIL, identity.pop, identity.tier)
        return view_of(record)
