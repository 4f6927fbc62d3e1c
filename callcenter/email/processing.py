"""Stored raw mail → conversation: parse, thread, hand to the ConversationPort, acknowledge.

Raw first: the intake has already committed the bytes. Here a mail is ``new`` until the one
transaction that records its thread, headers, acknowledgement (in the outbox) and the ``processed``
marker, so a crash before that commit processes it again. A second copy of a Message-ID we already
took in is marked processed without a second conversation message.

Threading, in order: a stored Message-ID among In-Reply-To / References; else a subject tag
``[#T-123]`` whose ticket was opened by this very sender address; else a new conversation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from callcenter.conversations.api import ConversationPort, ConversationView, IncomingEmail
from callcenter.conversations.email import mail_client_id
from callcenter.email import composing
from callcenter.email.ordering import MailKey, mail_key, waits_for
from callcenter.email.outbox import SmtpOutbox
from callcenter.email.parsing import ParsedMail, Quarantine, parse_mail
from callcenter.email.rules import acknowledgement_refused, route, tagged_ticket
from callcenter.errors import CallCenterError
from callcenter.settings_email import EmailSettings
from crm_core import mail_outbox, mail_store
from crm_core.clock import Clock, utc_now

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    OPENED = "opened"
    THREADED = "threaded"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"
    SKIPPED = "skipped"  # already processed, or not found


@dataclasses.dataclass(frozen=True, slots=True)
class _Prepared:
    row: mail_store.RawMailView
    mail: ParsedMail
    answers: str | None  # the conversation this mail answers
    got_through: str | None  # the conversation an earlier, unrecorded attempt opened


def _answered_conversation(session: Session, mail: ParsedMail) -> str | None:
    found = mail_store.thread_by_reference(session, (*mail.in_reply_to, *mail.references))
    if found is None:
        ticket = tagged_ticket(mail.subject)
        if ticket is not None:
            found = mail_store.thread_by_ticket(session, ticket, mail.from_address)
    return found


class MailProcessor:
    def __init__(
        self,
        settings: EmailSettings,
        sessions: sessionmaker[Session],
        conversations: ConversationPort,
        outbox: SmtpOutbox,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._conversations = conversations
        self._outbox = outbox
        self._clock = clock
        self._lock = asyncio.Lock()
        self.acknowledgements_refused: dict[str, int] = {}

    async def process_pending(self) -> dict[Outcome, int]:
        """Process every stored mail not processed yet: ``process_concurrency`` at a time, each
        after the mails it depends on (:mod:`callcenter.email.ordering`)."""
        counts: dict[Outcome, int] = {}
        async with self._lock:
            while True:
                keys = await asyncio.to_thread(self._unprocessed)
                if not keys:
                    return counts
                outcomes = await self._batch(keys)
                for outcome in outcomes:
                    if outcome is not None:
                        counts[outcome] = counts.get(outcome, 0) + 1
                if all(outcome is None for outcome in outcomes):
                    return counts  # nothing moved: the service refuses; the next round retries

    async def _batch(self, keys: list[MailKey]) -> list[Outcome | None]:
        after = waits_for(keys)
        gate = asyncio.Semaphore(self._settings.process_concurrency)
        tasks: dict[int, asyncio.Task[Outcome | None]] = {}

        async def one(raw_id: int) -> Outcome | None:
            if after[raw_id]:  # finished, whichever way (a refused one is retried next round)
                await asyncio.wait([tasks[earlier] for earlier in after[raw_id]])
            async with gate:
                try:
                    return await self.process_one(raw_id)
                except CallCenterError as exc:
                    log.warning(
                        "mail not handed over; retried later", extra={"raw_id": raw_id, "code": exc.code}
                    )
                    return None

        for key in keys:
            tasks[key.raw_id] = asyncio.create_task(one(key.raw_id))
        try:
            return list(await asyncio.gather(*tasks.values()))
        finally:
            for task in tasks.values():
                task.cancel()

    def _unprocessed(self) -> list[MailKey]:
        with self._sessions() as session:
            return [mail_key(row.id, row.raw) for row in mail_store.unprocessed_mails(session)]

    async def process_one(self, raw_id: int) -> Outcome:
        prepared = await asyncio.to_thread(self._prepare, raw_id)
        if isinstance(prepared, Outcome):
            return prepared
        row, parsed = prepared.row, prepared.mail
        queue, skills = route(self._settings, parsed.from_address, parsed.subject)
        incoming = IncomingEmail(
            mailbox=self._settings.address,
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            subject=parsed.subject,
            text=parsed.text or parsed.subject,  # a photo alone: the agent still sees what it is about
            message_id=parsed.message_id,
            language=parsed.language,
            queue=queue,
            skills=skills,
        )
        if prepared.answers is not None:  # the service stores a Message-ID once: a retry is harmless
            stored = await self._conversations.add_customer_email(prepared.answers, incoming)
            await asyncio.to_thread(self._record_reply, row.id, prepared.answers, parsed, stored.seq)
            return Outcome.THREADED
        if prepared.got_through is not None:  # opened before a crash, not recorded: not twice
            view = await self._conversations.view(prepared.got_through)
        else:
            view = await self._conversations.open_email(incoming)
        await asyncio.to_thread(self._record_new, row, view, parsed, queue)
        self._outbox.kick()
        return Outcome.OPENED

    def _prepare(self, raw_id: int) -> _Prepared | Outcome:
        """One transaction: read, parse (or quarantine), find the thread, count the attempt."""
        with self._sessions.begin() as session:
            row = mail_store.raw_mail(session, raw_id)
            if row is None or row.status != "new":
                return Outcome.SKIPPED
            now = utc_now(self._clock)
            parsed = parse_mail(row.raw, self._settings.max_mail_bytes)
            if isinstance(parsed, Quarantine):
                mail_store.quarantine(session, raw_id, parsed.reason, parsed.detail, now)
                log.warning("mail quarantined", extra={"raw_id": raw_id, "reason": parsed.reason})
                return Outcome.QUARANTINED
            known = mail_store.known_incoming(session, parsed.message_id)
            if known is not None:  # a second copy of a mail we have
                mail_store.mark_processed(session, raw_id, known, parsed.from_address, parsed.subject, now)
                return Outcome.DUPLICATE
            answers = _answered_conversation(session, parsed)
            earlier = mail_store.begin_attempt(session, raw_id)
            got_through = None
            if earlier and answers is None:
                client_id = mail_client_id(parsed.message_id)
                got_through = mail_store.conversation_of_mail(session, parsed.from_address, client_id)
            return _Prepared(row, parsed, answers, got_through)

    def _header(
        self, conversation_id: str, mail: ParsedMail, seq: int | None, raw_id: int
    ) -> mail_store.HeaderRecord:
        return mail_store.HeaderRecord(
            conversation_id=conversation_id,
            direction="in",
            message_id=mail.message_id,
            in_reply_to=mail.in_reply_to[0] if mail.in_reply_to else None,
            references=" ".join(mail.references) or None,
            seq=seq,
            raw_id=raw_id,
        )

    def _record_reply(self, raw_id: int, conversation_id: str, mail: ParsedMail, seq: int) -> None:
        with self._sessions.begin() as session:
            now = utc_now(self._clock)
            mail_store.add_header(session, self._header(conversation_id, mail, seq, raw_id), now)
            mail_store.mark_processed(session, raw_id, conversation_id, mail.from_address, mail.subject, now)

    def _record_new(
        self, row: mail_store.RawMailView, view: ConversationView, mail: ParsedMail, queue: str
    ) -> None:
        raw_id = row.id
        cid = view.conversation_id
        with self._sessions.begin() as session:
            now = utc_now(self._clock)
            thread = mail_store.ThreadView(
                cid, view.ticket_id, mail.from_address, mail.subject, mail.language, queue
            )
            mail_store.save_thread(session, thread, now)
            mail_store.add_header(session, self._header(cid, mail, view.last_seq or None, raw_id), now)
            if view.ticket_id is not None:
                due = row.received_at + timedelta(hours=self._settings.first_response_sla_h)  # from intake
                mail_store.start_first_response_timer(session, view.ticket_id, due)
            self._acknowledge(session, view, mail)
            mail_store.mark_processed(session, raw_id, cid, mail.from_address, mail.subject, now)

    def _acknowledge(self, session: Session, view: ConversationView, mail: ParsedMail) -> None:
        refused = acknowledgement_refused(mail, self._settings.ours())
        if not self._settings.acknowledge or view.ticket_id is None:
            refused = refused or "disabled"
        if refused is not None:
            self.acknowledgements_refused[refused] = self.acknowledgements_refused.get(refused, 0) + 1
            log.info("no acknowledgement", extra={"conversation_id": view.conversation_id, "why": refused})
            return
        assert view.ticket_id is not None
        message_id = composing.new_message_id(self._settings, "ack-" + secrets.token_hex(12))
        envelope = composing.Envelope(mail.from_address, mail.from_name, message_id, self._clock.now())
        ack = composing.acknowledgement(
            self._settings, envelope, view.ticket_id, mail.language, mail.message_id
        )
        now = utc_now(self._clock)
        mail_outbox.enqueue(
            session,
            message_id=message_id,
            kind="ack",
            conversation_id=view.conversation_id,
            to_address=mail.from_address,
            raw=composing.wire_bytes(ack),
            now=now,
        )
        header = mail_store.HeaderRecord(
            view.conversation_id, "out", message_id, mail.message_id, mail.message_id
        )
        mail_store.add_header(session, header, now)
