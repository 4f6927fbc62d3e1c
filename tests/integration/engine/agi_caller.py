"""Asterisk's side of a FastAGI session for a channel the PBX does not know (a recording fake at the
network edge): it opens the session like Asterisk does, answers every command the way a live channel
would (no digits; music on hold ends after ``hold_s``; GET VARIABLE from ``variables``), records
what the engine sent, and notes when the engine closes the socket."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from tests.integration.asterisk.agi_peer import recorded_environment


@dataclass(slots=True)
class AgiCaller:
    channel: str
    uniqueid: str
    script: str = "ivr"
    args: tuple[str, ...] = ("5551234",)
    hold_s: float = 0.2
    variables: dict[str, str] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    closed_by_engine: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def start(self, port: int) -> None:
        self._task = asyncio.create_task(self._run(port))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _environment(self) -> bytes:
        overrides = {
            "network_script": self.script,
            "request": f"agi://127.0.0.1:4573/{self.script}",
            "channel": self.channel,
            "uniqueid": self.uniqueid,
        }
        env = [str(step.data) for step in recorded_environment(**overrides)]
        body, blank = env[:-1], env[-1]
        body = [line for line in body if not line.startswith("agi_arg_")]
        body += [f"agi_arg_{n}: {arg}\n" for n, arg in enumerate(self.args, start=1)]
        return "".join([*body, blank]).encode()

    async def _run(self, port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(self._environment())
            await writer.drain()
            while raw := await reader.readline():
                command = raw.decode().strip()
                self.received.append(command)
                writer.write(f"{await self._answer(command)}\n".encode())
                await writer.drain()
            self.closed_by_engine.set()
        except ConnectionError:
            self.closed_by_engine.set()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _answer(self, command: str) -> str:
        if command.startswith("EXEC MusicOnHold"):
            await asyncio.sleep(self.hold_s)
            return "200 result=0"
        if command.startswith(("STREAM FILE", "CONTROL STREAM FILE")):
            return "200 result=0 endpos=8000"
        if command.startswith("GET VARIABLE "):
            value = self.variables.get(command.removeprefix("GET VARIABLE ").strip())
            return "200 result=0" if value is None else f"200 result=1 ({value})"
        return "200 result=0"
