"""One engine at scale: many agents, many simultaneous simulated calls, on the memory or Redis store.

    .venv/bin/python bench/scale_bench.py [--store redis|memory] [--agents 300] [--calls 300] [--waves 3]

The engine runs in simulator mode (the PBX simulator on the same event loop, real AMI and FastAGI
over loopback) with ``--agents`` agents signed in. Each wave places ``--calls`` callers at once; they
press 1 (sales), wait, are answered, talk and hang up; the next wave starts when all have finished.
Measured:

- event-loop lag: a task asks to sleep 10 ms, again and again; lag = how much later it woke;
- routing decision time: each call into the router that decides (``enqueue``, ``accept``,
  ``complete``, ``agent_freed``, ``dispatch_agent``, ``wrap_up_done``, ``tick``), start to end,
  as the engine makes them (store round trips included).

With ``--store redis`` a fresh key prefix is used and deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis

from acd.redis_store import RedisStore
from acd.router import Router
from callcenter.app import Engine
from callcenter.pbxsim import SimulatedCaller
from callcenter.settings import load_settings

REDIS_URL = "redis://127.0.0.1:6379/0"
TIMED = ("enqueue", "accept", "complete", "agent_freed", "dispatch_agent", "wrap_up_done", "tick")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def time_router(router: Router, samples: dict[str, list[float]]) -> None:
    """Wrap the router's deciding methods (on this instance) to time each call."""
    for name in TIMED:
        original: Callable[..., Awaitable[Any]] = getattr(router, name)
        samples[name] = []

        def timed(
            *args: Any, _f: Callable[..., Awaitable[Any]] = original, _s: list[float] = samples[name]
        ) -> Awaitable[Any]:
            async def call() -> Any:
                t0 = time.perf_counter()
                try:
                    return await _f(*args)
                finally:
                    _s.append(time.perf_counter() - t0)

            return call()

        setattr(router, name, timed)


async def watch_lag(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - t0 - 0.01)


def settings_for(store: str, prefix: str, agents: int, workdir: Path) -> Any:
    return load_settings(
        None,
        database={"url": f"sqlite:///{workdir}/cc.sqlite3"},
        agi={"port": 0, "command_timeout_s": 30.0},
        web={"port": 0},
        ivr={"use_flows": False, "flows_dir": f"{workdir}/flows", "sounds_dir": f"{workdir}/sounds"},
        dialplan={"recordings_dir": f"{workdir}/recordings"},
        voicemail={"asterisk_dir": f"{workdir}/voicemail"},
        simulator={
            "time_scale": 0.1,
            "arrival_rate_per_min": 0,
            "chat_arrival_rate_per_min": 0,
            "email_arrival_rate_per_min": 0,
            "agent_answer_delay_s": 2.0,
            "demo_customers": 20,
        },
        acd={"store": store, "redis_url": REDIS_URL, "redis_prefix": prefix},
        agents=[
            {"agent_id": f"{5000 + i}", "name": f"Agent {i}", "skills": {"sales": 3}} for i in range(agents)
        ],
        queues=[{"name": "sales", "skills": {"sales": 1}, "wrap_up_s": 5, "offer_timeout_s": 60}],
        log_level="WARNING",
    )


async def run(store: str, agents: int, calls: int, waves: int) -> None:
    prefix = f"scalebench:{uuid.uuid4().hex}"
    workdir = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    (workdir / "voicemail").mkdir()
    engine = Engine(settings_for(store, prefix, agents, workdir), simulator_mode=True)
    await engine.start()
    samples: dict[str, list[float]] = {}
    lags: list[float] = []
    stop = asyncio.Event()
    try:
        assert engine.simulator is not None
        await engine.ami.wait_connected(10)
        await engine.sign_in(p.agent_id for p in engine.routing_profiles.agents)
        time_router(engine.router, samples)
        watcher = asyncio.create_task(watch_lag(lags, stop))
        started = time.perf_counter()
        answered = 0
        for wave in range(waves):
            handles = await asyncio.gather(
                *(
                    engine.simulator.place_call(
                        SimulatedCaller(
                            number=f"+1415{wave:02d}{n:05d}", digits=[(1.0, "1")], talk_s=30, patience_s=600
                        )
                    )
                    for n in range(calls)
                )
            )
            outcomes = await asyncio.gather(*(h.finished(300) for h in handles))
            answered += sum(1 for o in outcomes if o.agent is not None)
        elapsed = time.perf_counter() - started
        stop.set()
        await watcher
    finally:
        await engine.stop()
        if store == "redis":
            client = Redis.from_url(REDIS_URL, decode_responses=True)
            await RedisStore(client, prefix).clear()
            await client.aclose()
    decisions = [s for name in TIMED for s in samples.get(name, [])]
    print(f"store={store} agents={agents} calls={calls}x{waves} answered={answered} in {elapsed:.1f}s")
    print(
        f"event-loop lag: n={len(lags)} p50 {pct(lags, 50) * 1000:.2f} ms, "
        f"p99 {pct(lags, 99) * 1000:.2f} ms, max {max(lags, default=0) * 1000:.2f} ms"
    )
    print(
        f"routing calls: n={len(decisions)} p50 {pct(decisions, 50) * 1000:.3f} ms, "
        f"p99 {pct(decisions, 99) * 1000:.3f} ms, mean {statistics.fmean(decisions) * 1000:.3f} ms"
    )
    for name in TIMED:
        got = samples.get(name, [])
        if got:
            p50, p99 = pct(got, 50) * 1000, pct(got, 99) * 1000
            print(f"  {name:15s} n={len(got):6d} p50 {p50:8.3f} ms  p99 {p99:8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["memory", "redis"], default="redis")
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--waves", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.store, args.agents, args.calls, args.waves))


if __name__ == "__main__":
    main()
