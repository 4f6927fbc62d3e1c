"""Receiving a fax on a fax number, inside the IVR's FastAGI session.

``EXEC ReceiveFAX /var/spool/callcenter/fax/fax-in-<uniqueid>.tif`` answers ``200 result=0`` when the
session ends (well or not); then ``GET VARIABLE`` reads FAXSTATUS, FAXERROR, FAXSTATUSSTRING,
FAXPAGES, REMOTESTATIONID, FAXRESOLUTION and FAXBITRATE — still answered after the sender hung
up (fact 6). The TIFF becomes a PDF next to it; the fax is stored (a failed one too, with its error)
and handed to the conversation service as a ``fax`` work item.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath

from callcenter.asterisk.agi_session import AgiSession
from callcenter.asterisk.errors import AgiError
from callcenter.conversations.api import ConversationPort
from callcenter.fax.records import FaxRecords
from callcenter.settings_fax import FaxSettings
from recorder.fax import FaxResult, fax_result
from recorder.fax_files import FaxDocumentError, tiff_to_pdf_async

log = logging.getLogger(__name__)

FAX_VARIABLES = (
    "FAXSTATUS",
    "FAXERROR",
    "FAXSTATUSSTRING",
    "FAXPAGES",
    "REMOTESTATIONID",
    "FAXRESOLUTION",
    "FAXBITRATE",
)
RECEIVE_TIMEOUT_S = 3600.0  # a long fax takes minutes; the AGI command must not time out first


def file_stem(uniqueid: str, direction: str) -> str:
    """``fax-in-1795382159.10``: only characters safe in a path on both hosts."""
    return f"fax-{direction}-" + re.sub(r"[^0-9A-Za-z._-]", "_", uniqueid)


class FaxReceiver:
    def __init__(
        self,
        settings: FaxSettings,
        records: FaxRecords,
        conversations: ConversationPort,
        now: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._records = records
        self._conversations = conversations
        self._now = now

    def is_fax_call(self, session: AgiSession) -> bool:
        """The dialed number (``agi_arg_1`` of the IVR route, else the extension) is a fax number."""
        env = session.env
        dialed = env.args[0] if env.args else env.extension
        return self._settings.enabled and dialed in self._settings.numbers

    async def on_call(self, session: AgiSession) -> None:
        env = session.env
        stem = file_stem(env.uniqueid, "in")
        asterisk_tiff = str(PurePosixPath(self._settings.asterisk_dir) / f"{stem}.tif")
        engine_tiff = Path(self._settings.engine_path()) / f"{stem}.tif"
        variables: dict[str, str] = {}
        try:
            await session.exec("ReceiveFAX", asterisk_tiff, timeout=RECEIVE_TIMEOUT_S)
        except AgiError as exc:
            log.info("fax call ended during ReceiveFAX", extra={"uniqueid": env.uniqueid, "error": str(exc)})
        for name in FAX_VARIABLES:
            try:
                variables[name] = await session.get_variable(name) or ""
            except AgiError:
                break  # the session is gone: what was read is what we know
        number = env.callerid if env.callerid.isdigit() or env.callerid.startswith("+") else ""
        dialed = env.args[0] if env.args else env.extension
        await self.store(fax_result(variables), number, dialed, env.uniqueid, engine_tiff)

    async def store(
        self, result: FaxResult, number: str, dialed: str, uniqueid: str, engine_tiff: Path
    ) -> None:
        """Keep the fax (good or failed), make its PDF, open its work item. Never raises for a
        missing file: the record says what went wrong."""
        status, error = ("done", None) if result.ok else ("failed", result.error)
        pdf: Path | None = None
        tiff_seen = engine_tiff.is_file()
        if result.ok:
            try:
                pdf = engine_tiff.with_suffix(".pdf")
                await tiff_to_pdf_async(engine_tiff, pdf)
            except FaxDocumentError as exc:
                pdf = None
                status, error = "failed", f"fax.file_{exc.code}: {engine_tiff}"
                log.error(
                    "received fax file cannot be read by the engine; is fax.engine_dir the shared path?",
                    extra={"uniqueid": uniqueid, "path": str(engine_tiff), "error": exc.detail},
                )
        fax = await self._records.add(
            direction="in", number=number[:64] or "unknown", local_number=dialed[:64],
            remote_station_id=result.remote_station_id[:64] or None, pages=result.pages,
            resolution=result.resolution or None, transfer_rate=result.transfer_rate, status=status,
            error=(error or "")[:200] or None, attempts=1, tiff_path=str(engine_tiff) if tiff_seen else None,
            pdf_path=str(pdf) if pdf is not None else None, uniqueid=uniqueid, created_at=self._now(),
            finished_at=self._now(),
        )  # fmt: skip
        log.info("fax received", extra={"fax": fax.id, "status": status, "pages": result.pages})
        try:
            view = await self._conversations.open_fax(
                f"fax:{fax.id}",
                number,
                result.remote_station_id,
                self._settings.queue,
                failed=status == "failed",
            )
        except Exception:
            log.exception("fax stored but no work item opened", extra={"fax": fax.id})
            await self._records.finish(fax.id)
            return
        await self._records.finish(fax.id, conversation_id=view.conversation_id, customer_id=view.customer_id)
