"""One engine process for the two-process test: its own Router on the shared Redis prefix.

Alongside the router it keeps an audit in Redis that would expose a double assignment: per agent
the number of accepted, not yet completed items (decremented *before* ``complete`` commits, so
it never over-counts) must stay within capacity, and each item may be accepted only once.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from redis.asyncio import Redis

from acd.decision import Offer
from acd.errors import OfferNotPending
from acd.redis_store import RedisStore
from acd.router import Router
from acd.store import Txn
from tests.fakes.acd_factories import item

REDIS_URL = "redis://127.0.0.1:6379/0"


class WallClock:
    def now(self) -> float:
        return time.time()


class CountingStore(RedisStore):
    conflicts = 0

    async def commit(self, txn: Txn) -> bool:
        ok = await super().commit(txn)
        self.conflicts += not ok
        return ok


async def _run(prefix: str, worker: int, items: int, seed: int) -> dict[str, Any]:
    rnd = random.Random(seed)
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    store = CountingStore(client, prefix)
    router = Router(store, WallClock())
    audit = f"{prefix}:audit"
    violations: list[str] = []
    active: list[Offer] = []
    offers_seen = 0

    async def take(offers: list[Offer]) -> None:
        nonlocal offers_seen
        for offer in offers:
            offers_seen += 1
            try:
                more = await router.accept(offer.offer_id)
            except OfferNotPending:
                continue  # the other engine resolved it first
            if not await client.hsetnx(f"{audit}:items", offer.item.item_id, worker):
                violations.append(f"item {offer.item.item_id} accepted twice")
            if await client.hincrby(f"{audit}:load", offer.agent_id, 1) > 1:
                violations.append(f"agent {offer.agent_id} over capacity")
            active.append(offer)
            await take(more)

    async def finish(offer: Offer) -> None:
        await client.hincrby(f"{audit}:load", offer.agent_id, -1)
        await take(await router.complete(offer.item.item_id))

    await router.reload_queues()
    await client.incr(f"{audit}:ready")
    deadline = time.monotonic() + 20
    while int(await client.get(f"{audit}:ready") or 0) < 2:  # start together
        assert time.monotonic() < deadline, "the other worker never started"
        await asyncio.sleep(0.001)
    for n in range(items):
        offer = await router.enqueue(item(f"w{worker}-{n}", time.time(), queue="q", customer=f"c{n % 50}"))
        await take([offer] if offer else [])
        if active and rnd.random() < 0.6:
            await finish(active.pop(rnd.randrange(len(active))))
        if rnd.random() < 0.1:
            await take(await router.dispatch())
    while active:
        await finish(active.pop())
    await client.aclose()
    return {"violations": violations, "conflicts": store.conflicts, "offers": offers_seen}


def run_worker(prefix: str, worker: int, items: int, seed: int) -> dict[str, Any]:
    return asyncio.run(_run(prefix, worker, items, seed))
