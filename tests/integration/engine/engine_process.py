"""A real engine in its own process, for tests that kill it with SIGKILL (nothing of ours runs
after the signal: no stop, no flush, sockets closed by the kernel).

    python -m tests.integration.engine.engine_process TMP_PATH '{"agi": {...}, ...}'

builds the engine from ``engine_settings(TMP_PATH, **overrides)`` (``serve`` mode: the simulator
is a separate peer), prints ``ready`` once it is connected, then runs one command per stdin line,
answering one line each: ``sign-in ID``, ``pause ID REASON`` → ``ok``; ``calls`` → a JSON list of
its live calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callcenter.app import Engine
from tests.integration.engine.conftest import engine_settings, sign_in_agents

REPO = Path(__file__).resolve().parents[3]


async def _serve(tmp_path: Path, overrides: dict[str, Any]) -> None:
    engine = Engine(engine_settings(tmp_path, **overrides), simulator_mode=False)
    await engine.start()
    await engine.ami.wait_connected(10)
    print("ready", flush=True)
    while line := await asyncio.to_thread(sys.stdin.readline):
        command, *args = line.split()
        if command == "sign-in":
            await sign_in_agents(engine, *args)
        elif command == "pause":
            await engine.router.pause(args[0], args[1])
            await engine.agent_journal.flush()
        elif command == "calls":
            calls = [
                {"uniqueid": c.uniqueid, "queue": c.queue, "queued_at": c.queued_at, "phase": c.phase.value}
                for c in engine.calls.calls.live()
            ]
            print(json.dumps(calls), flush=True)
            continue
        print("ok", flush=True)
    await engine.stop()


@dataclass
class EngineProcess:
    process: asyncio.subprocess.Process

    async def ask(self, line: str, wait_s: float = 10.0) -> str:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()
        return (await asyncio.wait_for(self.process.stdout.readline(), wait_s)).decode().strip()

    async def calls(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = json.loads(await self.ask("calls"))
        return answer

    async def kill(self) -> None:
        """kill -9."""
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()


@contextlib.asynccontextmanager
async def engine_process(tmp_path: Path, **overrides: Any) -> AsyncIterator[EngineProcess]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.engine.engine_process", str(tmp_path), json.dumps(overrides),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    running = EngineProcess(process)
    try:
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stdout.readline(), 60)
        assert ready.strip() == b"ready", ready
        yield running
    finally:
        if process.returncode is None:
            await running.kill()


if __name__ == "__main__":
    asyncio.run(_serve(Path(sys.argv[1]), json.loads(sys.argv[2])))
