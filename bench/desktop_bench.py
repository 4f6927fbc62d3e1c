"""Agent desktop benchmark: screen-pop latency and wallboard fan-out over real WebSockets.

    .venv/bin/python bench/desktop_bench.py [--calls 200] [--agents 200] [--supervisors 50]

The engine runs on the PBX simulator with ``--agents`` agents (each with a simulated phone) and the
web app is served by uvicorn on an ephemeral port. The WebSocket clients (one per agent, plus
``--supervisors`` supervisors) run in a separate process (``websockets`` library), so client work
does not compete with the server for the event loop. Sessions are created directly in the session
store (sign-in cost is not what is measured).

- screen-pop latency: the call enters the queue (the router's ``ItemQueued.at``) → that call's
  ``CallOffered`` message, with the CRM screen pop, received by the agent's WebSocket client;
- wallboard fan-out: the wallboard snapshot is taken (its ``at``) → received by the last of the
  supervisors (also reported: by the first, and the push count).

Both processes read the same system clock (``time.time``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acd.events import ItemQueued
from agent_desktop.app import create_desktop_app
from agent_desktop.auth.deps import CurrentUser
from agent_desktop.runner import running_server
from agent_desktop.state import desktop_of
from callcenter.app import Engine
from callcenter.events import CallOffered
from callcenter.pbxsim import SimulatedCaller
from callcenter.settings import load_settings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


# -- the client process ------------------------------------------------------------------------
async def _client(url: str, token: str, log: list[tuple[str, str, float, str]], ready: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    headers = {"Origin": url, "Cookie": f"cc_session={token}"}
    async with connect(
        url.replace("http://", "ws://") + "/ws", additional_headers=headers, max_size=None
    ) as ws:
        role = ""
        async for raw in ws:
            now = time.time()
            message = json.loads(raw)
            kind = message["type"]
            if kind == "hello":
                role = message["user"]["role"]
            if kind in ("snapshot", "wallboard") and not ready.is_set():
                ready.set()
            if kind == "CallOffered" and role == "agent":  # supervisors see every pop too
                log.append((token, kind, now, message["uniqueid"]))
            elif kind == "wallboard":
                log.append((token, kind, now, repr(message["at"])))


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


# -- the server process ------------------------------------------------------------------------
async def run(calls: int, agents: int, supervisors: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="desktop-bench-"))
    settings = load_settings(
        None,
        mode="simulator",
        database={"url": f"sqlite:///{workdir}/cc.sqlite3"},
        agi={"port": 0, "command_timeout_s": 30.0},
        web={"port": 0},
        simulator={
            "time_scale": 0.01,
            "arrival_rate_per_min": 0,
            "agent_answer_delay_s": 100,
            "demo_customers": 200,
        },
        agents=[
            {"agent_id": f"{5000 + i}", "name": f"Agent {i}", "skills": {"sales": 3}} for i in range(agents)
        ],
        queues=[{"name": "sales", "skills": {"sales": 1}, "wrap_up_s": 1, "offer_timeout_s": 60}],
        log_level="WARNING",
    )
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    assert engine.simulator is not None
    await engine.ami.wait_connected(10)
    app = create_desktop_app(engine, wallboard_interval_s=0.25)
    desktop = desktop_of(app.state)
    tokens = [
        desktop.sessions.create(CurrentUser(i, f"agent{a.agent_id}", "agent", a.agent_id, "en", "UTC"))
        for i, a in enumerate(settings.agents)
    ]
    tokens += [
        desktop.sessions.create(CurrentUser(10_000 + i, f"sup{i}", "supervisor", None, "en", "UTC"))
        for i in range(supervisors)
    ]
    queued_at: dict[str, float] = {}
    offered: dict[str, float] = {}
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
            started = time.time()
            handles = await asyncio.gather(
                *(
                    engine.simulator.place_call(
                        SimulatedCaller(
                            number=f"41555{i:05d}", digits=[(0.1, "1")], talk_s=None, patience_s=600
                        )
                    )
                    for i in range(calls)
                )
            )
            deadline = time.monotonic() + 60
            while len(offered) < calls and time.monotonic() < deadline:
                try:
                    event = await asyncio.wait_for(events.get(), 1)
                except TimeoutError:
                    continue
                if isinstance(event, ItemQueued):
                    queued_at[event.item_id] = event.at
                elif isinstance(event, CallOffered):
                    offered[event.uniqueid] = event.at
            await asyncio.sleep(1.0)  # let the last pops and wallboards reach the clients
            here.send("stop")
            log: list[tuple[str, str, float, str]] = await asyncio.to_thread(here.recv)
            await asyncio.to_thread(child.join, 30)
            for handle in handles:
                handle.hang_up()
    finally:
        events.close()
        await engine.stop()
    report(log, queued_at, offered, calls, supervisors, started)


def report(
    log: list[tuple[str, str, float, str]],
    queued_at: dict[str, float],
    offered: dict[str, float],
    calls: int,
    supervisors: int,
    started: float,
) -> None:
    received = {uid: now for _t, kind, now, uid in log if kind == "CallOffered"}
    pops = [now - queued_at[uid] for uid, now in received.items() if uid in queued_at]
    print(f"calls queued: {len(queued_at)}/{calls}; offered: {len(offered)}; pops received: {len(pops)}")
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
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.agents, args.supervisors))


if __name__ == "__main__":
    main()
