"""Call recordings kept in the recorder's index, from the engine's call events.

The call service starts MixMonitor as a caller and an agent are connected, pauses it for card data
(MixMonitorMute) and the call ends with the caller's hangup; it publishes ``CallConnected``,
``RecordingPaused`` and ``CallEnded`` on the bus. This listener turns each into a job for the index
(``recorder.recordings``), done in order, off the event loop. At the end the file is checked where
the engine sees it; a file not (yet) usable is looked at again after ``check_grace_s`` (Asterisk
closes it as the call hangs up), then flagged ``missing`` with its reason, logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from callcenter.calls.registry import CallRegistry, LiveCall
from callcenter.events import CallConnected, CallEnded, RecordingPaused
from callcenter.settings import Settings
from recorder.files import check_recording, engine_path
from recorder.recordings import NewRecording, RecordingIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Pause:
    uniqueid: str
    paused: bool
    at: float


@dataclass(frozen=True, slots=True)
class _End:
    uniqueid: str
    at: float


_Job = NewRecording | _Pause | _End


def _written_at(path: Path, otherwise: float) -> float:
    try:
        return max(otherwise, path.stat().st_mtime)
    except OSError:
        return otherwise


def _customer_id(call: LiveCall) -> int | None:
    found = call.caller_info.customer_id if call.caller_info is not None else None
    return int(found) if found is not None and found.isdigit() else None


class CallRecordings:
    def __init__(self, index: RecordingIndex, calls: CallRegistry, settings: Settings) -> None:
        self.index = index
        self._calls = calls
        self._asterisk_dir = settings.dialplan.recordings_dir
        self._engine_dir = settings.recorder.engine_dir
        self._grace_s = settings.recorder.check_grace_s
        self._max_call_s = settings.recorder.max_call_h * 3600
        self._jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self._rechecks: set[asyncio.Task[None]] = set()
        self.idle = asyncio.Event()
        self.idle.set()

    def engine_path(self, asterisk_path: str) -> Path:
        return engine_path(asterisk_path, self._asterisk_dir, self._engine_dir)

    def on_event(self, event: object) -> None:
        """A bus listener: quick, no I/O; the call's details are read now (it may be gone later)."""
        job: _Job | None = None
        if isinstance(event, CallConnected):
            call = self._calls.get(event.uniqueid)
            if call is not None and call.recording_path:
                job = NewRecording(
                    uniqueid=call.uniqueid,
                    channel=call.channel,
                    asterisk_path=call.recording_path,
                    path=self.engine_path(call.recording_path),
                    started_at=event.at,
                    queue=call.queue,
                    agent_id=event.agent_id,
                    customer_id=_customer_id(call),
                    caller_number=call.caller_number or None,
                )
        elif isinstance(event, RecordingPaused):
            job = _Pause(event.uniqueid, event.paused, event.at)
        elif isinstance(event, CallEnded):
            job = _End(event.uniqueid, event.at)
        if job is not None:
            self.idle.clear()
            self._jobs.put_nowait(job)

    async def run(self) -> None:
        while True:
            job = await self._jobs.get()
            try:
                await self._do(job)
            except Exception:
                log.exception("recording index update failed", extra={"job": repr(job)})
            if self._jobs.empty() and not self._rechecks:
                self.idle.set()

    async def _do(self, job: _Job) -> None:
        if isinstance(job, NewRecording):
            await asyncio.to_thread(self.index.start, job)
        elif isinstance(job, _Pause):
            await asyncio.to_thread(self.index.pause, job.uniqueid, job.paused, job.at)
        else:
            await self._finish(job, recheck=self._grace_s > 0)

    async def _finish(self, job: _End, recheck: bool) -> None:
        found = await asyncio.to_thread(self.index.by_uniqueid, job.uniqueid)
        if found is None or found.state != "recording":
            return
        check = await asyncio.to_thread(check_recording, Path(found.path))
        if not check.ok and recheck:
            self._later(job)
            return
        await asyncio.to_thread(self.index.finish, job.uniqueid, job.at, check)
        if check.ok:
            log.info("recording complete", extra={"uniqueid": job.uniqueid, "size": check.size})
        else:
            # The engine cannot read what Asterisk wrote: a wrong shared path, or no file at all.
            log.warning(
                "recording file missing",
                extra={"uniqueid": job.uniqueid, "path": found.path, "reason": check.reason},
            )

    def _later(self, job: _End) -> None:
        async def recheck() -> None:
            await asyncio.sleep(self._grace_s)
            try:
                await self._finish(job, recheck=False)
            except Exception:
                log.exception("recording check failed", extra={"uniqueid": job.uniqueid})

        task = asyncio.create_task(recheck(), name=f"recording-recheck-{job.uniqueid}")
        self._rechecks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._rechecks.discard(finished)
            if self._jobs.empty() and not self._rechecks:
                self.idle.set()

        task.add_done_callback(done)

    async def close_stale(self, now: float) -> int:
        """Recordings still running ``max_call_h`` after their start lost their call's end (the engine
        was down): each file is checked and the record closed, ending when the file was last written."""
        closed = 0
        for uniqueid, path, started in await asyncio.to_thread(self.index.stale, now - self._max_call_s):
            check = await asyncio.to_thread(check_recording, Path(path))
            ended = await asyncio.to_thread(_written_at, Path(path), started)
            await asyncio.to_thread(self.index.finish, uniqueid, ended, check)
            log.warning(
                "recording closed without its call's end",
                extra={"uniqueid": uniqueid, "path": path, "reason": check.reason},
            )
            closed += 1
        return closed

    async def sweep_forever(self, clock: Callable[[], float], every_s: float = 3600.0) -> None:
        while True:
            try:
                await self.close_stale(clock())
            except Exception:
                log.exception("closing stale recordings failed")
            await asyncio.sleep(every_s)

    async def close(self) -> None:
        for task in tuple(self._rechecks):
            task.cancel()
