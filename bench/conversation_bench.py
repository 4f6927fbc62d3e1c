"""Conversation service benchmark on PostgreSQL: the supervisor's live list and paced appends.

Scenario: 1,000 open chats (300 agents with three chats each hold 900, 100 wait), then visitors
post at a steady 200 messages/s for ``--seconds`` through ``ConversationService.post_customer``
(one short transaction per message, in worker threads) while ``live(None)`` runs every 2 s as the
supervisor's view does. Prints the latency percentiles and the statements one ``live`` costs.

    .venv/bin/python bench/conversation_bench.py [--seconds 10] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from acd.events import AcdEvent
from acd.memory_store import MemoryStore
from acd.model import Agent, QueueConfig
from acd.router import Router
from callcenter.clock import SystemClock
from callcenter.conversations.api import ChatRequest
from callcenter.conversations.service import ConversationService, build_conversations
from callcenter.settings_chat import ChatSettings
from crm_core.db import make_engine, make_session_factory
from tests.crm_conftest_helpers import create_pg_database, drop_pg_database

CHATS, AGENTS = 1000, 300


async def _open_chats(service: ConversationService, router: Router) -> list[str]:
    for n in range(AGENTS):
        await router.login(Agent(f"a{n}", {"support": 3}))
    ids = []
    for n in range(CHATS):
        request = ChatRequest(f"Visitor {n}", "support", "en", f"10.{n // 250}.{n % 250}.1")
        ids.append((await service.open_chat(request)).conversation.conversation_id)
    while service.offers:  # accepting frees the agent for their next chat: offers keep coming
        offer_id, conversation_id = next(iter(service.offers.items()))
        await service.accept(service.tracked[conversation_id].offer_agent or "", offer_id)
    snapshot = await router.snapshot()
    print("agents by state:", {k.value: len(v) for k, v in snapshot.agents_by_state.items() if v})
    return ids


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


async def _post_paced(
    service: ConversationService, ids: list[str], seconds: float, rate: float
) -> list[float]:
    latencies: list[float] = []

    async def post(n: int) -> None:
        started = time.perf_counter()
        await service.post_customer(ids[n % len(ids)], f"message {n}", f"k{n}")
        latencies.append(time.perf_counter() - started)

    tasks = []
    start = time.perf_counter()
    for n in range(int(seconds * rate)):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(post(n)))
    await asyncio.gather(*tasks)
    return latencies


async def main(seconds: float, rate: float) -> None:
    url = create_pg_database()
    engine = make_engine(url, pool_size=20, max_overflow=10)
    try:
        listeners: list[ConversationService] = []

        def on_acd_event(event: AcdEvent) -> None:
            for listener in listeners:
                listener.on_acd_event(event)

        router = Router(MemoryStore(), SystemClock(), listener=on_acd_event)
        await router.add_queue(QueueConfig("support"))
        skills = {f"a{n}": {"support": 3} for n in range(AGENTS)}
        settings = ChatSettings(messages_per_10s=1000, new_chats_per_minute=1000)
        service = build_conversations(
            settings, make_session_factory(engine), router, SystemClock(), lambda _e: None, "US",
            queues=lambda: {"support"}, agent_skills=lambda: skills, queue_skills=lambda _q: {},
        )  # fmt: skip
        listeners.append(service)
        ids = await _open_chats(service, router)
        await service.drain()
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        live = await service.live()
        live_ms = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", count)
        statuses = {s: sum(1 for v in live if v.status == s) for s in {v.status for v in live}}
        print(
            f"live(None): {len(live)} conversations {statuses}, {len(statements)} statement(s), "
            f"{live_ms:.1f} ms"
        )

        async def supervisor() -> list[float]:
            times = []
            while True:
                t = time.perf_counter()
                await service.live()
                times.append(time.perf_counter() - t)
                try:
                    await asyncio.sleep(2.0)
                except asyncio.CancelledError:
                    return times

        watching = asyncio.create_task(supervisor())
        latencies = await _post_paced(service, ids, seconds, rate)
        watching.cancel()
        live_times = await watching
        print(
            f"post_customer at {rate:.0f}/s for {seconds:.0f} s: {len(latencies)} messages, "
            f"p50 {_pct(latencies, 0.5):.1f} ms, p99 {_pct(latencies, 0.99):.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms; live(None) meanwhile "
            f"median {statistics.median(live_times) * 1000:.1f} ms"
        )
    finally:
        engine.dispose()
        drop_pg_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.rate))
