"""The live-call journal and the recovery of calls an earlier process left, built for the engine:
the journal keeps ``live_calls`` equal to the call registry; the recovery runs at each AMI resync
(through the call tracker, in event order) and settles waiting callers nobody took back."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from callcenter.calls.live_journal import LiveCallJournal, engine_id
from callcenter.calls.live_recovery import LiveCallRecovery
from callcenter.calls.service import CallService
from callcenter.calls.tracker import AmiCallTracker
from callcenter.settings import Settings

RunTask = Callable[[Coroutine[Any, Any, None], str], None]


@dataclass(frozen=True, slots=True)
class LiveCalls:
    journal: LiveCallJournal
    recovery: LiveCallRecovery


def build_live_calls(
    settings: Settings,
    sessions: sessionmaker[Session],
    service: CallService,
    tracker: AmiCallTracker,
    stack: contextlib.AsyncExitStack,
    run_task: RunTask,
) -> LiveCalls:
    """Call before the AMI starts (its first resync must find the recovery). The journal's close is
    on ``stack`` here, so at a stop it writes the registry before the FastAGI server (built earlier)
    closes the callers' sessions: their rows stay, the callers are still in Asterisk."""
    journal = LiveCallJournal(sessions, service.calls.live, time.time, engine_id())
    recovery = LiveCallRecovery(service, journal, sessions, settings.default_region)
    tracker.recovery = recovery
    journal.start()
    stack.push_async_callback(journal.close)
    stack.push_async_callback(recovery.close)
    run_task(recovery.run(), "live-call-recovery")
    return LiveCalls(journal, recovery)
