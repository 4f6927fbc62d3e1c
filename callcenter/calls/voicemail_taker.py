"""The caller leaves a message, recorded by the engine over FastAGI (no Asterisk mailbox, nothing left
in a spool nobody reads), as recorded in ``voicemail.jsonl``::

    STREAM FILE vm-intro ""                       (unless the flow played its own prompt)
    RECORD FILE <asterisk_dir>/vm-<call>-1 wav "#" 180000 0 BEEP s=5   -> 200 result=35 (dtmf) endpos=…
    STREAM FILE vm-review "123#"                  (1 or # or nothing: send, 2: listen, 3: record again)
    STREAM FILE vm-msgsaved ""
    HANGUP

The message then goes to a :class:`VoicemailSink` (a record, a ``voicemail`` work item). When the
recording fails on our side (Asterisk cannot write the file, the engine cannot read it), the caller
is never left in silence: :meth:`VoicemailTaker.take` returns the queue they wait in instead.
A caller who hangs up while speaking has left a message: it is kept when long enough.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Protocol

from callcenter.caller_media import CallerMedia, MediaFailed
from callcenter.calls.registry import LiveCall
from callcenter.settings_voicemail import VoicemailSettings
from ivr_flows.errors import CallerGone, PromptMissing
from recorder.voicemail import MessageFile, VoicemailFileUnreadable, message_paths, queue_for, read_message

log = logging.getLogger(__name__)
REVIEW_KEYS = "123#"
REVIEW_WAIT_MS = 5000
MAX_TAKES = 3


class VoicemailSink(Protocol):
    async def deliver(self, call: LiveCall, mailbox: str, queue: str, message: MessageFile) -> None:
        """Keep the message (a record) and make it a work item; must not raise for a bad CRM."""

    async def unreadable(
        self, call: LiveCall, mailbox: str, queue: str, error: VoicemailFileUnreadable
    ) -> None:
        """Record that a message could not be read (the caller is queued instead)."""


class VoicemailTaker:
    def __init__(
        self,
        settings: VoicemailSettings,
        sink: VoicemailSink,
        queues: Callable[[], Collection[str]],
        default_queue: Callable[[], str],
    ) -> None:
        self._s = settings
        self._sink = sink
        self._queues = queues
        self._default_queue = default_queue

    async def take(self, media: CallerMedia, call: LiveCall, mailbox: str, intro: bool = True) -> str | None:
        """Record and deliver the caller's message; None when done (the caller is gone or hung up),
        else the queue the caller must wait in because the recording failed."""
        queue = queue_for(mailbox, self._s.mailboxes, self._queues(), self._default_queue())
        try:
            if intro:
                await _play(media, self._s.intro_prompt)
            message = await self._record(media, call)
        except CallerGone:
            return None
        except (MediaFailed, VoicemailFileUnreadable) as exc:
            log.error(
                "voicemail could not be recorded; the caller is queued instead",
                extra={"uniqueid": call.uniqueid, "queue": queue, "error": str(exc)},
            )
            if isinstance(exc, VoicemailFileUnreadable):
                await self._sink.unreadable(call, mailbox, queue, exc)
            return queue
        if message is not None:
            await self._sink.deliver(call, mailbox, queue, message)
        return None

    async def _record(self, media: CallerMedia, call: LiveCall) -> MessageFile | None:
        """The accepted message (None: the caller hung up before saying anything worth keeping).
        Once a take is recorded it is kept whatever happens next (a hang-up during the review, a
        failing line while re-recording)."""
        kept: MessageFile | None = None
        for attempt in range(1, MAX_TAKES + 1):
            paths = message_paths(self._s.asterisk_dir, self._s.engine_path, call.uniqueid, attempt)
            try:
                await media.record_message(paths.asterisk_base, self._s.max_seconds * 1000, self._s.silence_s)
            except CallerGone:
                return self._kept_after_hangup(paths.engine_file, call) or kept
            except MediaFailed:
                if kept is None:
                    raise
                log.exception(
                    "recording again failed; the earlier take is kept", extra={"uniqueid": call.uniqueid}
                )
                return kept
            kept = read_message(paths.engine_file)
            try:
                choice = await self._review(media, paths.asterisk_base) if self._s.review else "1"
                if choice != "3" or attempt == MAX_TAKES:
                    await _play(media, self._s.saved_prompt)
                    await _hang_up(media)
                    return kept
            except (CallerGone, MediaFailed):
                return kept  # the message was left; the caller hung up while reviewing it
        return kept

    def _kept_after_hangup(self, path: Path, call: LiveCall) -> MessageFile | None:
        try:
            message = read_message(path)
        except VoicemailFileUnreadable as exc:
            log.error("voicemail of a caller who hung up is unreadable", extra={"error": str(exc)})
            return None
        if message.duration_s < self._s.min_seconds:
            log.info("caller hung up at the beep; no message", extra={"uniqueid": call.uniqueid})
            return None
        return message

    async def _review(self, media: CallerMedia, asterisk_base: str) -> str:
        """1 / # / nothing: send; 2: listen, then choose again; 3: record again."""
        for _ in range(MAX_TAKES):
            key = await _play(media, self._s.review_prompt, REVIEW_KEYS)
            if key is None and self._s.review_prompt:
                key = await media.wait_for_digit(REVIEW_WAIT_MS)
            if key != "2":
                return key if key in ("1", "3") else "1"
            await _play(media, asterisk_base, REVIEW_KEYS)
        return "1"


async def _play(media: CallerMedia, prompt: str, keys: str = "") -> str | None:
    """A missing prompt is logged and skipped: the message matters more than the words around it."""
    if not prompt:
        return None
    try:
        return await media.play(prompt, keys)
    except PromptMissing:
        log.warning("voicemail prompt missing", extra={"prompt": prompt})
        return None


async def _hang_up(media: CallerMedia) -> None:
    try:
        await media.hangup()
    except (CallerGone, MediaFailed):
        log.debug("caller gone before the hang-up")
