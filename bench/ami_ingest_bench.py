"""AMI ingest benchmark: how fast the engine's AmiClient reads a VarSet-heavy event flood.

Builds a long stream by repeating the recorded inbound_redirect ``ami<`` traffic, serves it
from a real TCP server on 127.0.0.1 and counts the typed domain events a subscriber gets.
Beside it, in the same run and over the same bytes in the same chunk sizes, panoramisk's
bare parser (``AMIProtocol.data_received`` with a stub factory). While the client ingests,
a ticker measures how late ``asyncio.sleep(0.005)`` wakes up (event-loop lag).

    .venv/bin/python bench/ami_ingest_bench.py [--messages 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import socket
import statistics
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, ClassVar

from panoramisk.ami_protocol import AMIProtocol

from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.ami_connection import AmiConnection
from callcenter.asterisk.ami_events import (
    AmiConnected,
    AmiDisconnected,
    AmiEvent,
    AmiResynced,
    to_domain_event,
)
from callcenter.asterisk.ami_fanout import EventFanout
from callcenter.asterisk.ami_frames import parse_buffer

TRANSCRIPT = Path(__file__).resolve().parents[1] / "tests/fixtures/transcripts/inbound_redirect.jsonl"
GREETING = b"Asterisk Call Manager/11.0.0\r\n"
CHUNK = 65536
RESYNC = b"Response: Success\r\nActionID: %s\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n"
RESYNC_DONE = (
    b"Event: CoreShowChannelsComplete\r\nActionID: %s\r\nEventList: Complete\r\nListItems: 0\r\n\r\n"
)


def recorded_events() -> bytes:
    """The unsolicited events Asterisk sent in inbound_redirect (responses and list items left out)."""
    rows = [json.loads(line) for line in TRANSCRIPT.read_text().splitlines() if line]
    stream = "".join(r["data"] for r in rows if r["dir"] == "ami<" and r["data"] != "<EOF>").encode()
    chunk = parse_buffer(stream, expect_greeting=True)
    out = bytearray()
    for message in chunk.messages:
        if message.event is not None and message.action_id is None:
            out += b"".join(f"{k}: {v}\r\n".encode() for k, v in message.headers) + b"\r\n"
    return bytes(out)


def build_stream(messages: int) -> tuple[bytes, int, int]:
    unit = recorded_events()
    per_unit = len(parse_buffer(unit).messages)
    repeats = max(1, messages // per_unit)
    varsets = unit.count(b"Event: VarSet\r\n") * repeats
    return unit * repeats, per_unit * repeats, varsets


def bench_panoramisk(stream: bytes) -> tuple[int, float]:
    class Factory:
        forgetable_actions: tuple[str, ...] = ()
        awaiting_actions: ClassVar[list[Any]] = []
        dispatched = 0

        def dispatch(self, message: Any) -> None:
            self.dispatched += 1

        def connection_lost(self, exc: object) -> None:
            pass

    class Transport:
        def close(self) -> None:
            pass

    protocol = AMIProtocol()
    protocol.connection_made(Transport())
    factory = Factory()
    protocol.factory = factory
    start = time.perf_counter()
    for i in range(0, len(stream), CHUNK):
        protocol.data_received(stream[i : i + CHUNK])
    return factory.dispatched, time.perf_counter() - start


class PausableTransport(asyncio.Transport):
    """Just enough transport for feeding ``data_received`` by hand (pausing is a no-op)."""

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def close(self) -> None:
        pass


def serve_stream(stream: bytes, port_pipe: Connection) -> None:
    """The Asterisk side, in its own process (as Asterisk is): handshake, then the flood."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port_pipe.send(server.getsockname()[1])
        sock, _ = server.accept()
        with sock:
            sock.sendall(GREETING)
            buffer = b""
            answered = 0
            while answered < 3:  # Login, Events, CoreShowChannels
                buffer += sock.recv(4096)
                while b"\r\n\r\n" in buffer:
                    block, _, buffer = buffer.partition(b"\r\n\r\n")
                    action_id = block.split(b"ActionID: ")[1].split(b"\r\n")[0]
                    if b"CoreShowChannels" in block:
                        sock.sendall(RESYNC % action_id + RESYNC_DONE % action_id)
                    else:
                        sock.sendall(b"Response: Success\r\nActionID: " + action_id + b"\r\n\r\n")
                    answered += 1
            port_pipe.recv()  # go
            for i in range(0, len(stream), CHUNK):
                sock.sendall(stream[i : i + CHUNK])
            while sock.recv(65536):
                pass


async def bench_client(port: int, go: Connection, expected: int) -> tuple[int, float, list[float]]:
    received = 0
    done = asyncio.Event()
    end_time = 0.0

    def on_event(event: AmiEvent) -> None:
        nonlocal received, end_time
        if isinstance(event, AmiConnected | AmiDisconnected | AmiResynced):
            return
        received += 1
        if received == expected:
            end_time = time.perf_counter()
            done.set()

    lags: list[float] = []

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - before - 0.005)

    client = AmiClient(
        "127.0.0.1", port, "bench", "bench-secret", rng=random.Random(1), keepalive_interval=600
    )
    client.subscribe(on_event)
    await client.start()
    tick = asyncio.create_task(ticker())
    start_time = time.perf_counter()
    go.send(True)
    await asyncio.wait_for(done.wait(), 120)
    await tick
    await client.stop()
    return received, end_time - start_time, lags


async def bench_bare_connection(stream: bytes) -> tuple[int, float]:
    """Our read path without a socket, fed exactly like panoramisk's above."""
    count = 0

    def on_event(event: AmiEvent) -> None:
        nonlocal count
        count += 1

    fanout = EventFanout("bench")
    fanout.subscribe(on_event)
    connection = AmiConnection(lambda message: fanout.emit(to_domain_event(message)), "bench")
    connection.connection_made(PausableTransport())
    connection.data_received(GREETING)
    start = time.perf_counter()
    for i in range(0, len(stream), CHUNK):
        connection.data_received(stream[i : i + CHUNK])
        # as a real transport does: no new data while paused; sleep(0) just yields to the loop
        while connection.draining:  # noqa: ASYNC110
            await asyncio.sleep(0)
    elapsed = time.perf_counter() - start
    connection.connection_lost(None)
    return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000, help="approximate number of events")
    args = parser.parse_args()
    stream, count, varsets = build_stream(args.messages)
    print(f"stream: {count} events ({varsets} VarSet), {len(stream) / 1e6:.1f} MB, chunks of {CHUNK} bytes")
    p_count, p_seconds = bench_panoramisk(stream)
    b_count, b_seconds = asyncio.run(bench_bare_connection(stream))
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_stream, args=(stream, child), daemon=True)
    server.start()
    c_count, c_seconds, lags = asyncio.run(bench_client(parent.recv(), parent, count))
    server.join(10)
    lags_ms = sorted(lag * 1000 for lag in lags)
    p50 = statistics.median(lags_ms)
    p99 = lags_ms[min(len(lags_ms) - 1, int(len(lags_ms) * 0.99))]
    rows = [
        ("panoramisk AMIProtocol.data_received (parse only)", p_count, p_seconds),
        ("AmiConnection.data_received (parse + typed events)", b_count, b_seconds),
        ("AmiClient over TCP from another process (end to end)", c_count, c_seconds),
    ]
    print(f"{'path':<55} {'events':>9} {'seconds':>8} {'events/s':>10}")
    for name, n, seconds in rows:
        print(f"{name:<55} {n:>9} {seconds:>8.3f} {n / seconds:>10,.0f}")
    ratio_bare = (b_count / b_seconds) / (p_count / p_seconds)
    ratio_tcp = (c_count / c_seconds) / (p_count / p_seconds)
    print(f"ours / panoramisk: {ratio_bare:.2f} (same harness), {ratio_tcp:.2f} (ours end to end over TCP)")
    print(f"event-loop lag while ingesting: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {lags_ms[-1]:.2f} ms")
    print(f"  ({len(lags_ms)} ticks of asyncio.sleep(0.005))")


if __name__ == "__main__":
    main()
