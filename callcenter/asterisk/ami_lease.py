"""Who owns the AMI connection to one Asterisk when several engines share one Redis.

One key per Asterisk, ``<prefix>:ami-owner:<host>:<port>``, holds ``<engine id>|<fencing token>``
with a TTL. It is taken only when free (one Lua script: ``EXISTS``, then ``INCR`` of the per-Asterisk
counter ``<prefix>:ami-fence:<host>:<port>`` and ``SET ... PX``), so every term of ownership has a
token larger than all before it. The holder extends it every TTL/3 with a compare-and-extend (only
while the value is still its own). Ownership is never assumed: a renewal that fails for any reason
(Redis unreachable, the value changed, an answer or a wake-up later than the lease's validity, read
on the event loop's clock) ends the term at once, and ``holds()`` turns false by itself when the
validity runs out, even if the renewing task is starved. A standby tries again every TTL/3, so a
dead owner is replaced within TTL + TTL/3.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# KEYS: owner, counter; ARGV: engine id, ttl ms → the new token, or 0 when the lease is taken.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
"""
# KEYS: owner; ARGV: our value, ttl ms → 1 extended, 0 not ours any more.
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

OwnershipChange = Callable[[int], None]


def lease_keys(prefix: str, host: str, port: int) -> tuple[str, str]:
    """The owner key and the fencing counter of the Asterisk at ``host:port``."""
    return f"{prefix}:ami-owner:{host}:{port}", f"{prefix}:ami-fence:{host}:{port}"


class AmiLease:
    """One engine's claim on one Asterisk's AMI.

    ``run(on_acquired, on_lost)`` loops for ever: acquire, renew, and report each change with the
    term's token. Both callbacks are synchronous and run after ``holds()`` already tells the truth;
    they must be cheap (schedule slow work). Cancelling ``run`` leaves the key to expire (what a
    dead process does); ``release()`` hands it over at once on a clean shutdown.
    """

    def __init__(
        self,
        redis: Redis,
        keys: tuple[str, str],
        engine_id: str,
        ttl_s: float = 5.0,
    ) -> None:
        if "|" in engine_id or not engine_id:
            raise ValueError(f"an engine id is not empty and has no '|': {engine_id!r}")
        self._acquire = redis.register_script(_ACQUIRE)
        self._extend = redis.register_script(_EXTEND)
        self._release = redis.register_script(_RELEASE)
        self.key, self.counter_key = keys
        self.engine_id = engine_id
        self.ttl_s = ttl_s
        self.period_s = ttl_s / 3
        self._token: int | None = None
        self._valid_until = 0.0
        self.last_error: str | None = None

    @property
    def token(self) -> int | None:
        """The fencing token of the current term; None while not holding."""
        return self._token if self.holds() else None

    def holds(self) -> bool:
        return self._token is not None and self._now() < self._valid_until

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    @property
    def _value(self) -> str:
        return f"{self.engine_id}|{self._token}"

    async def run(self, on_acquired: OwnershipChange, on_lost: OwnershipChange) -> None:
        try:
            while True:
                token = await self._try_acquire()
                if token is None:
                    await asyncio.sleep(self.period_s)
                    continue
                on_acquired(token)
                reason = await self._keep()
                self._token = None
                log.warning(
                    "AMI ownership lost: %s", reason, extra={"lease": self.key, "fencing_token": token}
                )
                on_lost(token)
        finally:
            # Cancelled (or failed): no term survives the loop; the key is left to expire unless
            # ``release()`` follows.
            self._valid_until = 0.0

    async def _try_acquire(self) -> int | None:
        started = self._now()
        try:
            answer = await self._call(self._acquire, [self.key, self.counter_key], self.engine_id, self.ttl_s)
        except (RedisError, OSError, TimeoutError) as exc:
            self._note_error(f"AMI lease {self.key}: Redis unavailable ({exc})")
            return None
        self._note_error(None)
        token = int(answer)
        if token == 0:
            return None
        self._token, self._valid_until = token, started + self.ttl_s
        log.info("AMI ownership acquired", extra={"lease": self.key, "fencing_token": token})
        return token

    async def _keep(self) -> str:
        """Renew until a renewal fails; return why the term ended."""
        while True:
            await asyncio.sleep(self.period_s)
            started = self._now()
            if started >= self._valid_until:
                return f"the renewal ran {started - self._valid_until:.2f} s past the lease's validity"
            try:
                left = self._valid_until - started
                extended = await self._call(self._extend, [self.key], self._value, left)
            except TimeoutError:
                return "no answer to the renewal within the lease's validity"
            except (RedisError, OSError) as exc:
                return f"renewal failed: {exc}"
            if not int(extended):
                return "the lease is not ours any more"
            self._valid_until = started + self.ttl_s

    async def _call(self, script: AsyncScript, keys: list[str], value: str, within_s: float) -> Any:
        ttl_ms = str(max(1, round(self.ttl_s * 1000)))
        # A Redis that hangs must not keep us believing: the answer counts only within the validity.
        # (asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel of this task.)
        async with asyncio.timeout(within_s):
            return await script(keys=keys, args=[value, ttl_ms])

    def _note_error(self, text: str | None) -> None:
        if text is not None and text != self.last_error:
            log.error(text, extra={"lease": self.key})
        self.last_error = text

    async def release(self) -> None:
        """Give the lease up now (clean shutdown), only if it is still ours."""
        token, self._token = self._token, None
        if token is None:
            return
        value = f"{self.engine_id}|{token}"
        with contextlib.suppress(RedisError, OSError, TimeoutError):
            async with asyncio.timeout(self.ttl_s):
                await self._release(keys=[self.key], args=[value])
