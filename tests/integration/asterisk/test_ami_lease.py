"""AmiLease against the real Redis at 127.0.0.1:6379 (unique key prefixes, removed afterwards)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from callcenter.asterisk.ami_lease import AmiLease, lease_keys
from tests.waiting import wait_until

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
TTL = 0.6


class Holder:
    """One engine's lease, run as a task, with the ownership changes it reported."""

    def __init__(self, redis: Redis, keys: tuple[str, str], engine_id: str, ttl: float = TTL) -> None:
        self.lease = AmiLease(redis, keys, engine_id, ttl)
        self.changes: list[tuple[str, int]] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(
            self.lease.run(
                lambda t: self.changes.append(("acquired", t)), lambda t: self.changes.append(("lost", t))
            )
        )

    async def die(self) -> None:
        """What a killed process does: stop renewing, release nothing."""
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    def tokens(self, kind: str = "acquired") -> list[int]:
        return [t for k, t in self.changes if k == kind]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    await client.ping()  # fails (never skips) when the server is missing
    yield client
    await client.aclose()


@pytest.fixture
async def keys(redis: Redis) -> AsyncIterator[tuple[str, str]]:
    pair = lease_keys(f"leasetest:{uuid.uuid4().hex}", "10.0.0.5", 5038)
    yield pair
    await redis.delete(*pair)


@pytest.fixture
async def holders() -> AsyncIterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        await holder.die()


def start(holders: list[Holder], redis: Redis, keys: tuple[str, str], engine_id: str) -> Holder:
    holder = Holder(redis, keys, engine_id)
    holders.append(holder)
    holder.start()
    return holder


async def test_of_two_engines_exactly_one_holds_the_lease_and_keeps_it(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    a = start(holders, redis, keys, "engine-a")
    b = start(holders, redis, keys, "engine-b")
    await wait_until(lambda: a.lease.holds() or b.lease.holds(), timeout=3, what="an owner")
    owner, standby = (a, b) if a.lease.holds() else (b, a)

    deadline = time.monotonic() + 3 * TTL  # several renewals and standby attempts
    while time.monotonic() < deadline:
        assert owner.lease.holds()
        assert not standby.lease.holds()
        await asyncio.sleep(0.02)
    assert standby.changes == []
    assert owner.changes == [("acquired", owner.lease.token)]
    assert await redis.get(keys[0]) == f"{owner.lease.engine_id}|{owner.lease.token}".encode()


async def test_when_the_owner_dies_the_standby_takes_over_within_ttl_and_a_period_with_a_larger_token(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    a = start(holders, redis, keys, "engine-a")
    await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
    first = a.lease.token
    assert first is not None
    b = start(holders, redis, keys, "engine-b")
    await asyncio.sleep(TTL / 3)  # b has tried at least once and stands by

    await a.die()
    died = time.monotonic()
    assert not a.lease.holds()
    await wait_until(b.lease.holds, timeout=3 * TTL, what="engine-b to take over")
    takeover = time.monotonic() - died

    assert takeover <= TTL + TTL / 3 + 0.25, takeover
    second = b.lease.token
    assert second is not None
    assert second > first
    assert a.changes == [("acquired", first)]  # a dead process reports nothing


async def test_a_renewal_that_comes_after_the_validity_ends_the_term_at_once(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    a = start(holders, redis, keys, "engine-a")
    await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
    [token] = a.tokens()

    time.sleep(TTL + 0.1)  # noqa: ASYNC251 - the event loop stalls (a long GC pause, a blocked thread)

    assert not a.lease.holds()
    assert a.lease.token is None
    await wait_until(lambda: a.tokens("lost") == [token], timeout=2, what="the loss reported")
    # It competes again like any standby: a new term has a new, larger token.
    await wait_until(a.lease.holds, timeout=3, what="a new term")
    assert a.tokens() == [token, token + 1]


async def test_when_another_engine_took_the_key_the_old_holder_loses_at_its_next_renewal(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    a = start(holders, redis, keys, "engine-a")
    await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
    [token] = a.tokens()
    await redis.set(keys[0], f"engine-b|{token + 1}", px=60_000)

    await wait_until(lambda: a.tokens("lost") == [token], timeout=2 * TTL, what="the loss")
    assert not a.lease.holds()
    assert await redis.get(keys[0]) == f"engine-b|{token + 1}".encode()  # never overwritten


async def test_with_redis_unreachable_nobody_holds_the_lease(holders: list[Holder]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = Redis.from_url(f"redis://127.0.0.1:{closed_port}/0", socket_connect_timeout=0.2)
    try:
        keys = lease_keys("leasetest", "10.0.0.5", 5038)
        a = start(holders, unreachable, keys, "engine-a")
        b = start(holders, unreachable, keys, "engine-b")
        await wait_until(lambda: a.lease.last_error is not None, timeout=3, what="the Redis error")
        await asyncio.sleep(TTL)
        assert not a.lease.holds()
        assert not b.lease.holds()
        assert a.changes == []
        assert b.changes == []
        assert "Redis unavailable" in (a.lease.last_error or "")
    finally:
        for holder in holders:
            await holder.die()
        await unreachable.aclose()


async def test_when_redis_goes_away_the_owner_loses_and_nobody_holds(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    proxy = RedisProxy()
    await proxy.start()
    through_proxy = Redis.from_url(f"redis://127.0.0.1:{proxy.port}/0", socket_connect_timeout=0.2)
    try:
        a = start(holders, through_proxy, keys, "engine-a")
        await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
        [token] = a.tokens()

        await proxy.stop()  # Redis unreachable from engine-a from now on
        await wait_until(lambda: a.tokens("lost") == [token], timeout=2 * TTL, what="the loss")
        assert not a.lease.holds()
        await asyncio.sleep(TTL)
        assert not a.lease.holds()
        assert a.tokens() == [token]
    finally:
        for holder in holders:
            await holder.die()
        await through_proxy.aclose()
        await proxy.stop()


async def test_when_redis_stops_answering_the_owner_loses_when_its_validity_runs_out(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    proxy = RedisProxy()
    await proxy.start()
    through_proxy = Redis.from_url(f"redis://127.0.0.1:{proxy.port}/0")
    try:
        a = start(holders, through_proxy, keys, "engine-a")
        await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
        [token] = a.tokens()

        proxy.frozen = True
        frozen = time.monotonic()
        await wait_until(lambda: not a.lease.holds(), timeout=2 * TTL, what="the term to end")
        assert time.monotonic() - frozen <= TTL + 0.1  # not a moment past its validity
        await wait_until(lambda: a.tokens("lost") == [token], timeout=2 * TTL, what="the loss")
    finally:
        for holder in holders:
            await holder.die()
        await through_proxy.aclose()
        await proxy.stop()


async def test_release_hands_the_lease_over_at_once_and_only_if_still_ours(
    redis: Redis, keys: tuple[str, str], holders: list[Holder]
) -> None:
    a = start(holders, redis, keys, "engine-a")
    await wait_until(a.lease.holds, timeout=3, what="engine-a to hold the lease")
    await a.die()
    await a.lease.release()
    assert await redis.get(keys[0]) is None

    b = start(holders, redis, keys, "engine-b")
    await wait_until(b.lease.holds, timeout=TTL, what="engine-b to take it without waiting for a TTL")
    await a.lease.release()  # a second release by the old holder must not free b's lease
    assert b.lease.holds()
    assert await redis.get(keys[0]) == f"engine-b|{b.lease.token}".encode()


class RedisProxy:
    """A TCP relay to the real Redis that can be cut: 'Redis went away' for whoever uses it."""

    def __init__(self) -> None:
        self.port = 0
        self.frozen = False  # connections stay open, nothing is forwarded: a hung Redis
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.close()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        redis_r, redis_w = await asyncio.open_connection("127.0.0.1", 6379)
        self._writers += [client_w, redis_w]

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    if not self.frozen:
                        dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(client_r, redis_w), pump(redis_r, client_w))
