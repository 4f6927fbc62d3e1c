"""Agent desktop benchmark: screen-pop latency and wallboard fan-out over real WebSockets.

    .venv/bin/python bench/desktop_bench.py [--calls 200] [--agents 200] [--supervisors 50]

The engine runs with ``--agents`` agents, each with a simulated phone, in real time: the ``--calls``
callers (CRM customers' numbers) all arrive at once and all press 1 in the IVR ``--ivr-seconds``
later, so they enter the queue together (the worst case for the pop). As in the demo, the PBX
simulator shares the engine's event loop, so the engine pays for Asterisk's work too (on this
2-core machine a simulator in a third process fought the clients for the cores and did worse). The
web app is served by uvicorn on an ephemeral port; the WebSocket clients (one per agent, plus
``--supervisors`` supervisors) run in another process (``websockets`` library), as browsers are
elsewhere. Sessions are created directly in the session store (sign-in cost is not measured).

- screen-pop latency: the call enters the queue (``ItemQueued.arrived_at``: the moment the IVR hands
  the caller to the queue, before the CRM lookup that routing and the pop need) → that call's
  ``CallOffered`` message, with the CRM screen pop, received by the agent's WebSocket client;
- wallboard fan-out: the wallboard snapshot is taken (its ``at``) → received by the last of the
  supervisors (also reported: by the first, and the push count).

All processes read the same system clock (``time.time``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from acd.events import ItemQueued
from agent_desktop.auth.deps import CurrentUser
from agent_desktop.runner import running_server
from agent_desktop.state import desktop_of
from callcenter.app import Engine
from callcenter.composition import web_app
from callcenter.events import CallOffered
from callcenter.heap import freeze_startup_heap
from callcenter.pbxsim import SimulatedCaller
from callcenter.settings import load_settings
from crm_core.models import CustomerPhone


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


# -- the client process ------------------------------------------------------------------------
WALLBOARD_HEAD = re.compile(r'\{"type": "wallboard", "at": ([0-9.e+-]+),')


async def _client(url: str, token: str, log: list[tuple[str, str, float, str]], ready: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    headers = {"Origin": url, "Cookie": f"cc_session={token}"}
    async with connect(
        url.replace("http://", "ws://") + "/ws", additional_headers=headers, max_size=None
    ) as ws:
        async for raw in ws:
            now = time.time()
            wallboard = WALLBOARD_HEAD.match(str(raw))
            if wallboard:  # read its time without parsing all of it: 50 sockets share this process
                ready.set()
                log.append((token, "wallboard", now, wallboard.group(1)))
                continue
            message = json.loads(raw)
            kind = message["type"]
            if kind == "snapshot":
                ready.set()
            elif kind == "CallOffered":
                known = "known" if message["customer"] else "unknown"
                log.append((token, kind, now, f"{message['uniqueid']} {known}"))


async def _clients_main(url: str, tokens: list[str], pipe: Connection) -> None:
    log: list[tuple[str, str, float, str]] = []
    readies = [asyncio.Event() for _ in tokens]
    tasks = [asyncio.create_task(_client(url, t, log, r)) for t, r in zip(tokens, readies, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    pipe.send("ready")
    await asyncio.to_thread(pipe.recv)  # "stop"
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send(log)


def clients_process(url: str, tokens: list[str], pipe: Connection) -> None:
    asyncio.run(_clients_main(url, tokens, pipe))


def _caller(number: str, ivr_s: float) -> SimulatedCaller:
    return SimulatedCaller(number=number, digits=[(ivr_s, "1")], talk_s=None, patience_s=600)


# -- the server process ------------------------------------------------------------------------
@dataclass
class Measured:
    log: list[tuple[str, str, float, str]] = field(default_factory=list)
    queued_at: dict[str, float] = field(default_factory=dict)
    offered: dict[str, float] = field(default_factory=dict)
    started: float = 0.0


async def run(calls: int, agents: int, supervisors: int, ivr_s: float) -> Measured:
    workdir = Path(tempfile.mkdtemp(prefix="desktop-bench-"))
    values: dict[str, Any] = {
        "database": {"url": f"sqlite:///{workdir}/cc.sqlite3"},
        "agi": {"port": 0, "command_timeout_s": 30.0},
        "web": {"port": 0},
        # The fixed menu (1: sales), and nothing read from or left in the checkout's var/.
        "ivr": {"use_flows": False, "flows_dir": f"{workdir}/flows", "sounds_dir": f"{workdir}/sounds"},
        "simulator": {
            "time_scale": 1.0,  # real time: the callers spend a real IVR's seconds before queueing
            "arrival_rate_per_min": 0,
            "agent_answer_delay_s": 100,
            "demo_customers": max(calls, 200),
        },
        "agents": [
            {"agent_id": f"{5000 + i}", "name": f"Agent {i}", "skills": {"sales": 3}} for i in range(agents)
        ],
        "queues": [{"name": "sales", "skills": {"sales": 1}, "wrap_up_s": 1, "offer_timeout_s": 60}],
        "log_level": "WARNING",
    }
    settings = load_settings(None, **values)
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    assert engine.simulator is not None
    with engine.db_engine.connect() as db:
        numbers = list(db.scalars(select(CustomerPhone.e164).distinct().order_by(CustomerPhone.e164)))
    assert len(numbers) >= calls, f"the demo CRM has {len(numbers)} numbers for {calls} calls"
    await engine.ami.wait_connected(10)
    await engine.sign_in(a.agent_id for a in settings.agents)  # every agent at their desk, available
    app = web_app(engine, wallboard_interval_s=0.25)
    desktop = desktop_of(app.state)
    freeze_startup_heap()  # as serve_web does before serving
    tokens = [
        desktop.sessions.create(CurrentUser(i, f"agent{a.agent_id}", "agent", a.agent_id, "en", "UTC"))
        for i, a in enumerate(settings.agents)
    ]
    tokens += [
        desktop.sessions.create(CurrentUser(10_000 + i, f"sup{i}", "supervisor", None, "en", "UTC"))
        for i in range(supervisors)
    ]
    measured = Measured()
    events = engine.bus.subscribe(maxsize=100_000)
    try:
        async with running_server(app) as url:
            ctx = multiprocessing.get_context("spawn")
            here, there = ctx.Pipe()
            child = ctx.Process(target=clients_process, args=(url, tokens, there))
            child.start()
            assert await asyncio.to_thread(here.poll, 120), "clients did not connect"
            assert here.recv() == "ready"
            events.drain()
            print(f"{agents} agents and {supervisors} supervisors connected; placing {calls} calls at once")
            measured.started = time.time()
            sim = engine.simulator
            handles = await asyncio.gather(*(sim.place_call(_caller(n, ivr_s)) for n in numbers[:calls]))
            deadline = time.monotonic() + 60
            while len(measured.offered) < calls and time.monotonic() < deadline:
                try:
                    event = await asyncio.wait_for(events.get(), 1)
                except TimeoutError:
                    continue
                if isinstance(event, ItemQueued):
                    measured.queued_at[event.item_id] = event.arrived_at
                elif isinstance(event, CallOffered):
                    measured.offered[event.uniqueid] = event.at
            await asyncio.sleep(1.0)  # let the last pops and wallboards reach the clients
            here.send("stop")
            measured.log = await asyncio.to_thread(here.recv)
            await asyncio.to_thread(child.join, 30)
            for handle in handles:
                handle.hang_up()
    finally:
        events.close()
        await engine.stop()
    return measured


def report(measured: Measured, calls: int, supervisors: int) -> None:
    log, queued_at, offered, started = measured.log, measured.queued_at, measured.offered, measured.started
    received = {what.split()[0]: now for _t, kind, now, what in log if kind == "CallOffered"}
    known = sum(1 for _t, kind, _now, what in log if kind == "CallOffered" and what.endswith(" known"))
    pops = [now - queued_at[uid] for uid, now in received.items() if uid in queued_at]
    print(
        f"calls queued: {len(queued_at)}/{calls}; offered: {len(offered)}; pops received: {len(pops)}, "
        f"{known} of them with the caller's CRM record"
    )
    if pops:
        ms = [p * 1000 for p in pops]
        print(
            f"screen-pop latency (queue entry -> agent WebSocket): p50 {percentile(ms, 50):.1f} ms, "
            f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms"
        )
        engine_ms = [(offered[u] - queued_at[u]) * 1000 for u in received if u in offered and u in queued_at]
        web_ms = [(now - offered[u]) * 1000 for u, now in received.items() if u in offered]
        print(
            "  of which engine (queue entry -> CallOffered published): "
            f"p50 {percentile(engine_ms, 50):.1f} ms, "
            f"p99 {percentile(engine_ms, 99):.1f} ms; web (published -> received): "
            f"p50 {percentile(web_ms, 50):.1f} ms, p99 {percentile(web_ms, 99):.1f} ms"
        )
    boards: dict[str, list[float]] = {}
    for _token, kind, now, at in log:
        if kind == "wallboard" and float(at) >= started:
            boards.setdefault(at, []).append(now)
    complete = {at: times for at, times in boards.items() if len(times) >= supervisors}
    if complete:
        last = [(max(t) - float(at)) * 1000 for at, t in complete.items()]
        first = [(min(t) - float(at)) * 1000 for at, t in complete.items()]
        print(
            f"wallboard fan-out to {supervisors} supervisors ({len(complete)} pushes during the burst): "
            f"snapshot -> last supervisor p50 {percentile(last, 50):.1f} ms, "
            f"p99 {percentile(last, 99):.1f} ms, "
            f"max {max(last):.1f} ms; -> first supervisor p50 {percentile(first, 50):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--supervisors", type=int, default=50)
    parser.add_argument(
        "--ivr-seconds", type=float, default=3.0, help="when every caller presses 1 (all at once)"
    )
    args = parser.parse_args()
    measured = asyncio.run(run(args.calls, args.agents, args.supervisors, args.ivr_seconds))
    report(measured, args.calls, args.supervisors)
    if len(measured.queued_at) < args.calls or len(measured.offered) < args.calls:
        sys.exit("not every call reached the queue and an agent: the figures above do not measure the target")


if __name__ == "__main__":
    main()
