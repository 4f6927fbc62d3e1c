"""The ConversationPort's outgoing side for mail: ReplySender and TranscriptMailer over the outbox.

A reply's Message-ID is derived from the conversation and the message's ``seq``, so the service
calling ``send_reply`` twice for the same message queues one mail.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets

from sqlalchemy.orm import Session, sessionmaker

from callcenter.conversations.api import ConversationView, StoredMessage
from callcenter.email import composing
from callcenter.email.outbox import SmtpOutbox
from callcenter.email.parsing import ParsedMail, parse_mail
from callcenter.settings_email import EmailSettings
from crm_core import mail_outbox, mail_store
from crm_core.clock import Clock, utc_now


class EmailReplies:
    """``send_reply`` (ReplySender) and ``send_transcript`` (TranscriptMailer)."""

    def __init__(
        self, settings: EmailSettings, sessions: sessionmaker[Session], outbox: SmtpOutbox, clock: Clock
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock

    async def send_reply(self, conversation: ConversationView, message: StoredMessage) -> None:
        await asyncio.to_thread(self._queue_reply, conversation, message)
        self._outbox.kick()

    def _reply_id(self, conversation_id: str, seq: int) -> str:
        digest = hashlib.sha256(f"{conversation_id}/{seq}".encode()).hexdigest()[:32]
        return composing.new_message_id(self._settings, f"reply-{digest}")

    def _queue_reply(self, conversation: ConversationView, message: StoredMessage) -> None:
        cid = conversation.conversation_id
        message_id = self._reply_id(cid, message.seq)
        with self._sessions.begin() as session:
            if mail_outbox.queued(session, message_id):
                return
            thread = mail_store.thread(session, cid)
            to_address = thread.address if thread else (conversation.customer_address or "")
            if "@" not in to_address:
                return  # nobody to write to (no address known): the message stays in the conversation
            last = _last_customer_mail(session, cid, to_address, self._settings.max_mail_bytes)
            chain = mail_store.thread_chain(session, cid)
            envelope = composing.Envelope(
                to_address, conversation.customer_name, message_id, self._clock.now()
            )
            quote = composing.Quote(last[0].from_name, last[1], last[0].text) if last else None
            mail = composing.reply(
                self._settings,
                envelope,
                subject=thread.subject if thread else conversation.subject,
                ticket_id=conversation.ticket_id,
                queue=conversation.queue,
                language=thread.language if thread else conversation.language,
                text=message.text,
                quote=quote,
                thread=chain,
            )
            now = utc_now(self._clock)
            raw = composing.wire_bytes(mail)
            mail_outbox.enqueue(
                session,
                message_id=message_id,
                kind="reply",
                conversation_id=cid,
                to_address=to_address,
                raw=raw,
                now=now,
            )
            if conversation.ticket_id is not None:
                mail_store.first_response_given(session, conversation.ticket_id, now)
            if thread is not None:
                record = mail_store.HeaderRecord(
                    cid, "out", message_id, chain[0], " ".join(chain[1][-20:]) or None, seq=message.seq
                )
                mail_store.add_header(session, record, now)

    async def send_transcript(
        self, conversation: ConversationView, messages: tuple[StoredMessage, ...], to_address: str
    ) -> None:
        message_id = composing.new_message_id(self._settings, "transcript-" + secrets.token_hex(12))
        envelope = composing.Envelope(to_address, conversation.customer_name, message_id, self._clock.now())
        mail = composing.transcript(self._settings, envelope, conversation.language, messages)
        await self._outbox.queue("transcript", conversation.conversation_id, mail)


def _last_customer_mail(
    session: Session, conversation_id: str, address: str, max_bytes: int
) -> tuple[ParsedMail, float] | None:
    for row in reversed(mail_store.conversation_mails(session, conversation_id)):
        if row.from_address != address:
            continue
        parsed = parse_mail(row.raw, max_bytes)
        if isinstance(parsed, ParsedMail):
            return parsed, row.received_at.timestamp()
    return None
