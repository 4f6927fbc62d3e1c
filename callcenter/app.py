"""The composition root: builds and wires everything, once, from the settings.

``Engine`` is the whole server in one process: the ACD router (in-memory store), the CRM
database, the FastAGI server, the AMI connection owner, the call service and the web app.
In simulator mode it also starts the built-in PBX simulator on loopback and points the
AMI client at it, so the engine talks real AMI and FastAGI over TCP in demo and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from acd import MemoryStore, Router
from acd.model import Agent, QueueConfig, SkillRequirement
from callcenter.asterisk.ami_client import AmiClient
from callcenter.asterisk.fastagi import FastAgiServer
from callcenter.calls.control import AmiCallControl
from callcenter.calls.inbound import InboundCalls, SkeletonMenu
from callcenter.calls.interactions import CrmInteractionWriter
from callcenter.calls.service import CallService
from callcenter.calls.tracker import AmiCallTracker
from callcenter.settings import Settings
from crm_core.db import make_engine, make_session_factory, migrate

log = logging.getLogger(__name__)


def _queue_config(settings: Settings) -> list[QueueConfig]:
    return [
        QueueConfig(
            name=q.name,
            skills=tuple(SkillRequirement(skill, level) for skill, level in q.skills.items()),
            wrap_up_seconds=q.wrap_up_s,
            offer_timeout_seconds=q.offer_timeout_s,
            max_missed_offers=q.max_missed_offers,
            service_level_seconds=q.service_level_s,
        )
        for q in settings.queues
    ]


def _ensure_sqlite_dir(url: str) -> None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


@dataclass
class Engine:
    settings: Settings
    simulator_mode: bool
    router: Router = field(init=False)
    calls: CallService = field(init=False)
    agi: FastAgiServer = field(init=False)
    ami: AmiClient = field(init=False)
    simulator: object | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        s = self.settings
        _ensure_sqlite_dir(s.database.url)
        await asyncio.to_thread(migrate, s.database.url)
        self.db_engine = make_engine(s.database.url)
        sessions = make_session_factory(self.db_engine)

        self.router = Router(MemoryStore(), clock=time.time)
        for queue in _queue_config(s):
            await self.router.add_queue(queue)

        self.agi = FastAgiServer(
            host=s.agi.bind_host,
            port=s.agi.port,
            routes={},
            allowed_hosts=s.agi.allowed_hosts,
            command_timeout=s.agi.command_timeout_s,
        )
        ami_host, ami_port = s.ami.host, s.ami.port
        if self.simulator_mode:
            await self.agi.start()
            self.simulator = await _start_simulator(s, self.agi.port)
            ami_host, ami_port = "127.0.0.1", self.simulator.ami_port  # type: ignore[attr-defined]
        self.ami = AmiClient(
            host=ami_host,
            port=ami_port,
            username=s.ami.username,
            secret=s.ami.secret.get_secret_value(),
            connect_timeout=s.ami.connect_timeout_s,
            action_timeout=s.ami.action_timeout_s,
            keepalive_interval=s.ami.keepalive_s,
        )
        self.calls = CallService(
            self.router,
            AmiCallControl(self.ami, s.dialplan),
            clock=time.time,
            record_interaction=CrmInteractionWriter(sessions, s.default_region),
        )
        inbound = InboundCalls(self.calls, time.time, SkeletonMenu(greeting_prompt=s.greeting_prompt))
        self.agi.routes["ivr"] = inbound.on_ivr
        self.agi.routes["connect-failed"] = inbound.on_connect_failed
        self.tracker = AmiCallTracker(self.calls, s.dialplan)
        self.ami.subscribe(self.tracker.on_ami_event)
        self._tasks.append(asyncio.create_task(self.tracker.run(), name="ami-call-tracker"))
        if not self.simulator_mode:
            await self.agi.start()
        await self.ami.start()
        for agent in s.agents:
            await self.router.login(Agent(agent.agent_id, dict(agent.skills)))
            await self.router.set_available(agent.agent_id)
        self._tasks.append(asyncio.create_task(self._tick_forever(), name="acd-tick"))
        log.info("engine started", extra={"agi_port": self.agi.port, "ami": f"{ami_host}:{ami_port}"})

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            await self.calls.tick()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.simulator is not None:
            await self.simulator.stop()  # type: ignore[attr-defined]
        await self.ami.stop()
        await self.agi.stop()
        self.db_engine.dispose()


async def _start_simulator(settings: Settings, agi_port: int) -> object:
    from callcenter.demo import start_demo_simulator

    return await start_demo_simulator(settings, agi_port)


async def run_server(settings: Settings, simulator: bool) -> None:
    """Run until interrupted: the engine plus the web app on ``settings.web``."""
    from agent_desktop.server import serve_web

    engine = Engine(settings, simulator)
    await engine.start()
    try:
        await serve_web(engine, settings)
    finally:
        await engine.stop()
