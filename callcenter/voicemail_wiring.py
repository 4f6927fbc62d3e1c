"""The engine's voicemail wiring: the FastAGI taker over the inbox (record, work item, transcript).

Built once the conversation service exists (:class:`callcenter.app.Engine` calls
:func:`build_voicemail`). The engine-side directory is checked at start: a directory the engine
cannot see is said clearly in the log (messages would go unread; callers are queued instead)."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Collection
from pathlib import Path, PurePosixPath

from sqlalchemy.orm import Session, sessionmaker

from callcenter.bus import EventBus
from callcenter.calls.voicemail_taker import VoicemailTaker
from callcenter.conversations.api import ConversationPort
from callcenter.email.channel import EmailChannel
from callcenter.settings import Settings
from callcenter.voicemail_inbox import VoicemailInbox
from callcenter.voicemail_transcript import load_transcriber
from recorder.voicemail_store import VoicemailStore

log = logging.getLogger(__name__)


def build_voicemail(
    settings: Settings,
    sessions: sessionmaker[Session],
    conversations: ConversationPort,
    bus: EventBus,
    queues: Callable[[], Collection[str]],
    default_queue: Callable[[], str],
    email: Callable[[], EmailChannel | None],
    stack: contextlib.AsyncExitStack,
) -> tuple[VoicemailTaker, VoicemailInbox]:
    s = settings.voicemail
    if not PurePosixPath(s.asterisk_dir).is_absolute():
        local = Path(s.asterisk_dir).resolve()
        local.mkdir(parents=True, exist_ok=True)
        s = s.model_copy(update={"asterisk_dir": str(local), "engine_dir": s.engine_dir or str(local)})
    engine_dir = Path(s.engine_path)
    if not engine_dir.is_dir():
        log.error(
            "the voicemail directory is not visible to the engine; callers will be queued instead "
            "(set voicemail.engine_dir to where the engine sees voicemail.asterisk_dir)",
            extra={"engine_dir": str(engine_dir), "asterisk_dir": s.asterisk_dir},
        )
    store = VoicemailStore(sessions, time.time)
    if s.notify and not settings.email.enabled:
        log.warning("voicemail.notify is set but the e-mail channel is off: no notification will be sent")
    transcriber = load_transcriber(s.speech_model)
    inbox = VoicemailInbox(store, conversations, transcriber, settings.ivr.language, s.notify, email)
    stack.push_async_callback(inbox.drain)
    stack.callback(bus.listen(inbox.on_event))
    return VoicemailTaker(s, inbox, queues, default_queue), inbox
