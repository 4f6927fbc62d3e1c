"""Staffing check: a discrete-event simulation drives the real Router and its live statistics,
and compares service level and ASA with the Erlang C prediction for the same load.

M/M/N: Poisson arrivals, exponential handle times, N identical agents on one skill, FIFO, no
abandonment, offers answered at once, no wrap-up. Time is virtual (the Router's clock), so a
day of traffic runs in seconds. The router's statistics are reset after a warm-up (the first
10% of the calls) so that the empty start does not flatter the figures.

    .venv/bin/python bench/acd_staffing.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acd.decision import Offer
from acd.estimate import erlang_c_asa, erlang_c_service_level
from acd.memory_store import MemoryStore
from acd.model import Agent, Channel, Customer, QueueConfig, SkillRequirement, WorkItem
from acd.router import Router
from acd.stats import StatsBook


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t


@dataclass(frozen=True, slots=True)
class Load:
    agents: int
    erlangs: float
    aht: float = 180.0
    threshold: float = 20.0


@dataclass(frozen=True, slots=True)
class StaffingResult:
    load: Load
    calls: int
    service_level: float
    asa: float
    erlang_service_level: float
    erlang_asa: float


async def simulate(load: Load, calls: int, seed: int, warm_up: float = 0.1) -> StaffingResult:
    rnd = random.Random(seed)
    clock = VirtualClock()
    router = Router(MemoryStore(), clock)
    await router.add_queue(
        QueueConfig("q", skills=(SkillRequirement("s", 1),), service_level_seconds=load.threshold)
    )
    for n in range(load.agents):
        await router.login(Agent(f"a{n}", {"s": 3}, capacity={Channel.VOICE: 1}))
    rate = load.erlangs / load.aht  # arrivals per second
    events: list[tuple[float, int, str]] = [(rnd.expovariate(rate), 0, "")]  # (time, n, item to complete)
    arrived = answered = 0
    seq = 0

    async def answer(offers: list[Offer]) -> None:
        nonlocal seq, answered
        for offer in offers:
            await router.accept(offer.offer_id)
            answered += 1
            seq += 1
            heapq.heappush(events, (clock.t + rnd.expovariate(1 / load.aht), seq, offer.item.item_id))

    while events:
        clock.t, _, done = heapq.heappop(events)
        if done:
            await answer(await router.complete(done))
            continue
        arrived += 1
        if arrived == int(calls * warm_up) + 1:
            router.stats = StatsBook()  # measure from here on
            router.stats.configure_queue("q", load.threshold)
        item = WorkItem(f"i{arrived}", Channel.VOICE, "q", Customer(f"c{arrived}"), clock.t)
        offer = await router.enqueue(item)
        await answer([offer] if offer else [])
        if arrived < calls:
            heapq.heappush(events, (clock.t + rnd.expovariate(rate), 0, ""))
    stats = router.stats.queue_stats("q", clock.t)
    if answered != calls or stats.service_level is None or stats.asa is None:
        raise RuntimeError(f"simulation lost calls: {stats}")
    return StaffingResult(
        load,
        stats.answered,
        stats.service_level,
        stats.asa,
        erlang_c_service_level(load.agents, load.erlangs, load.aht, load.threshold),
        erlang_c_asa(load.agents, load.erlangs, load.aht),
    )


LOADS = [Load(5, 3.5), Load(10, 8.0), Load(20, 17.0), Load(50, 45.0)]


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer calls per load (wider spread)")
    parser.add_argument("--calls", type=int, default=None)
    args = parser.parse_args()
    calls = args.calls or (20_000 if args.quick else 200_000)
    print(f"{'agents':>6} {'erlangs':>7} {'calls':>7} | {'SL sim':>7} {'SL ErlC':>7} {'diff':>6} | "
          f"{'ASA sim':>8} {'ASA ErlC':>8} {'diff':>6}")  # fmt: skip
    ok = True
    for n, load in enumerate(LOADS):
        r = await simulate(load, calls, seed=100 + n)
        sl_diff = (r.service_level - r.erlang_service_level) * 100
        asa_diff = (r.asa - r.erlang_asa) / r.erlang_asa * 100
        ok &= abs(sl_diff) <= 2 and abs(asa_diff) <= 10
        print(
            f"{load.agents:>6} {load.erlangs:>7.1f} {r.calls:>7} | "
            f"{r.service_level:>7.1%} {r.erlang_service_level:>7.1%} "
            f"{sl_diff:>+5.1f}p | {r.asa:>7.1f}s {r.erlang_asa:>7.1f}s {asa_diff:>+5.1f}%"
        )
    print("within 2 points of SL and 10% of ASA:", "yes" if ok else "NO")


if __name__ == "__main__":
    asyncio.run(main())
