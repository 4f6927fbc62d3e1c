"""Web chat benchmark: message relay visitor → agent over the real HTTP and WebSocket stack.

    .venv/bin/python bench/chat_bench.py [--visitors 1000] [--agents 300] [--rate 200] [--seconds 15]
                                         [--pg URL]

One node: the engine (simulator mode, no phones needed) with ``--agents`` agents of 4 chats each,
and the web app served by uvicorn on an ephemeral port. In another process (browsers are elsewhere),
every agent holds its desktop's ``/ws`` and accepts each chat offered to it (``POST …/accept``); in a
third, ``--visitors`` visitors start a chat each (``POST /api/chat/start``) and hold their own socket
(``/api/chat/ws``). Once every chat has an agent, visitors post ``--rate`` messages a second in
total for ``--seconds`` (``POST /api/chat/{id}/messages``), spread over all of them.

- relay latency: just before the visitor's POST → the agent's WebSocket receives that message
  (``ConversationMessageAdded``, matched by the visitor's client id). Both processes read
  ``time.time``;
- also: the POST's own round trip, messages lost (never reached the agent) and duplicated.

Storage is SQLite in a temporary directory, or PostgreSQL with ``--pg`` (a database URL).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from websockets.asyncio.client import ClientConnection, connect

from agent_desktop.auth.deps import CurrentUser
from agent_desktop.runner import running_server
from agent_desktop.state import desktop_of
from callcenter.app import Engine
from callcenter.composition import web_app
from callcenter.conversations.api import ConversationStatus
from callcenter.heap import freeze_startup_heap
from callcenter.services.audit import Actor
from callcenter.settings import load_settings

CHATS_PER_AGENT = 4


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


# -- the client process ------------------------------------------------------------------------
@dataclass
class Log:
    accepted: set[str] = field(default_factory=set)
    received: dict[str, list[float]] = field(default_factory=dict)  # client id → agent receive times
    sent: dict[str, float] = field(default_factory=dict)  # client id → just before the POST
    posted: list[float] = field(default_factory=list)  # POST round trips (s)
    refused: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)  # accepts under way

    def __getstate__(self) -> dict[str, Any]:  # sent to the server process without the tasks
        return {k: v for k, v in vars(self).items() if k != "tasks"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state, tasks=set())


async def _agent(url: str, token: str, http: httpx.AsyncClient, log: Log, ready: asyncio.Event) -> None:
    headers = {"Origin": url, "Cookie": f"cc_session={token}"}
    async with connect(
        url.replace("http://", "ws://") + "/ws", additional_headers=headers, max_size=None
    ) as ws:
        async for raw in ws:
            now = time.time()
            message = json.loads(raw)
            kind = message["type"]
            if kind == "snapshot":
                ready.set()
            elif kind == "ConversationMessageAdded" and message["message"]["sender"] == "customer":
                log.received.setdefault(message["message"]["client_id"], []).append(now)
            elif kind == "ConversationOffered":
                task = asyncio.create_task(_accept(http, token, message, log))
                log.tasks.add(task)
                task.add_done_callback(log.tasks.discard)


async def _accept(http: httpx.AsyncClient, token: str, offer: dict[str, Any], log: Log) -> None:
    response = await http.post(
        f"/api/agent/chats/offers/{offer['offer_id']}/accept", headers={"Cookie": f"cc_session={token}"}
    )
    if response.status_code == 200:
        log.accepted.add(offer["conversation_id"])


async def _visitor(url: str, http: httpx.AsyncClient, index: int) -> tuple[str, str, ClientConnection]:
    body = {"name": f"Visitor {index}", "topic": "support", "language": "en"}
    opened = (await http.post("/api/chat/start", json=body)).raise_for_status().json()
    cid, key = opened["conversation"]["conversation_id"], opened["visitor_key"]
    ws = await connect(url.replace("http://", "ws://") + "/api/chat/ws", additional_headers={"Origin": url})
    await ws.send(json.dumps({"type": "auth", "conversation_id": cid, "visitor_key": key, "last_seq": 0}))
    return cid, key, ws


async def _drain(ws: ClientConnection) -> None:
    """A visitor's socket is read (as a browser does), not measured."""
    async for _raw in ws:
        pass


class Poster:
    """The visitors' message POSTs over plain keep-alive HTTP/1.1 connections, reused in turn.

    httpx spent about 3 ms of CPU per request here (its pool looks at every connection, and each
    request tries to import sniffio), so at 200 requests a second the load generator saturated a CPU
    of its own and its queue, not the server, set the measured latency."""

    def __init__(self, url: str, idle_s: float = 2.0) -> None:
        self._host, _, port = url.removeprefix("http://").partition(":")
        self._port = int(port)
        self._idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._idle_s = idle_s  # uvicorn closes an idle connection after 5 s

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        now = time.monotonic()
        while self._idle and now - self._idle[0][0] > self._idle_s:  # the oldest first
            self._idle.pop(0)[2].close()
        reader, writer = (
            self._idle.pop()[1:] if self._idle else await asyncio.open_connection(self._host, self._port)
        )
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self._host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
        await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection") == "close":
            writer.close()
        else:
            self._idle.append((time.monotonic(), reader, writer))
        return int(status_line.split(" ", 2)[1])

    def close(self) -> None:
        for _at, _reader, writer in self._idle:
            writer.close()


async def _post(poster: Poster, cid: str, key: str, client_id: str, log: Log) -> None:
    log.sent[client_id] = start = time.time()
    body = json.dumps({"text": f"message {client_id}", "client_id": client_id}).encode()
    status = await poster.post(f"/api/chat/{cid}/messages", body, {"X-Chat-Key": key})
    log.posted.append(time.time() - start)
    if status != 200:
        log.refused += 1


def _progress(line: str) -> None:
    print(f"{time.strftime('%X')} {line}", file=sys.stderr, flush=True)


def _http(url: str) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn closes them (after 5 s): reusing one it is closing
    # would fail the request.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=2.0)
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=60)


async def _agents_main(url: str, tokens: list[str], pipe: Connection) -> None:
    """Every agent's desktop socket: accepts its offers, notes when each visitor message arrives."""
    log = Log()
    async with _http(url) as http:
        readies = [asyncio.Event() for _ in tokens]
        agents = [
            asyncio.create_task(_agent(url, t, http, log, r)) for t, r in zip(tokens, readies, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        _progress(f"{len(tokens)} agents connected")
        pipe.send("ready")
        await asyncio.to_thread(pipe.recv)  # "stop"
        for task in agents:
            task.cancel()
        await asyncio.gather(*agents, return_exceptions=True)
    pipe.send(log)


async def _visitors_main(url: str, args: dict[str, Any], pipe: Connection) -> None:
    """Every visitor starts a chat and holds its socket; on "go", the messages at the given rate."""
    log = Log()
    async with _http(url) as http:
        gate = asyncio.Semaphore(50)

        async def one(i: int) -> tuple[str, str, ClientConnection]:
            async with gate:
                visitor = await _visitor(url, http, i)
            if i % 200 == 199:
                _progress(f"visitor {i + 1} started")
            return visitor

        visitors = await asyncio.gather(*(one(i) for i in range(args["visitors"])))
        readers = [asyncio.create_task(_drain(ws)) for _cid, _key, ws in visitors]
        pipe.send("ready")
        await asyncio.to_thread(pipe.recv)  # "go": every chat has its agent
        poster = Poster(url)
        await _load(poster, visitors, args, log)
        poster.close()
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    pipe.send(log)


async def _load(
    poster: Poster, visitors: list[tuple[str, str, ClientConnection]], args: dict[str, Any], log: Log
) -> None:
    """``rate`` messages a second, each from the next visitor in turn, on a fixed schedule."""
    rate, seconds = args["rate"], args["seconds"]
    tasks: list[asyncio.Task[None]] = []
    turn = itertools.cycle(visitors)
    started = time.monotonic()
    for n in range(rate * seconds):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        cid, key, _ws = next(turn)
        tasks.append(asyncio.create_task(_post(poster, cid, key, f"b-{n}", log)))
    await asyncio.gather(*tasks)


def agents_process(url: str, tokens: list[str], pipe: Connection) -> None:
    asyncio.run(_agents_main(url, tokens, pipe))


def visitors_process(url: str, args: dict[str, Any], pipe: Connection) -> None:
    asyncio.run(_visitors_main(url, args, pipe))


# -- the server process ------------------------------------------------------------------------
def _settings(workdir: Path, agents: int, pg: str | None) -> Any:
    return load_settings(
        None,
        database={"url": pg or f"sqlite:///{workdir}/cc.sqlite3"},
        agi={"port": 0},
        web={"port": 0},
        ivr={"use_flows": False, "flows_dir": f"{workdir}/flows", "sounds_dir": f"{workdir}/sounds"},
        simulator={"arrival_rate_per_min": 0, "demo_customers": 20},
        agents=[
            {"agent_id": f"{5000 + i}", "name": f"Agent {i}", "skills": {"support": 3}} for i in range(agents)
        ],
        queues=[
            {"name": q, "skills": {q: 1} if q != "general" else {}, "offer_timeout_s": 60}
            for q in ("support", "sales", "general")
        ],
        chat={"new_chats_per_minute": 100_000, "max_open_per_address": 100_000, "messages_per_10s": 1000},
        log_level="WARNING",
    )


async def run(args: dict[str, Any]) -> tuple[Log, str]:
    settings = _settings(Path(tempfile.mkdtemp(prefix="chat-bench-")), args["agents"], args["pg"])
    engine = Engine(settings, simulator_mode=True)
    await engine.start()
    try:
        app = web_app(engine, wallboard_interval_s=0.25)
        desktop = desktop_of(app.state)
        admin = Actor("bench", "admin")
        for agent in settings.agents:
            await desktop.services.routing.save_agent(
                admin, agent.agent_id, {"capacity": {"chat": CHATS_PER_AGENT}}
            )
            await desktop.login_agent(agent.agent_id)  # with the stored profile, as the desktop does
        freeze_startup_heap()
        tokens = [
            desktop.sessions.create(CurrentUser(i, f"agent{a.agent_id}", "agent", a.agent_id, "en", "UTC"))
            for i, a in enumerate(settings.agents)
        ]
        async with running_server(app) as url:
            log, accepted = await _drive(engine, url, tokens, args)
    finally:
        await engine.stop()
    return log, accepted


async def _drive(engine: Engine, url: str, tokens: list[str], args: dict[str, Any]) -> tuple[Log, str]:
    """The agents' process, then the visitors'; once every chat is active, the load; both logs merged."""
    ctx = multiprocessing.get_context("spawn")
    to_agents, agents_end = ctx.Pipe()
    to_visitors, visitors_end = ctx.Pipe()
    agents = ctx.Process(target=agents_process, args=(url, tokens, agents_end))
    visitors = ctx.Process(target=visitors_process, args=(url, args, visitors_end))
    agents.start()
    assert await asyncio.to_thread(to_agents.poll, 180), "the agents did not connect"
    assert to_agents.recv() == "ready"
    visitors.start()
    assert await asyncio.to_thread(to_visitors.poll, 300), "the visitors did not start their chats"
    assert to_visitors.recv() == "ready"
    deadline = time.monotonic() + 120
    active = 0
    while active < args["visitors"] and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        live = await engine.conversations.live()
        active = sum(1 for v in live if v.status is ConversationStatus.ACTIVE)
    accepted = f"{active} of {args['visitors']} chats accepted by an agent"
    print(accepted, flush=True)
    to_visitors.send("go")
    assert await asyncio.to_thread(to_visitors.poll, args["seconds"] + 120), "the visitors did not finish"
    log: Log = to_visitors.recv()
    await asyncio.sleep(3)  # the last messages reach their agents
    to_agents.send("stop")
    received: Log = await asyncio.to_thread(to_agents.recv)
    log.received = received.received
    for child in (agents, visitors):
        await asyncio.to_thread(child.join, 30)
    return log, accepted


def report(log: Log, args: dict[str, Any]) -> bool:
    latencies = [(times[0] - log.sent[cid]) * 1000 for cid, times in log.received.items() if cid in log.sent]
    lost = [cid for cid in log.sent if cid not in log.received]
    doubled = [cid for cid, times in log.received.items() if len(times) > 1]
    storage = "PostgreSQL" if args["pg"] else "SQLite"
    print(
        f"{args['visitors']} visitors, {args['agents']} agents ({CHATS_PER_AGENT} chats each), {storage}; "
        f"{len(log.sent)} messages at {args['rate']}/s for {args['seconds']} s"
    )
    print(f"refused: {log.refused}, lost: {len(lost)}, duplicated: {len(doubled)}")
    if not latencies:
        return False
    p99 = percentile(latencies, 99)
    print(
        f"relay visitor -> agent WebSocket: p50 {percentile(latencies, 50):.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(latencies):.1f} ms, mean {statistics.fmean(latencies):.1f} ms (target p99 < 100 ms)"
    )
    posts = [p * 1000 for p in log.posted]
    print(f"visitor POST round trip: p50 {percentile(posts, 50):.1f} ms, p99 {percentile(posts, 99):.1f} ms")
    return p99 < 100 and not lost and not doubled and not log.refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--rate", type=int, default=200, help="messages per second, all visitors together")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument(
        "--pg", default=None, help="a PostgreSQL URL (default: SQLite in a temporary directory)"
    )
    args = vars(parser.parse_args())
    if args["visitors"] > args["agents"] * CHATS_PER_AGENT:
        sys.exit(f"{args['agents']} agents take at most {args['agents'] * CHATS_PER_AGENT} chats at once")
    log, _accepted = asyncio.run(run(args))
    if not report(log, args):
        sys.exit("the target was not met (see above)")


if __name__ == "__main__":
    main()
