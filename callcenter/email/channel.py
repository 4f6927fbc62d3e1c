"""The e-mail channel assembled: intake → processor → ConversationPort; replies → outbox → SMTP.

The engine builds it with :func:`build_email_channel` when ``email.enabled`` and hands
``channel.replies`` / ``channel.transcripts`` to the conversation service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from callcenter.conversations.api import ConversationPort, ReplySender, TranscriptMailer
from callcenter.email.desk import EmailDesk
from callcenter.email.imap_wire import ImapCredentialFilter, guard_imap_logs, unguard_imap_logs
from callcenter.email.intake import ImapIntake
from callcenter.email.outbox import SmtpOutbox
from callcenter.email.processing import MailProcessor
from callcenter.email.replies import EmailReplies
from callcenter.settings_email import EmailSettings
from crm_core.clock import Clock

log = logging.getLogger(__name__)


class EmailChannel:
    def __init__(
        self,
        settings: EmailSettings,
        sessions: sessionmaker[Session],
        conversations: ConversationPort,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.outbox = SmtpOutbox(settings, sessions, clock)
        self.processor = MailProcessor(settings, sessions, conversations, self.outbox, clock)
        self._stored = asyncio.Event()
        self.intake = ImapIntake(settings, sessions, clock, self._stored.set)
        self._replies = EmailReplies(settings, sessions, self.outbox, clock)
        self.desk = EmailDesk(settings, sessions, conversations, clock)
        self._tasks: list[asyncio.Task[None]] = []
        self._guard: ImapCredentialFilter | None = None

    @property
    def replies(self) -> ReplySender:
        return self._replies

    @property
    def transcripts(self) -> TranscriptMailer:
        return self._replies

    async def start(self) -> None:
        """Start intake, processing and sending; mail stored before a restart is processed first."""
        self._guard = guard_imap_logs(self.settings.imap_password.get_secret_value())
        self._stored.set()
        self._tasks = [
            asyncio.create_task(self.intake.run(), name="email-intake"),
            asyncio.create_task(self._process_loop(), name="email-processing"),
            asyncio.create_task(self.outbox.run(), name="email-outbox"),
        ]
        self.outbox.kick()

    async def _process_loop(self) -> None:
        while True:
            # Woken by the intake; also every poll interval, to retry mail the service refused.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stored.wait(), self.settings.poll_interval_s)
            self._stored.clear()
            try:
                await self.processor.process_pending()
            except Exception:  # the loop outlives a failure; the mail stays "new" and is retried
                log.exception("email processing failed")
                await asyncio.sleep(1.0)
                self._stored.set()

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        pending = set(tasks)
        while pending:
            # Cancel again until they end: on Python 3.11 ``asyncio.wait_for`` can swallow a
            # cancellation that lands as its own timeout fires (the loops would run on forever).
            for task in pending:
                task.cancel()
            _done, pending = await asyncio.wait(pending, timeout=1.0)
        await self.intake.close()
        if self._guard is not None:
            unguard_imap_logs(self._guard)
            self._guard = None


class _TakesEmailPorts(ConversationPort, Protocol):
    def set_reply_sender(self, port: ReplySender) -> None: ...

    def set_transcript_mailer(self, port: TranscriptMailer) -> None: ...


async def attach_email_channel(
    settings: EmailSettings,
    sessions: sessionmaker[Session],
    conversations: _TakesEmailPorts,
    clock: Clock,
    stack: contextlib.AsyncExitStack,
) -> EmailChannel | None:
    """The engine's one call: with ``email.enabled``, build and start the channel, give the
    conversation service its mail ports, and stop it with the engine. None when disabled."""
    if not settings.enabled:
        return None
    channel = build_email_channel(settings, sessions, conversations, clock)
    conversations.set_reply_sender(channel.replies)
    conversations.set_transcript_mailer(channel.transcripts)
    await channel.start()
    stack.push_async_callback(channel.stop)
    return channel


def build_email_channel(
    settings: EmailSettings,
    sessions: sessionmaker[Session],
    conversations: ConversationPort,
    clock: Clock,
) -> EmailChannel:
    return EmailChannel(settings, sessions, conversations, clock)
