"""``acd.store: redis``: the engine routes over the Redis store, and a new engine on the same Redis
prefix finds the queues, the waiting caller (its place and arrival), the agents as they were and
the day's live statistics; another day's statistics start at zero (real Redis, real AMI/FastAGI
against the simulator)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from acd.model import AgentState, QueueConfig
from acd.records import ItemStatus
from acd.redis_store import RedisStore
from acd.router import Router
from callcenter.acd_wiring import open_redis, shown_url
from callcenter.agent_journal import INTERRUPTED_REASON, drop_vanished_calls
from callcenter.app import Engine
from callcenter.clock import SystemClock
from callcenter.errors import ConfigError
from callcenter.pbxsim import SimulatedCaller
from callcenter.settings import Settings
from callcenter.stats_persistence import StatsPersistence
from tests.fakes.acd_factories import agent, item
from tests.integration.engine.conftest import engine_settings, sign_in_agents
from tests.integration.engine.served import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.redis
REDIS_URL = "redis://127.0.0.1:6379/0"
AGENTS = [
    {"agent_id": "1001", "name": "Sales", "skills": {"sales": 3}},
    {"agent_id": "1002", "name": "Support", "skills": {"support": 3}},
    {"agent_id": "1003", "name": "General", "skills": {"general": 3}},
]


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"acdtest:{uuid.uuid4().hex}"
    yield name
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    await RedisStore(client, name).clear()
    await client.aclose()


def _settings(tmp_path: Path, prefix: str, sales_wrap_up_s: float = 0.2, **overrides: Any) -> Settings:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return engine_settings(
        tmp_path,
        **overrides,
        agents=AGENTS,
        acd={"store": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix},
        queues=[
            {"name": "sales", "skills": {"sales": 2}, "wrap_up_s": sales_wrap_up_s},
            {"name": "support", "skills": {"support": 2}, "wrap_up_s": 0.2},
            {"name": "general", "wrap_up_s": 0.2},
        ],
    )


async def _state(engine: Engine, agent_id: str) -> AgentState | None:
    record = await engine.router.agent(agent_id)
    return None if record is None else record.state


def _without_asterisk(tmp_path: Path, prefix: str, **kw: Any) -> Engine:
    """An engine whose Asterisk is not there (yet): no AMI resync, so nothing is dropped by itself
    (at its first resync the engine drops the items whose caller Asterisk no longer has)."""
    closed = {"port": free_port(), "reconnect_initial_s": 0.05, "reconnect_max_s": 0.2}
    return Engine(_settings(tmp_path, prefix, ami=closed, **kw), simulator_mode=False)


def _caller(digit: str) -> SimulatedCaller:
    return SimulatedCaller(number="4155550100", digits=[(0.2, digit)], waits_to_be_heard=True, patience_s=600)


async def test_given_the_redis_store_when_the_engine_restarts_then_queues_callers_agents_and_stats_are_kept(
    tmp_path: Path, prefix: str
) -> None:
    first = Engine(_settings(tmp_path, prefix), simulator_mode=True)
    await first.start()
    try:
        assert first.simulator is not None
        await first.ami.wait_connected(5)
        await sign_in_agents(first)
        sold = await first.simulator.place_call(
            SimulatedCaller(number="4155550100", digits=[(0.2, "1")], waits_to_be_heard=True, talk_s=0.5)
        )
        await sold.finished(15)
        assert sold.outcome.agent == "agent-1001"  # routed over the Redis store
        await first.contact_center.agent_pause("1002", "lunch")
        waiting = await first.simulator.place_call(_caller("2"))  # support: nobody available
        await wait_until(lambda: _waits(first.router, waiting.uniqueid), timeout=10, what="queued")
        await wait_until(lambda: _is(first, "1001", AgentState.AVAILABLE), timeout=5, what="1001 free")
        before = await first.router.item(waiting.uniqueid)
        paused = await first.router.agent("1002")
        now = SystemClock().now()
        sales, support = (first.router.stats.queue_stats(q, now) for q in ("sales", "support"))
    finally:
        await first.stop()
    assert (sales.entered, sales.answered, support.entered, support.waiting) == (1, 1, 1, 1)

    # Another database (whose queue profiles differ, its journal empty): Redis alone keeps the rest.
    second = _without_asterisk(tmp_path / "b", prefix, sales_wrap_up_s=3.0)
    await second.start()
    try:
        client = await open_redis(REDIS_URL)
        queues = await RedisStore(client, prefix).get_queues()
        await client.aclose()
        assert {"general", "sales", "support"} <= set(queues)
        assert queues["sales"].wrap_up_seconds == 3.0  # the new engine's configuration wins
        after = await second.router.item(waiting.uniqueid)
        assert after is not None
        assert before is not None
        assert (after.status, after.seq, after.item.arrived_at) == (
            ItemStatus.WAITING,
            before.seq,
            before.item.arrived_at,
        )
        kept = await second.router.agent("1002")
        assert kept == paused  # the record itself (this database's journal knows nobody)
        assert [await _state(second, a) for a in ("1001", "1002", "1003")] == [
            AgentState.AVAILABLE,
            AgentState.PAUSED,
            AgentState.AVAILABLE,
        ]
        now = SystemClock().now()
        assert _counts(second.router.stats.queue_stats("sales", now)) == _counts(sales)
        again = second.router.stats.queue_stats("support", now)
        assert _counts(again) == _counts(support)
        assert [w.item_id for w in second.router.stats.channels.waiting_items()] == [waiting.uniqueid]

        # The simulator of the first engine is gone, and the caller with it: dropped once, abandoned.
        assert await drop_vanished_calls(second.router, set()) == set()
        assert await second.router.item(waiting.uniqueid) is None
        gone = second.router.stats.queue_stats("support", SystemClock().now())
        assert (gone.entered, gone.abandoned, gone.waiting) == (1, 1, 0)
    finally:
        await second.stop()


def _counts(stats: object) -> tuple[object, ...]:
    return tuple(
        getattr(stats, n) for n in ("entered", "answered", "abandoned", "fallbacks", "waiting", "asa", "aht")
    )


async def _waits(router: Router, item_id: str) -> bool:
    record = await router.item(item_id)
    return record is not None and record.status == ItemStatus.WAITING


async def _is(engine: Engine, agent_id: str, state: AgentState) -> bool:
    return await _state(engine, agent_id) is state


class _Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def now(self) -> float:
        return self.t


async def _router_on(prefix: str, at: float, every_s: float = 0.05) -> tuple[Router, StatsPersistence, Redis]:
    client = await open_redis(REDIS_URL)
    persistence = StatsPersistence(client, prefix, every_s=every_s, clock=lambda: at)
    router = Router(RedisStore(client, prefix), _Clock(at), listener=persistence.listening(lambda _e: None))
    await persistence.attach(router)
    return router, persistence, client


async def test_the_days_statistics_are_written_behind_and_a_new_day_starts_at_zero(prefix: str) -> None:
    day = 1_780_000_000.0  # 2026-05-28 20:26 UTC
    router, persistence, client = await _router_on(prefix, day)
    await router.add_queue(QueueConfig("sales"))
    await router.login(agent("a1"))
    await router.enqueue(item("c1", day))  # offered to a1
    await router.enqueue(item("c2", day))  # waits
    await router.enqueue(item("c3", day))  # waits
    key = persistence.key(persistence.day_at(day))
    assert key == f"{prefix}:stats:2026-05-28"
    await wait_until(lambda: client.exists(key), timeout=5, what="written without a stop")
    await router.abandon("c3")
    await persistence.close()  # the last change written at the stop
    await client.aclose()

    same, persistence, client = await _router_on(prefix, day + 60)
    assert (await persistence.attach(same), _counts_of(same, day + 60)) == ("today", (3, 0, 1, 1))
    await client.aclose()

    next_day, persistence, client = await _router_on(prefix, day + 86_400)
    assert _counts_of(next_day, day + 86_400) == (0, 0, 0, 1)  # c2 still waits
    assert [w.item_id for w in next_day.stats.channels.waiting_items()] == ["c2"]
    await client.aclose()

    later, persistence, client = await _router_on(prefix, day + 3 * 86_400)
    assert (await persistence.attach(later), _counts_of(later, day + 3 * 86_400)) == ("nothing", (0, 0, 0, 0))
    await client.aclose()


def _counts_of(router: Router, now: float) -> tuple[int, int, int, int]:
    s = router.stats.queue_stats("sales", now)
    return s.entered, s.answered, s.abandoned, s.waiting


async def test_an_unreachable_redis_is_a_clear_error_at_start_with_the_password_hidden() -> None:
    with pytest.raises(
        ConfigError, match=r"acd.store is redis but Redis at redis://:\*\*\*@127.0.0.1:1/0 is unre"
    ):
        await open_redis("redis://:s3cret@127.0.0.1:1/0")
    assert shown_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


async def test_given_an_agent_on_a_call_when_the_call_is_gone_after_a_restart_then_they_are_interrupted(
    tmp_path: Path, prefix: str
) -> None:
    first = Engine(_settings(tmp_path, prefix), simulator_mode=True)
    await first.start()
    try:
        assert first.simulator is not None
        await first.ami.wait_connected(5)
        await sign_in_agents(first, "1003")
        call = await first.simulator.place_call(
            SimulatedCaller(number="2125550199", patience_s=60, talk_s=600)
        )
        await wait_until(lambda: _is(first, "1003", AgentState.BUSY), timeout=10, what="1003 on the call")
    finally:
        await first.stop()

    second = _without_asterisk(tmp_path, prefix)
    await second.start()
    try:
        assert await _state(second, "1003") is AgentState.BUSY  # the call may still be there
        on_call = await second.router.item(call.uniqueid)
        assert on_call is not None
        assert on_call.status == ItemStatus.ACTIVE

        assert await drop_vanished_calls(second.router, {"some-other-call"}) == {"1003"}
        record = await second.router.agent("1003")
        assert record is not None
        assert (record.state, record.pending_pause) == (AgentState.WRAP_UP, INTERRUPTED_REASON)
        await wait_until(lambda: _is(second, "1003", AgentState.PAUSED), timeout=5, what="paused")
        record = await second.router.agent("1003")
        assert record is not None
        assert record.pause_reason == INTERRUPTED_REASON
        general = second.router.stats.queue_stats("general", SystemClock().now())
        assert (general.entered, general.answered, general.aht is not None) == (1, 1, True)
    finally:
        await second.stop()
