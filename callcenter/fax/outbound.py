"""Sending an agent's PDF: convert it to TIFF-F, then ``Originate`` the number over the trunk
straight into ``SendFAX`` (no dialplan needed), and follow the call on AMI.

    Originate Channel: PJSIP/4155550177@pstn-out / Application: SendFAX / Data: <tiff> /
              ChannelId: <ours> / Async: true
    busy or no answer → OriginateResponse Response: Failure (Reason 0 even for busy, fact 16)
    answered          → VarSet FAX* on our channel …, then Event: SendFAX (pages, station, rate)

The SendFAX event carries no status: the last FAXSTATUS seen on the channel decides (the
recorded sender of a good fax still has FAXERROR HANGUP). A channel that hangs up without a
SendFAX event failed. A line that did not take the call is tried again, ``send_attempts`` tries
in all, ``retry_interval_s`` apart; a started session that failed is not resent by itself.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from callcenter.asterisk import ami_events as ev
from callcenter.fax.errors import FaxError
from callcenter.fax.inbound import file_stem
from callcenter.fax.records import FaxRecords
from callcenter.pbx import PbxError
from callcenter.settings_fax import FaxSettings
from crm_core.faxes import FaxView
from recorder.fax import FaxResult, RetryPlan, event_result, fax_result, next_attempt
from recorder.fax_files import PDF_MAGIC, FaxDocumentError, pdf_to_tiff_async

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"^\+?[0-9]{3,20}$")
RESUME_DELAY_S = 5.0


class FaxDialer(Protocol):
    """Places the fax call (:class:`callcenter.fax.ami_dialer.AmiFaxDialer` over AMI)."""

    async def send_fax(self, number: str, tiff_path: str, channel_id: str) -> None: ...


class FaxSender:
    def __init__(
        self,
        settings: FaxSettings,
        records: FaxRecords,
        dialer: FaxDialer,
        now: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._records = records
        self._dialer = dialer
        self._now = now
        self._plan = RetryPlan(settings.send_attempts, timedelta(seconds=settings.retry_interval_s))
        self._live: dict[str, int] = {}  # our ChannelId (the call's Uniqueid) -> fax id
        self._status: dict[str, dict[str, str]] = {}  # FAX* variables seen per live channel
        self._tasks: set[asyncio.Task[None]] = set()
        self._watchers: list[asyncio.Queue[FaxView]] = []

    # -- the agent's request -----------------------------------------------------------------
    async def submit(self, agent_id: str, number: str, pdf: bytes, customer_id: int | None) -> FaxView:
        """Check and convert the PDF, keep the fax, and place its first call. Refusals are
        :class:`FaxError` with a code a person can act on; nothing is sent then."""
        number = re.sub(r"[\s().-]", "", number)
        if not _NUMBER.match(number):
            raise FaxError("fax.bad_number")
        if len(pdf) > self._settings.max_upload_bytes:
            raise FaxError("fax.too_large", limit=self._settings.max_upload_bytes)
        if not pdf.startswith(PDF_MAGIC):
            raise FaxError("fax.not_pdf")
        if customer_id is not None and not await self._records.customer_exists(customer_id):
            raise FaxError("fax.unknown_customer", customer_id=customer_id)
        stem = file_stem(secrets.token_hex(8), "out")
        folder = Path(self._settings.engine_path())
        folder.mkdir(parents=True, exist_ok=True)
        pdf_path, tiff_path = folder / f"{stem}.pdf", folder / f"{stem}.tif"
        pdf_path.write_bytes(pdf)
        try:
            pages = await pdf_to_tiff_async(pdf_path, tiff_path, self._settings.convert_timeout_s)
        except FaxDocumentError as exc:
            pdf_path.unlink(missing_ok=True)
            raise FaxError(f"fax.{exc.code}") from exc
        fax = await self._records.add(
            direction="out", number=number, pages=pages, status="pending", attempts=0,
            next_attempt_at=self._now(), tiff_path=str(tiff_path), pdf_path=str(pdf_path),
            customer_id=customer_id, agent_id=agent_id, created_at=self._now(),
        )  # fmt: skip
        log.info("fax queued", extra={"fax": fax.id, "agent": agent_id, "pages": pages})
        await self._attempt(fax.id)
        return await self._records.get(fax.id)

    async def resume(self, min_delay_s: float = RESUME_DELAY_S) -> None:
        """After a restart: pending faxes get their next try. One that was on the line when the
        engine stopped is marked failed, not dialed again: its result was lost, and the far end
        may have the pages already (a person decides to send it again)."""
        for fax in await self._records.unfinished():
            if fax.status == "sending":
                done = await self._records.finish(
                    fax.id, status="failed", error="fax.interrupted: the engine restarted during the call",
                    finished_at=self._now(),
                )  # fmt: skip
                self._settle(done)
                continue
            due = fax.next_attempt_at or self._now()
            # Not before the AMI had a moment to connect after a start.
            self._later(fax.id, max(min_delay_s, (due - self._now()).total_seconds()))

    def watch(self) -> asyncio.Queue[FaxView]:
        """A queue that gets each fax's final state (done or failed) from now on."""
        queue: asyncio.Queue[FaxView] = asyncio.Queue()
        self._watchers.append(queue)
        return queue

    def _settle(self, fax: FaxView) -> None:
        for queue in self._watchers:
            queue.put_nowait(fax)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- calls ---------------------------------------------------------------------------------
    async def _attempt(self, fax_id: int) -> None:
        fax = await self._records.get(fax_id)
        if fax.status not in ("pending", "sending") or fax.tiff_path is None:
            return
        channel_id = f"fax-{fax.id}-{fax.attempts + 1}-{secrets.token_hex(4)}"
        asterisk_tiff = str(PurePosixPath(self._settings.asterisk_dir) / Path(fax.tiff_path).name)
        await self._records.update(
            fax.id, status="sending", attempts=fax.attempts + 1, uniqueid=channel_id, next_attempt_at=None
        )
        self._live[channel_id] = fax.id
        self._status[channel_id] = {}
        try:
            await self._dialer.send_fax(fax.number, asterisk_tiff, channel_id)
        except PbxError as exc:
            self._live.pop(channel_id, None)
            self._status.pop(channel_id, None)
            await self._failed_call(fax.id, f"fax.pbx_refused: {exc}", line_busy=True)
            return
        self._spawn(self._watch(channel_id))

    async def _watch(self, channel_id: str) -> None:
        """A call whose end was never reported (events lost with the AMI connection) fails after
        ``send_timeout_s`` instead of staying "sending" for ever."""
        await asyncio.sleep(self._settings.send_timeout_s)
        if channel_id in self._live:
            fax_id, _status = self._forget(channel_id)
            log.warning("fax call without a result", extra={"fax": fax_id, "channel": channel_id})
            await self._failed_call(fax_id, "fax.no_result: no end of the call was seen", line_busy=False)

    def on_ami_event(self, event: object) -> None:
        """AMI read path (synchronous): bookkeeping only; the database work runs in tasks."""
        if isinstance(event, ev.VarSet):
            seen = self._status.get(event.uniqueid)
            if seen is not None and (
                event.variable.startswith("FAX") or event.variable.endswith("STATIONID")
            ):
                seen[event.variable] = event.value
        elif isinstance(event, ev.OriginateResponse) and not event.success and event.action_id in self._live:
            fax_id = self._forget(event.action_id)[0]
            self._spawn(
                self._failed_call(
                    fax_id, f"fax.line_not_taken: OriginateResponse Reason {event.reason}", line_busy=True
                )
            )
        elif isinstance(event, ev.OtherEvent) and event.name == "SendFAX":
            channel_id = event.fields.get("Uniqueid", "")
            if channel_id in self._live:
                fax_id, status = self._forget(channel_id)
                self._spawn(self._ended(fax_id, event_result(event.fields, status)))
        elif isinstance(event, ev.Hangup) and event.channel.uniqueid in self._live:
            fax_id, status = self._forget(event.channel.uniqueid)
            if not status:  # SendFAX never ran: the line did not take the call
                self._spawn(
                    self._failed_call(
                        fax_id, f"fax.line_not_taken: Hangup Cause {event.cause}", line_busy=True
                    )
                )
            else:  # the session started but Asterisk reported no SendFAX event
                self._spawn(self._ended(fax_id, fax_result(status)))

    def _forget(self, channel_id: str) -> tuple[int, dict[str, str]]:
        return self._live.pop(channel_id), self._status.pop(channel_id, {})

    async def _ended(self, fax_id: int, result: FaxResult) -> None:
        if result.ok:
            fax = await self._records.finish(
                fax_id, status="done", error=None, pages=result.pages,
                remote_station_id=result.remote_station_id or None, resolution=result.resolution or None,
                transfer_rate=result.transfer_rate, finished_at=self._now(),
            )  # fmt: skip
            log.info("fax sent", extra={"fax": fax_id, "pages": result.pages})
            self._settle(fax)
            return
        await self._failed_call(fax_id, result.error or "NO_RESULT", line_busy=False)

    async def _failed_call(self, fax_id: int, error: str, *, line_busy: bool) -> None:
        fax = await self._records.get(fax_id)
        retry_at = next_attempt(self._plan, fax.attempts, self._now(), line_busy)
        if retry_at is not None:
            await self._records.update(fax_id, status="pending", error=error[:200], next_attempt_at=retry_at)
            log.info("fax line busy; tried again later", extra={"fax": fax_id, "attempt": fax.attempts})
            self._later(fax_id, self._settings.retry_interval_s)
            return
        done = await self._records.finish(fax_id, status="failed", error=error[:200], finished_at=self._now())
        log.warning("fax failed", extra={"fax": fax_id, "attempts": fax.attempts, "error": error})
        self._settle(done)

    def _later(self, fax_id: int, delay_s: float) -> None:
        async def run() -> None:
            await asyncio.sleep(delay_s)
            await self._attempt(fax_id)

        self._spawn(run())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("fax task failed", exc_info=task.exception())
