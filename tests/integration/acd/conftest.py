from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from acd.memory_store import MemoryStore
from acd.redis_store import RedisStore
from acd.store import AcdStore

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    await client.ping()  # fails (never skips) when the server is missing
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"acdtest:{uuid.uuid4().hex}"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def any_store(request: pytest.FixtureRequest, prefix: str) -> AsyncIterator[AcdStore]:
    """The contract suite runs every test once per store."""
    if request.param == "memory":
        yield MemoryStore()
        return
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    store = RedisStore(client, prefix)
    try:
        yield store
    finally:
        await store.clear()
        await client.aclose()
