"""The ACD router on the store the settings choose (``acd.store``): in memory, or in Redis with the
day's live statistics kept there too (``callcenter.stats_persistence``)."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError

from acd.context import Listener
from acd.memory_store import MemoryStore
from acd.redis_store import RedisStore
from acd.router import Router
from callcenter.clock import SystemClock
from callcenter.errors import ConfigError
from callcenter.settings_acd import AcdSettings
from callcenter.stats_persistence import StatsPersistence

CONNECT_TIMEOUT_S = 5.0


def shown_url(url: str) -> str:
    """``url`` with its password hidden (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


async def open_redis(url: str) -> Redis:
    """A client (``decode_responses``, as ``RedisStore`` needs) to a Redis that answers now."""
    client: Redis = Redis.from_url(url, decode_responses=True, socket_connect_timeout=CONNECT_TIMEOUT_S)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        raise ConfigError(f"acd.store is redis but Redis at {shown_url(url)} is unreachable: {exc}") from exc
    return client


async def build_router(settings: AcdSettings, stack: contextlib.AsyncExitStack, listener: Listener) -> Router:
    """The router; what it opened is closed by ``stack`` (the statistics written first)."""
    if settings.store == "memory":
        return Router(MemoryStore(), SystemClock(), listener=listener)
    client = await open_redis(settings.redis_url)
    stack.push_async_callback(client.aclose)
    persistence = StatsPersistence(client, settings.redis_prefix)
    router = Router(
        RedisStore(client, settings.redis_prefix), SystemClock(), listener=persistence.listening(listener)
    )
    await persistence.attach(router)
    stack.push_async_callback(persistence.close)
    return router
