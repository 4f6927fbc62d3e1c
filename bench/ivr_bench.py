"""IVR benchmark: concurrent FastAGI flow sessions in one engine process, and the latency the
engine adds per AGI command.

A lightweight AGI client plays Asterisk's side over real TCP (answers every command at once),
N sessions at a time, against (a) the real FastAgiServer running an IVR flow through the
interpreter and (b) a bare echo server that only sends the next command — the baseline
measured in the same run. The gap between an answer and the next command is the engine's work.

    .venv/bin/python bench/ivr_bench.py [--sessions 50,200,500,1000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from callcenter.asterisk.agi_media import AgiCallerMedia
from callcenter.asterisk.fastagi import AgiSession, FastAgiServer
from callcenter.calls.ivr_adapters import FlowCallerChannel
from ivr_flows.interpreter import RunPorts, run_flow
from ivr_flows.loader import parse_flow_yaml
from ivr_flows.outcome import CallContext

FLOW = parse_flow_yaml(
    """
name: bench
numbers: ["5551234"]
start: hello
fallback: general
nodes:
  hello: {type: play, prompt: hello-world, next: lookup}
  lookup: {type: crm_lookup, by: caller, assign: {value_tier: value_tier}, found: vip_check, not_found: menu}
  vip_check: {type: condition, branches: [{when: {value_tier: [vip]}, then: menu}], else: menu}
  menu: {type: menu, prompt: hello-world, options: {1: sales, 2: support}, timeout_ms: 3000, retries: 1,
         on_fail: support}
  sales: {type: queue, queue: sales}
  support: {type: queue, queue: support}
"""
)

ENV = (
    "".join(
        f"agi_{k}: {v}\n"
        for k, v in {
            "network": "yes",
            "network_script": "ivr",
            "request": "agi://127.0.0.1/ivr",
            "channel": "PJSIP/pstn-00000001",
            "uniqueid": "1795382159.1",
            "callerid": "4155550100",
            "calleridname": "Bench",
            "dnid": "5551234",
            "context": "from-pstn",
            "extension": "5551234",
            "priority": "2",
            "arg_1": "5551234",
        }.items()
    )
    + "\n"
)


def answer_for(command: str) -> str:
    if command.startswith("GET DATA"):
        return "200 result=1\n"
    if command.startswith("WAIT FOR DIGIT"):
        return "200 result=49\n"
    if command.startswith("STREAM FILE"):
        return "200 result=0 endpos=11234\n"
    if command.startswith("SET VARIABLE"):
        return "200 result=1\n"
    return "200 result=0\n"


class Crm:
    async def lookup(self, kind: str, value: str) -> Mapping[str, str] | None:
        return {"customer_name": "Wei Zhang", "value_tier": "vip"}


class Prompts:
    def exists(self, name: str) -> bool:
        return True

    async def prompt_for_text(self, text: str, language: str) -> str:
        return "hello-world"


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


PORTS = RunPorts(crm=Crm(), clock=Clock(), prompts=Prompts())


async def flow_handler(session: AgiSession) -> None:
    await session.answer()
    await run_flow(
        {"bench": FLOW},
        "bench",
        CallContext("4155550100", "5551234"),
        FlowCallerChannel(AgiCallerMedia(session)),
        PORTS,
    )


async def asterisk_side(port: int, gaps: list[float]) -> int:
    """One AGI session as Asterisk: send the environment, answer commands until the engine closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(ENV.encode())
    commands = 0
    answered_at: float | None = None
    try:
        while True:
            line = await reader.readline()
            if not line:
                return commands
            if answered_at is not None:
                gaps.append(time.perf_counter() - answered_at)
            commands += 1
            writer.write(answer_for(line.decode()).encode())
            answered_at = time.perf_counter()
    finally:
        writer.close()
        await writer.wait_closed()


async def echo_server(commands: int) -> asyncio.Server:
    """The baseline: sends the next command the moment an answer arrives, ``commands`` times."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (await reader.readline()).strip():
            pass  # the environment
        for _ in range(commands):
            writer.write(b"NOOP\n")
            await writer.drain()
            if not await reader.readline():
                break
        writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def run_sessions(port: int, sessions: int) -> tuple[float, list[float], int]:
    gaps: list[float] = []
    start = time.perf_counter()
    results = await asyncio.gather(
        *(asterisk_side(port, gaps) for _ in range(sessions)), return_exceptions=True
    )
    elapsed = time.perf_counter() - start
    errors = sum(1 for r in results if isinstance(r, BaseException))
    return elapsed, gaps, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else float("nan")


async def measure(counts: list[int]) -> None:
    server = FastAgiServer(
        "127.0.0.1", 0, {"ivr": flow_handler}, allowed_hosts=["127.0.0.1"], command_timeout=30
    )
    await server.start()
    probe_gaps: list[float] = []
    per_session = await asterisk_side(server.port, probe_gaps)  # how many commands one flow run takes
    echo = await echo_server(per_session)
    echo_port = echo.sockets[0].getsockname()[1]
    print(f"one flow run = {per_session} AGI commands (answer, play, CRM lookup, menu, ...)")
    header = (
        "sessions",
        "runs/s",
        "engine p50",
        "engine p99",
        "echo p50",
        "echo p99",
        "added p50",
        "added p99",
    )
    print(" ".join(f"{h:>11}" for h in header) + "  errors")
    try:
        for n in counts:
            elapsed, gaps, errors = await run_sessions(server.port, n)
            _, echo_gaps, _ = await run_sessions(echo_port, n)
            e50, e99, b50, b99 = pct(gaps, 0.5), pct(gaps, 0.99), pct(echo_gaps, 0.5), pct(echo_gaps, 0.99)
            row = [f"{n}", f"{n / elapsed:.0f}"] + [
                f"{v:.2f} ms" for v in (e50, e99, b50, b99, e50 - b50, e99 - b99)
            ]
            print(" ".join(f"{c:>11}" for c in row) + f"  {errors}")
    finally:
        echo.close()
        await echo.wait_closed()
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", default="50,200,500,1000", help="comma-separated concurrency levels")
    args = parser.parse_args()
    asyncio.run(measure([int(n) for n in args.sessions.split(",")]))


if __name__ == "__main__":
    main()
