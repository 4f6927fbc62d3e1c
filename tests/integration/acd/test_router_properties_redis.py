"""The random-sequence invariants of ``tests/unit/acd/test_router_properties.py`` on the Redis
store (real server): capacity, no lost or duplicated item, offers only to agents that could take
them, no idle agent beside waiting work. (The offer-time FIFO probe needs synchronous reads and
runs on the memory store only; FIFO itself is the same code path.)"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, settings
from redis.asyncio import Redis

from acd.redis_store import RedisStore
from acd.store import AcdStore
from tests.unit.acd.test_router_properties import RouterMachine


class RedisRouterMachine(RouterMachine):
    def make_store(self) -> AcdStore:
        self.client = Redis.from_url("redis://127.0.0.1:6379/0", decode_responses=True)
        self.redis_store = RedisStore(self.client, f"acdtest:{uuid.uuid4().hex}")
        return self.redis_store

    def teardown(self) -> None:
        self.run(self.redis_store.clear())
        self.run(self.client.aclose())
        super().teardown()


RedisRouterMachine.TestCase.settings = settings(
    max_examples=80, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestRedisRouterInvariants = pytest.mark.redis(RedisRouterMachine.TestCase)
