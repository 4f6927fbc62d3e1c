"""Many callers arriving at once in one engine on the Redis store: every store call yields to the
event loop, so the arrivals' routings interleave. They must not all go for the same longest-idle
agent (one wins each round, the others retry: 200 arrivals gave up after 50 conflicts each and
waited for the next dispatch pass, seconds later); each takes a different free agent."""

from __future__ import annotations

import asyncio
import logging

import pytest
from redis.asyncio import Redis

from acd.events import OfferMade
from acd.model import Agent, Channel, QueueConfig, SkillRequirement
from acd.redis_store import RedisStore
from acd.router import Router
from tests.fakes.acd_clock import FakeClock
from tests.fakes.acd_factories import EventRecorder, item

AGENTS = 120


class CountingStore(RedisStore):
    def __init__(self, redis: Redis, prefix: str) -> None:
        super().__init__(redis, prefix)
        self.refused = 0

    async def commit(self, txn: object) -> bool:
        ok = await super().commit(txn)  # type: ignore[arg-type]
        self.refused += not ok
        return ok


@pytest.mark.redis
async def test_simultaneous_arrivals_each_take_a_different_free_agent_at_once(
    redis_client: Redis, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = CountingStore(redis_client, prefix)
    clock, recorder = FakeClock(), EventRecorder()
    router = Router(store, clock, listener=recorder)
    try:
        await router.add_queue(QueueConfig("sales", skills=(SkillRequirement("sales", 1),)))
        for n in range(AGENTS):
            clock.advance(1)
            await router.login(Agent(f"a{n:03d}", {"sales": 3}, capacity={Channel.VOICE: 1}))
        with caplog.at_level(logging.WARNING, logger="acd.routing"):
            offers = await asyncio.gather(
                *(router.enqueue(item(f"c{n}", clock.now())) for n in range(AGENTS))
            )
        assert "gave up" not in caplog.text
        assert sum(o is not None for o in offers) == AGENTS  # every caller offered on arrival
        agents = [e.offer.agent_id for e in recorder.of_type(OfferMade)]
        assert len(set(agents)) == AGENTS
        assert store.refused < AGENTS // 4, f"{store.refused} commits lost a race inside one engine"
    finally:
        await store.clear()
