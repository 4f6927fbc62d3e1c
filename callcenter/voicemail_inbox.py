"""Where a recorded message goes (:class:`callcenter.calls.voicemail_taker.VoicemailSink`): a row in
``voicemails`` first (nothing is lost if the rest fails), then a ``voicemail`` conversation routed by
the ACD, then, with a speech model, a transcript made in a worker thread, and where the queue asks
for it (``voicemail.notify``) an e-mail with the audio through the e-mail channel's outbox."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from acd.model import Channel
from callcenter.calls.registry import LiveCall
from callcenter.conversations.api import ConversationPort, ConversationStatus
from callcenter.conversations.core import new_id
from callcenter.conversations.events import ConversationStatusChanged
from callcenter.conversations.voicemail_types import IncomingVoicemail
from callcenter.email.channel import EmailChannel
from callcenter.email.composing import new_message_id
from callcenter.voicemail_mail import VoicemailNotice, notification
from callcenter.voicemail_transcript import Transcriber
from recorder.voicemail import MessageFile, VoicemailFileUnreadable
from recorder.voicemail_store import NewVoicemail, VoicemailStore

log = logging.getLogger(__name__)


class VoicemailInbox:
    def __init__(
        self,
        store: VoicemailStore,
        conversations: ConversationPort,
        transcriber: Transcriber | None,
        language: str,
        notify: Mapping[str, str] | None = None,
        email: Callable[[], EmailChannel | None] = lambda: None,
    ) -> None:
        self.store = store
        self._conversations = conversations
        self._transcriber = transcriber
        self._language = language
        self._notify = dict(notify or {})
        self._email = email
        self._tasks: set[asyncio.Task[None]] = set()

    async def requeue_unqueued(self) -> int:
        """At start: messages recorded just before the engine stopped become work items now."""
        opened = 0
        for row in await self.store.unqueued():
            incoming = IncomingVoicemail(
                row.id, row.caller_number, row.caller_name, row.queue, row.duration_s, self._language
            )
            try:
                view = await self._conversations.open_voicemail(incoming)
            except Exception:
                log.exception(
                    "voicemail not queued at start", extra={"voicemail": row.id, "queue": row.queue}
                )
                continue
            await self.store.opened(row.id, view.conversation_id, view.customer_id)
            opened += 1
        if opened:
            log.info("voicemails recorded before the restart queued", extra={"voicemails": opened})
        return opened

    async def deliver(self, call: LiveCall, mailbox: str, queue: str, message: MessageFile) -> None:
        new = NewVoicemail(
            call.uniqueid, call.caller_number, call.caller_name, mailbox, queue, str(message.path),
            message.duration_s, message.size_bytes,
        )  # fmt: skip
        voicemail_id = await self.store.add(new)
        log.info(
            "voicemail recorded", extra={"voicemail": voicemail_id, "queue": queue, "s": message.duration_s}
        )
        try:
            language = call.language or self._language
            incoming = IncomingVoicemail(
                voicemail_id, call.caller_number, call.caller_name, queue, message.duration_s, language
            )
            view = await self._conversations.open_voicemail(incoming)
        except Exception:
            log.exception("voicemail kept but not queued for an agent", extra={"voicemail": voicemail_id})
            return
        await self.store.opened(voicemail_id, view.conversation_id, view.customer_id)
        if view.queue in self._notify:
            notice = VoicemailNotice(
                self._notify[view.queue], "", time.time(), language, call.caller_number,
                view.customer_name, view.queue, message.duration_s,
            )  # fmt: skip
            self._spawn(self._mail(notice, view.conversation_id, message.path), "voicemail-mail")
        if self._transcriber is not None:
            task = asyncio.create_task(
                self._transcribe(voicemail_id, message.path), name="voicemail-transcript"
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def on_event(self, event: object) -> None:
        """Bus listener: a voicemail conversation wrapped up (ended) marks its message done."""
        if (
            isinstance(event, ConversationStatusChanged)
            and event.channel is Channel.VOICEMAIL
            and event.status is ConversationStatus.ENDED
        ):
            self._spawn(self.store.done(event.conversation_id), "voicemail-done")

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        async def logged() -> None:
            try:
                await work
            except Exception:
                log.exception("voicemail task failed", extra={"task": name})

        task = asyncio.get_running_loop().create_task(logged(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def unreadable(
        self, call: LiveCall, mailbox: str, queue: str, error: VoicemailFileUnreadable
    ) -> None:
        new = NewVoicemail(
            call.uniqueid,
            call.caller_number,
            call.caller_name,
            mailbox,
            queue,
            str(error.path),
            0.0,
            0,
            "missing",
        )
        await self.store.add(new)

    async def _mail(self, notice: VoicemailNotice, conversation_id: str, path: Path) -> None:
        channel = self._email()
        if channel is None:
            log.warning(
                "voicemail notification not sent: the e-mail channel is off", extra={"queue": notice.queue}
            )
            return
        wav = await asyncio.to_thread(path.read_bytes)
        notice = dataclasses.replace(notice, message_id=new_message_id(channel.settings, new_id("vm")))
        mail = notification(channel.settings, notice, wav, path.name)
        await channel.outbox.queue("voicemail", conversation_id, mail)

    async def _transcribe(self, voicemail_id: int, path: Path) -> None:
        assert self._transcriber is not None
        text = await asyncio.to_thread(self._transcriber.transcribe, path)
        await self.store.set_transcript(voicemail_id, text)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
