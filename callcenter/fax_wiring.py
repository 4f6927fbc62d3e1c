"""The engine's fax parts (``fax.enabled``), built by :class:`callcenter.app.Engine` once the
conversation service and the AMI client exist; the IVR's FastAGI route asks :func:`fax_or_ivr`
first, so a call to a fax number is received as a fax instead of meeting the IVR."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callcenter.asterisk.agi_session import AgiSession
from callcenter.asterisk.ami_client import AmiClient
from callcenter.conversations.api import ConversationPort
from callcenter.errors import ConfigError
from callcenter.fax.ami_dialer import AmiFaxDialer
from callcenter.fax.desk import FaxDesk
from callcenter.fax.inbound import FaxReceiver
from callcenter.fax.outbound import FaxSender
from callcenter.fax.records import FaxRecords
from callcenter.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FaxParts:
    records: FaxRecords
    receiver: FaxReceiver
    sender: FaxSender
    desk: FaxDesk


def _now() -> datetime:
    return datetime.now(UTC)


async def build_fax(
    settings: Settings,
    sessions: sessionmaker[Session],
    conversations: ConversationPort,
    ami: AmiClient,
    known_queues: Collection[str],
    stack: contextlib.AsyncExitStack,
) -> FaxParts | None:
    fax = settings.fax
    if not fax.enabled:
        return None
    if fax.queue not in known_queues:
        raise ConfigError(f"fax.queue {fax.queue!r} is not a configured queue")
    engine_dir = Path(fax.engine_path())
    if not engine_dir.is_dir():
        # Not fatal: Asterisk may create it on the first fax; the engine says where it looks.
        log.warning("fax directory not visible to the engine yet", extra={"path": str(engine_dir)})
    records = FaxRecords(sessions, settings.default_region)
    sender = FaxSender(fax, records, AmiFaxDialer(ami, settings.dialplan.outbound_trunk), _now)
    stack.callback(ami.subscribe(sender.on_ami_event))
    stack.push_async_callback(sender.stop)
    await sender.resume()
    receiver = FaxReceiver(fax, records, conversations, _now)
    return FaxParts(records, receiver, sender, FaxDesk(records, sender, conversations))


async def fax_or_ivr(parts: FaxParts | None, session: AgiSession, ivr: Callable[[], Awaitable[None]]) -> None:
    if parts is not None and parts.receiver.is_fax_call(session):
        await parts.receiver.on_call(session)
    else:
        await ivr()
