"""ACD routing benchmark: decisions per second and decision latency (p50/p99).

Scenario: 1,000 agents (5 random skills of 50, levels 1–5, one voice call each), 50 queues
(one skill each, minimum level 1–3), 5,000 waiting items. Each round an agent hangs up
(``complete`` → agent-freed decision: the best of its eligible waiting items), the agent
accepts, and a new item arrives (``enqueue`` → arrival decision: find an eligible free agent;
nearly always none, so it queues). Run for the memory store and the Redis store.

    .venv/bin/python bench/acd_bench.py [--quick] [--store memory|redis|both]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis

from acd.decision import Offer
from acd.memory_store import MemoryStore
from acd.model import (
    Agent,
    Channel,
    Customer,
    QueueConfig,
    SkillRequirement,
    ValueTier,
    WorkItem,
)
from acd.redis_store import RedisStore
from acd.router import Router
from acd.store import AcdStore


class StepClock:
    """Virtual time: a millisecond passes per call, so no timer falls due during the run."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def now(self) -> float:
        self.t += 0.001
        return self.t


@dataclass(frozen=True)
class Size:
    agents: int
    skills: int
    waiting: int
    rounds: int


FULL = Size(agents=1_000, skills=50, waiting=5_000, rounds=20_000)
QUICK = Size(agents=200, skills=50, waiting=1_000, rounds=2_000)
TIERS = [ValueTier.NORMAL] * 6 + [ValueTier.KEY, ValueTier.VIP, ValueTier.SMALL]


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def run(store: AcdStore, size: Size, rounds: int, seed: int = 7) -> dict[str, float]:
    rnd = random.Random(seed)
    clock = StepClock()
    router = Router(store, clock)
    for q in range(size.skills):
        await router.add_queue(QueueConfig(f"q{q}", skills=(SkillRequirement(f"s{q}", rnd.randint(1, 3)),)))
    for a in range(size.agents):
        skills = {f"s{s}": rnd.randint(1, 5) for s in rnd.sample(range(size.skills), 5)}
        await router.login(Agent(f"a{a}", skills, capacity={Channel.VOICE: 1}))
    counter = 0
    active: list[Offer] = []

    def new_item() -> WorkItem:
        nonlocal counter
        counter += 1
        cust = Customer(f"c{counter}", rnd.choice(TIERS))
        return WorkItem(f"i{counter}", Channel.VOICE, f"q{rnd.randrange(size.skills)}", cust, clock.t,
                        priority=float(rnd.randint(0, 2)))  # fmt: skip

    async def take(offers: list[Offer]) -> None:
        for o in offers:
            await router.accept(o.offer_id)
            active.append(o)

    waiting = 0
    while waiting < size.waiting:
        offer = await router.enqueue(new_item())
        if offer is None:
            waiting += 1
        else:
            await take([offer])
    gc.collect()
    gc.freeze()  # the set-up objects are long-lived: keep the collector from re-scanning them
    freed: list[float] = []
    arrived: list[float] = []
    start = time.perf_counter()
    for _ in range(rounds):
        done = active.pop(rnd.randrange(len(active)))
        t0 = time.perf_counter()
        offers = await router.complete(done.item.item_id)
        t1 = time.perf_counter()
        freed.append(t1 - t0)
        await take(offers)
        t2 = time.perf_counter()
        offer = await router.enqueue(new_item())
        arrived.append(time.perf_counter() - t2)
        await take([offer] if offer else [])
    wall = time.perf_counter() - start
    decisions = freed + arrived
    return {
        "decisions": len(decisions),
        "decisions_per_s": len(decisions) / sum(decisions),
        "p50_ms": statistics.median(decisions) * 1e3,
        "p99_ms": pct(decisions, 99) * 1e3,
        "freed_p50_ms": statistics.median(freed) * 1e3,
        "freed_p99_ms": pct(freed, 99) * 1e3,
        "arrival_p50_ms": statistics.median(arrived) * 1e3,
        "arrival_p99_ms": pct(arrived, 99) * 1e3,
        "rounds_per_s": rounds / wall,
        "waiting_end": float(len([i for i in await store.all_items() if i.agent_id is None])),
    }


def show(name: str, size: Size, r: dict[str, float]) -> None:
    print(
        f"{name:6} agents={size.agents} skills={size.skills} waiting={int(r['waiting_end'])}: "
        f"{r['decisions_per_s']:,.0f} decisions/s, p50 {r['p50_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms "
        f"(agent freed p50/p99 {r['freed_p50_ms']:.3f}/{r['freed_p99_ms']:.3f} ms, "
        f"arrival p50/p99 {r['arrival_p50_ms']:.3f}/{r['arrival_p99_ms']:.3f} ms; "
        f"full rounds incl. accept: {r['rounds_per_s']:,.0f}/s over {int(r['decisions'])} decisions)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small, fast run")
    parser.add_argument("--store", choices=["memory", "redis", "both"], default="both")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    if args.store in ("memory", "both"):
        show("memory", size, await run(MemoryStore(), size, size.rounds))
    if args.store in ("redis", "both"):
        client = Redis.from_url(args.redis_url, decode_responses=True)
        store = RedisStore(client, f"acdbench:{uuid.uuid4().hex}")
        try:
            show("redis", size, await run(store, size, max(500, size.rounds // 4)))
        finally:
            await store.clear()
            await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
