"""Asterisk's side of a FastAGI conversation, played from a script over real TCP (a recording fake).

A script is a list of steps taken from a transcript (or written by a test): ``agi<`` steps are sent
as Asterisk sent them; an ``agi>`` step is what the engine must send next. The peer answers only
while the engine sends exactly the recorded command; on the first difference it stops and reports
it. ``<CLOSE>`` means the engine must close the socket there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "fixtures" / "transcripts"
CLOSE = "<CLOSE>"
EOF = "<EOF>"


@dataclass(frozen=True, slots=True)
class Step:
    dir: str
    """``agi<``: the peer sends ``data``; ``agi>``: the engine must send ``data`` (or close: ``<CLOSE>``)."""
    data: str | bytes


def send(data: str | bytes) -> Step:
    return Step("agi<", data)


def expect(data: str) -> Step:
    return Step("agi>", data)


def load_agi_steps(name: str) -> list[Step]:
    """The AGI steps of ``tests/fixtures/transcripts/<name>.jsonl``, in recorded order."""
    path = TRANSCRIPTS / f"{name}.jsonl"
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return [Step(r["dir"], r["data"]) for r in records if r["dir"] in ("agi<", "agi>")]


def recorded_environment(name: str = "inbound_redirect", **overrides: str) -> list[Step]:
    """The recorded environment block (ending with the empty line), with ``agi_<key>`` overrides."""
    steps = load_agi_steps(name)
    env = steps[: steps.index(Step("agi<", "\n")) + 1]
    out: list[Step] = []
    for step in env:
        key = str(step.data).partition(":")[0].removeprefix("agi_")
        out.append(send(f"agi_{key}: {overrides[key]}\n") if key in overrides else step)
    return out


@dataclass(slots=True)
class PeerReport:
    received: list[str] = field(default_factory=list)
    """Every line the engine sent, in order; ``<CLOSE>`` where it closed the socket."""
    mismatch: str | None = None
    closed: bool = False
    close_delay: float | None = None
    """Seconds from the peer's last write to the engine's close."""

    @property
    def completed(self) -> bool:
        return self.mismatch is None and self.closed


class AgiPeer:
    def __init__(self, steps: list[Step], *, read_timeout: float = 3.0) -> None:
        self.steps = steps
        self.read_timeout = read_timeout

    async def run(self, port: int, host: str = "127.0.0.1") -> PeerReport:
        report = PeerReport()
        reader, writer = await asyncio.open_connection(host, port)
        last_write = time.monotonic()
        try:
            for step in self.steps:
                if step.dir == "agi<" and step.data == EOF:
                    writer.close()
                    break
                if step.dir == "agi<":
                    payload = step.data if isinstance(step.data, bytes) else step.data.encode("utf-8")
                    try:
                        writer.write(payload)
                        await writer.drain()
                    except ConnectionError:
                        pass  # the engine closed already: the next expect() records it
                    last_write = time.monotonic()
                    continue
                if not await self._expect(reader, str(step.data), report, last_write):
                    break
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        return report

    async def _expect(
        self, reader: asyncio.StreamReader, wanted: str, report: PeerReport, last_write: float
    ) -> bool:
        try:
            raw = await asyncio.wait_for(reader.readline(), self.read_timeout)
        except TimeoutError:
            report.mismatch = f"engine sent nothing within {self.read_timeout} s; expected {wanted!r}"
            return False
        except ConnectionError:
            raw = b""
        if not raw:
            report.received.append(CLOSE)
            report.closed = True
            report.close_delay = time.monotonic() - last_write
            if wanted != CLOSE:
                report.mismatch = f"engine closed the socket; expected {wanted!r}"
            return False
        line = raw.decode("utf-8", errors="replace")
        report.received.append(line)
        if line != wanted:
            report.mismatch = f"engine sent {line!r}; recorded {wanted!r}"
            return False
        return True
