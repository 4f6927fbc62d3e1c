"""A flood of AMI events is parsed in slices so the event loop keeps running other work."""

from __future__ import annotations

import asyncio
import contextlib

from callcenter.asterisk.ami_connection import PARSE_SLICE, AmiConnection
from callcenter.asterisk.ami_frames import AmiMessage


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")

    def close(self) -> None:
        self.calls.append("close")


async def test_given_a_large_read_when_parsed_then_reading_pauses_and_every_event_arrives_in_order() -> None:
    seen: list[str] = []
    ticks = 0

    def on_event(message: AmiMessage) -> None:
        seen.append(message["Value"])

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    transport = RecordingTransport()
    connection = AmiConnection(on_event, "test")
    connection.connection_made(transport)
    connection.data_received(b"Asterisk Call Manager/11.0.0\r\n")
    events = b"".join(
        b"Event: VarSet\r\nChannel: PJSIP/pstn-00000006\r\nVariable: X\r\nValue: %d\r\n\r\n" % i
        for i in range(20_000)
    )
    assert len(events) > 10 * PARSE_SLICE
    tick_task = asyncio.create_task(ticker())
    connection.data_received(events)
    assert transport.calls == ["pause"]
    assert 0 < len(seen) < 20_000  # only the first slice so far
    while connection.draining:  # noqa: ASYNC110 - yield so the scheduled slices run
        await asyncio.sleep(0)
    tick_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await tick_task
    assert seen == [str(i) for i in range(20_000)]
    assert transport.calls == ["pause", "resume"]
    assert ticks >= 10  # other tasks ran between slices
