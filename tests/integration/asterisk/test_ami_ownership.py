"""Two engines' AMI clients under the ownership lease, against one PBX simulator over real TCP,
with the lease in the real Redis at 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from callcenter.ami_ownership import AmiOwnership
from callcenter.asterisk.ami_backoff import Backoff
from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.ami_events import AmiEvent, AmiResynced
from callcenter.asterisk.ami_lease import AmiLease, lease_keys
from callcenter.asterisk.errors import AmiNotConnected
from callcenter.pbxsim import PbxSimulator, SimConfig, SimulatedAgentPhone
from tests.integration.asterisk.ami_owners import die, logged_in_sessions
from tests.waiting import wait_until

pytestmark = pytest.mark.redis

TTL = 1.0
FAST = Backoff(initial=0.05, maximum=0.2, factor=2.0, jitter=0.0)


class Engine:
    """The AMI side of one engine process: its client, its lease, the resyncs it saw."""

    def __init__(self, redis: Redis, keys: tuple[str, str], engine_id: str, port: int) -> None:
        self.ami = AmiClient("127.0.0.1", port, "engine", "enginepass", backoff=FAST, rng=random.Random(1))
        self.ownership = AmiOwnership(self.ami, AmiLease(redis, keys, engine_id, TTL))
        self.resynced_at: list[float] = []
        self.ami.subscribe(self._on_event)

    def _on_event(self, event: AmiEvent) -> None:
        if isinstance(event, AmiResynced):
            self.resynced_at.append(time.monotonic())


def connected(client: AmiClient) -> bool:
    return client.connected


@pytest.fixture
async def sim() -> AsyncIterator[PbxSimulator]:
    simulator = PbxSimulator(SimConfig(agi_port=1, time_scale=0.05))
    simulator.add_agent_phone(SimulatedAgentPhone("agent-1001", answer_delay_s=0.0))
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def engines(sim: PbxSimulator) -> AsyncIterator[list[Engine]]:
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    keys = lease_keys(f"ownertest:{uuid.uuid4().hex}", "127.0.0.1", sim.ami_port)
    pair = [Engine(redis, keys, f"engine-{name}", sim.ami_port) for name in "ab"]
    yield pair
    for engine in pair:
        await engine.ownership.stop()
    await redis.delete(*keys)
    await redis.aclose()


class SessionWatch:
    """Samples the simulator's logged-in sessions all along; ``most`` is the highest count seen."""

    def __init__(self, sim: PbxSimulator) -> None:
        self.most = 0
        self._sim = sim
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            self.most = max(self.most, logged_in_sessions(self._sim))
            await asyncio.sleep(0.002)

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def test_one_engine_owns_the_ami_and_the_other_takes_over_within_seconds_when_it_dies(
    sim: PbxSimulator, engines: list[Engine]
) -> None:
    watch = SessionWatch(sim)
    a, b = engines
    await a.ownership.start()
    await b.ownership.start()
    await wait_until(lambda: logged_in_sessions(sim) == 1, timeout=5, what="one AMI session")
    owner, standby = (a, b) if a.ownership.holds() else (b, a)
    assert owner.ami.connected
    assert not connected(standby.ami)  # standing by
    await asyncio.sleep(2 * TTL)  # renewals and standby attempts go on; still one session
    assert logged_in_sessions(sim) == 1
    assert standby.resynced_at == []
    first_token = owner.ownership.lease.token

    await die(owner.ownership)
    killed = time.monotonic()
    await wait_until(lambda: standby.resynced_at != [], timeout=3 * TTL + 2, what="the takeover")
    takeover = standby.resynced_at[0] - killed
    print(f"\nAMI takeover after the owner died: {takeover:.2f} s (lease TTL {TTL} s)")
    await watch.stop()

    assert takeover < TTL + TTL / 3 + 1.0
    assert connected(standby.ami)
    assert logged_in_sessions(sim) == 1
    assert watch.most == 1  # never two owners' sessions at once
    assert (standby.ownership.lease.token or 0) > (first_token or 0)


async def test_an_action_of_an_ended_term_is_refused_and_never_reaches_the_pbx(
    sim: PbxSimulator, engines: list[Engine]
) -> None:
    a, b = engines
    await a.ownership.start()
    await a.ami.wait_connected(5)
    await b.ownership.start()  # standing by
    token = a.ownership.lease.token
    assert token is not None
    await a.ami.originate("PJSIP/agent-1001", application="Wait", data="60")
    await wait_until(lambda: len(sim.channels()) == 1, timeout=5, what="the owner's Originate")
    [leg] = sim.channels()
    assert await a.ami.getvar(leg.name, "CC_FENCE") == str(token)  # which term sent it

    time.sleep(TTL + 0.1)  # noqa: ASYNC251 - the loop stalls past the lease's validity
    assert a.ami.connected  # the socket is still up: only the fence stands in the way
    with pytest.raises(AmiNotConnected, match="ownership moved"):
        await a.ami.originate("PJSIP/agent-1001", application="Wait", data="60")
    with pytest.raises(AmiNotConnected):
        await a.ami.hangup(leg.name)

    # A new term begins (either engine may win it) once the old one is over.
    def new_owner() -> Engine | None:
        held = [e for e in engines if (e.ownership.lease.token or 0) > token and e.ami.connected]
        return held[0] if held else None

    await wait_until(lambda: new_owner() is not None, timeout=3 * TTL + 2, what="a new term")
    owner = new_owner()
    assert owner is not None
    assert await owner.ami.getvar(leg.name, "CC_FENCE") == str(token)
    assert [c.name for c in sim.channels()] == [leg.name]  # neither the Originate nor the Hangup
    assert logged_in_sessions(sim) == 1


async def test_a_client_starts_again_after_stop_for_a_new_term_and_logs_in_only_while_fenced_in(
    sim: PbxSimulator,
) -> None:
    client = AmiClient("127.0.0.1", sim.ami_port, "engine", "enginepass", backoff=FAST, rng=random.Random(1))
    term = {"current": 1}
    try:
        client.fence(1, lambda: term["current"] == 1)
        await client.start()
        await client.wait_connected(5)
        await client.stop()
        await wait_until(lambda: logged_in_sessions(sim) == 0, timeout=5, what="the session closed")

        client.fence(2, lambda: term["current"] == 2)
        term["current"] = 2
        await client.start()  # a new term on the same client object
        await client.wait_connected(5)
        assert client.fencing_token == 2
        assert logged_in_sessions(sim) == 1
        await client.stop()

        term["current"] = 3  # the term of token 2 is over before this start
        await client.start()
        await asyncio.sleep(0.3)  # several attempts with FAST backoff
        assert not client.connected
        assert logged_in_sessions(sim) == 0
        assert "ownership term ended" in (client.last_error or "")
    finally:
        await client.stop()
