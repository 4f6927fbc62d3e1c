"""What a fax session ended with, and when an outbound fax is tried again (pure; no I/O).

Asterisk reports a fax in channel variables (``FAXSTATUS``, ``FAXERROR``, ``FAXSTATUSSTRING``,
``FAXPAGES``, ``REMOTESTATIONID``, ``FAXRESOLUTION``, ``FAXBITRATE``) and in the ``ReceiveFAX`` /
``SendFAX`` AMI events. Only ``FAXSTATUS`` tells success: the recorded sender of a good fax still
has ``FAXERROR: HANGUP`` (the receiver hung up first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class FaxResult:
    ok: bool
    pages: int
    remote_station_id: str
    resolution: str
    transfer_rate: int | None
    error: str | None  # "FAXERROR: FAXSTATUSSTRING" of a failed fax


def _int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def fax_result(variables: Mapping[str, str]) -> FaxResult:
    """``fax_result({"FAXSTATUS": "SUCCESS", "FAXPAGES": "1"}).ok`` is True; anything but SUCCESS
    (an empty FAXSTATUS too: the session never ended) is a failure with its reason."""
    ok = variables.get("FAXSTATUS", "").upper() == "SUCCESS"
    error = None
    if not ok:
        code = variables.get("FAXERROR", "") or "NO_RESULT"
        detail = variables.get("FAXSTATUSSTRING", "")
        error = f"{code}: {detail}" if detail else code
    return FaxResult(
        ok=ok,
        pages=max(0, _int(variables.get("FAXPAGES")) or 0),
        remote_station_id=variables.get("REMOTESTATIONID", "").strip(),
        resolution=variables.get("FAXRESOLUTION", ""),
        transfer_rate=_int(variables.get("FAXBITRATE")),
        error=error,
    )


def event_result(fields: Mapping[str, str], status: Mapping[str, str]) -> FaxResult:
    """A ``SendFAX``/``ReceiveFAX`` event's fields (pages, station, resolution, rate) with the
    status variables last seen on its channel (the event carries no status)."""
    merged = dict(status)
    merged["FAXPAGES"] = fields.get("PagesTransferred", status.get("FAXPAGES", ""))
    merged["REMOTESTATIONID"] = fields.get("RemoteStationID", status.get("REMOTESTATIONID", ""))
    merged["FAXRESOLUTION"] = fields.get("Resolution", status.get("FAXRESOLUTION", ""))
    merged["FAXBITRATE"] = fields.get("TransferRate", status.get("FAXBITRATE", ""))
    return fax_result(merged)


@dataclass(frozen=True, slots=True)
class RetryPlan:
    attempts: int  # tries in all
    interval: timedelta


def next_attempt(plan: RetryPlan, attempts_made: int, now: datetime, line_busy: bool) -> datetime | None:
    """When to try again after a failed attempt, or None (give up).

    Only a line that did not take the call (busy, no answer, congestion) is tried again: a fax
    session that started and failed would send the pages again, which a person must decide.
    """
    if not line_busy or attempts_made >= plan.attempts:
        return None
    return now + plan.interval
