"""The engine's AMI client runs only while this engine owns the Asterisk (``ami.owner_lease``).

Without the lease (one engine) the client simply starts with the engine. With it, the client is
started for each term of ownership, fenced to that term's token, and halted the moment the term
ends (the session is closed at once; actions are refused even before that, see
``AmiClient.fence``). ``engine.ami`` stays the same object throughout, so everything holding it
(``AsteriskPbx``, subscribers) follows the terms without knowing about them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from redis.asyncio import Redis

from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.ami_lease import AmiLease, lease_keys
from callcenter.settings import AmiSettings

log = logging.getLogger(__name__)


class AmiOwnership:
    """Starts and stops one ``AmiClient`` with the terms of one ``AmiLease``.

    The lease's callbacks only queue the change (and halt the client at once on a loss); one
    worker applies the changes in order, so a start never overlaps the previous term's stop.
    """

    def __init__(self, ami: AmiClient, lease: AmiLease) -> None:
        self.ami = ami
        self.lease = lease
        self._changes: asyncio.Queue[int | None] = asyncio.Queue()
        self._first_round = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def holds(self) -> bool:
        return self.lease.holds()

    async def start(self) -> None:
        """Start competing for the lease; return once the first try ended (and, if this engine
        won, the AMI client's first connection attempt)."""
        self._tasks = [
            asyncio.create_task(self._apply_changes(), name="ami-ownership"),
            asyncio.create_task(self.lease.run(self._acquired, self._lost), name="ami-lease"),
        ]
        await self._first_round.wait()

    def _acquired(self, token: int) -> None:
        self._changes.put_nowait(token)

    def _lost(self, token: int) -> None:
        self.ami.halt(f"AMI ownership lost (fencing token {token})")
        self._changes.put_nowait(None)

    async def _apply_changes(self) -> None:
        lease = self.lease
        while True:
            try:
                async with asyncio.timeout(lease.period_s * 1.5):
                    token = await self._changes.get()
            except TimeoutError:
                self._first_round.set()  # standing by
                continue
            if token is None:
                await self.ami.stop()
            elif lease.token == token:  # not already over while it waited in the queue
                self.ami.fence(token, self._term_check(token))
                log.info("AMI owner for this term", extra={"fencing_token": token, "ami_peer": self.ami.peer})
                await self.ami.start()
            self._first_round.set()

    def _term_check(self, token: int) -> Callable[[], bool]:
        return lambda: self.lease.token == token

    async def stop(self) -> None:
        """Stop competing, close the AMI session and hand the lease over at once."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.ami.stop()
        await self.lease.release()


async def start_ami(
    settings: AmiSettings, ami: AmiClient, stack: contextlib.AsyncExitStack
) -> AmiOwnership | None:
    """Start ``ami`` now (no lease) or under the ownership lease; undone by ``stack``."""
    if not settings.owner_lease:
        await ami.start()
        stack.push_async_callback(ami.stop)
        return None
    redis = Redis.from_url(settings.lease_redis_url, socket_connect_timeout=settings.lease_ttl_s / 3)
    stack.push_async_callback(redis.aclose)
    lease = AmiLease(
        redis, lease_keys(settings.lease_prefix, ami.host, ami.port), settings.engine_id, settings.lease_ttl_s
    )
    ownership = AmiOwnership(ami, lease)
    stack.push_async_callback(ownership.stop)
    await ownership.start()
    return ownership
