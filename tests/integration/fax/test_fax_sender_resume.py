"""An outbound fax across an engine restart (SQLite and PostgreSQL): a fax waiting for its retry is
dialed again; one that was on the line is kept as failed, not sent twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from callcenter.fax.outbound import FaxSender
from callcenter.fax.records import FaxRecords
from callcenter.settings_fax import FaxSettings
from crm_core.models import Interaction
from tests.crm_conftest_helpers import Db


class RecordingDialer:
    """The AMI edge: records the fax calls it was asked to place."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send_fax(self, number: str, tiff_path: str, channel_id: str) -> None:
        self.calls.append((number, tiff_path))


def _now() -> datetime:
    return datetime.now(UTC)


async def test_given_unfinished_faxes_when_resumed_then_pending_redialed_and_sending_failed(
    db: Db, tmp_path: Path
) -> None:
    records = FaxRecords(db.sessions, "US")
    tiff = tmp_path / "fax-out-x.tif"
    tiff.write_bytes(b"II*\x00")
    common = {
        "direction": "out",
        "pages": 1,
        "tiff_path": str(tiff),
        "created_at": _now(),
        "agent_id": "1002",
    }
    pending = await records.add(
        number="4155550101", status="pending", attempts=1, next_attempt_at=_now(), **common
    )
    on_line = await records.add(number="4155550102", status="sending", attempts=1, **common)
    dialer = RecordingDialer()
    sender = FaxSender(
        FaxSettings(enabled=True, asterisk_dir="/var/spool/callcenter/fax"), records, dialer, _now
    )
    settled = sender.watch()
    try:
        await sender.resume(min_delay_s=0.0)
        interrupted = await asyncio.wait_for(settled.get(), 5)
        assert (interrupted.id, interrupted.status) == (on_line.id, "failed")
        assert (interrupted.error or "").startswith("fax.interrupted")
        for _ in range(100):
            if dialer.calls:
                break
            await asyncio.sleep(0.02)
        assert dialer.calls == [("4155550101", "/var/spool/callcenter/fax/fax-out-x.tif")]
        again = await records.get(pending.id)
        assert (again.status, again.attempts) == ("sending", 2)
        with db.sessions() as session:
            outcomes = [i.outcome for i in session.query(Interaction).filter(Interaction.channel == "fax")]
        assert outcomes == ["failed"]
    finally:
        await sender.stop()
