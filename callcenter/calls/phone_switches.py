"""A supervisor who switches listen / whisper / barge with their own phone's keys (ChanSpy option
``d``: 4, 5, 6) is published and audited like a switch from the console: who, which agent, which
call, what mode, and ``via: phone``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.registry import CallRegistry
from callcenter.calls.supervision import SpyMode
from callcenter.clock import SystemClock
from callcenter.events import SupervisionChanged
from crm_core.audit import AuditLog
from crm_core.users import UserService

log = logging.getLogger(__name__)


class PhoneSwitchAudit:
    """The :meth:`Supervision.watch_phone_switches` reporter."""

    def __init__(
        self,
        calls: CallRegistry,
        publish: Callable[[object], None],
        sessions: sessionmaker[Session],
        clock: Callable[[], float],
    ) -> None:
        self._calls = calls
        self._publish = publish
        self._sessions = sessions
        self._clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()

    def __call__(self, supervisor: str, spied: str, mode: SpyMode) -> None:
        call = self._calls.by_agent_channel(spied)
        if call is None or call.agent_id is None:
            log.warning("phone switch on no known call", extra={"supervisor": supervisor, "spied": spied})
            return
        now = self._clock()
        self._publish(SupervisionChanged(supervisor, call.agent_id, mode, now))
        details = {"call": call.uniqueid, "caller": call.caller_number, "via": "phone"}
        entry = (supervisor, f"supervise.{mode}", f"agent:{call.agent_id}", details, now)
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._audit, *entry))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _audit(self, supervisor: str, action: str, target: str, details: dict[str, str], at: float) -> None:
        with self._sessions.begin() as session:
            found = UserService(SystemClock()).credentials(session, supervisor)
            role = found[0].role if found is not None else "supervisor"
            AuditLog().record(session, at, supervisor, role, action, target, details)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("phone switch not audited", exc_info=task.exception())
