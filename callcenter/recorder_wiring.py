"""Building the recorder's engine parts: the call-recording index fed from the bus, the desk the web
app uses, and the daily retention job. The engine calls :func:`build_recorder` once its calls exist."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from callcenter.bus import EventBus
from callcenter.call_recordings import CallRecordings
from callcenter.calls.registry import CallRegistry
from callcenter.recording_desk import RecordingDesk
from callcenter.settings import Settings
from recorder.recordings import RecordingIndex

RunTask = Callable[[Coroutine[Any, Any, None], str], None]


@dataclass(frozen=True, slots=True)
class Recorder:
    calls: CallRecordings
    desk: RecordingDesk


def build_recorder(
    settings: Settings,
    sessions: sessionmaker[Session],
    calls: CallRegistry,
    bus: EventBus,
    stack: contextlib.AsyncExitStack,
    run_task: RunTask,
) -> Recorder:
    index = RecordingIndex(sessions)
    recordings = CallRecordings(index, calls, settings)
    stop_listening = bus.listen(recordings.on_event)
    stack.callback(stop_listening)
    run_task(recordings.run(), "call-recordings")
    run_task(recordings.sweep_forever(time.time), "stale-recordings")
    stack.push_async_callback(recordings.close)
    desk = RecordingDesk(index, sessions, settings.recorder, time.time)
    run_task(desk.retention_forever(), "recording-retention")
    return Recorder(recordings, desk)
