"""A tiny stand-in for the engine: a raw AMI client and a FastAGI server over real TCP.

Also reads the recorded transcripts so tests can send the engine's recorded actions verbatim and
compare what the simulator answers with what Asterisk answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from callcenter.asterisk.ami_frames import AmiMessage, parse_buffer

LAB_SECRET = "enginepass"
TRANSCRIPTS = Path(__file__).resolve().parents[2] / "fixtures" / "transcripts"


# -- transcripts ------------------------------------------------------------------------------
def transcript(name: str) -> list[dict[str, object]]:
    with (TRANSCRIPTS / f"{name}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def recorded_ami(name: str, direction: str = "ami<") -> list[AmiMessage]:
    """Every AMI message of one direction (several may share one recorded chunk)."""
    out: list[AmiMessage] = []
    for entry in transcript(name):
        data = str(entry["data"])
        if (
            entry["dir"] != direction
            or data in ("<EOF>", "<CLOSE>")
            or data.startswith("Asterisk Call Manager")
        ):
            continue
        out.extend(parse_buffer(data.encode()).messages)
    return out


def recorded_action(name: str, action_id: str) -> bytes:
    """The raw bytes the engine sent for ``action_id`` in the recording."""
    for entry in transcript(name):
        data = str(entry["data"])
        if entry["dir"] == "ami>" and f"ActionID: {action_id}\r\n" in data:
            return data.encode()
    raise KeyError(action_id)


def recorded_agi(name: str) -> list[tuple[str, str]]:
    """(direction, line) of the AGI conversation after the environment."""
    return [
        (str(e["dir"]), str(e["data"]).rstrip("\n"))
        for e in transcript(name)
        if str(e["dir"]).startswith("agi") and not str(e["data"]).startswith("agi_") and e["data"] != "\n"
    ]


def recorded_agi_env_keys(name: str) -> list[str]:
    return [str(e["data"]).split(":", 1)[0] for e in transcript(name) if str(e["data"]).startswith("agi_")]


ROLE_PATTERNS = [
    (re.compile(r"^PJSIP/pstn-out-[0-9a-f]{8}$"), "customer"),
    (re.compile(r"^PJSIP/pstn-[0-9a-f]{8}$"), "caller"),
    (re.compile(r"^PJSIP/(agent-\d+)-[0-9a-f]{8}$"), r"\1"),
    (re.compile(r"^Local/(.+)-[0-9a-f]{8};([12])$"), r"local;\2"),
]


def role(channel: str | None) -> str:
    """Channel names differ between runs; their role does not."""
    for pattern, repl in ROLE_PATTERNS:
        if channel and pattern.match(channel):
            return pattern.sub(repl, channel)
    return channel or ""


def summarize(
    messages: list[AmiMessage], names: set[str], fields: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """(Event, role of Channel/DestChannel, chosen fields…) for the events in ``names``."""
    out: list[tuple[str, ...]] = []
    for msg in messages:
        event = msg.event
        if event not in names:
            continue
        chan = msg.get("Channel") or msg.get("DestChannel") or msg.get("SpyerChannel") or msg.get("Device")
        out.append((event, role(chan), *(msg.get(k) or "" for k in fields if k in msg)))
    return out


# -- AMI client -------------------------------------------------------------------------------
class AmiClient:
    """Connects, keeps every message it receives, and waits with deadlines."""

    def __init__(self) -> None:
        self.messages: list[AmiMessage] = []
        self.greeting: str | None = None
        self.eof = asyncio.Event()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self, port: int) -> None:
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", port)
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        assert self._reader is not None
        buf, first = b"", True
        with contextlib.suppress(ConnectionError, OSError):
            while data := await self._reader.read(65536):
                chunk = parse_buffer(buf + data, expect_greeting=first)
                if chunk.greeting is not None:
                    self.greeting, first = chunk.greeting, False
                buf = chunk.rest
                self.messages.extend(chunk.messages)
        self.eof.set()

    def send_raw(self, data: bytes) -> None:
        assert self._writer is not None
        self._writer.write(data)

    def send(self, action: str, action_id: str, **headers: str) -> None:
        lines = [f"Action: {action}", f"ActionID: {action_id}", *(f"{k}: {v}" for k, v in headers.items())]
        self.send_raw(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def wait_for(
        self, predicate: Callable[[AmiMessage], bool], wait_s: float = 5.0, start: int = 0
    ) -> AmiMessage:
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            for msg in self.messages[start:]:
                if predicate(msg):
                    return msg
            if asyncio.get_running_loop().time() > deadline:
                seen = [m.event or m.response for m in self.messages]
                raise AssertionError(f"no matching AMI message within {wait_s}s; got {seen}")
            await asyncio.sleep(0.005)

    async def response(self, action_id: str, wait_s: float = 5.0) -> AmiMessage:
        return await self.wait_for(lambda m: m.response is not None and m.action_id == action_id, wait_s)

    async def event(self, name: str, wait_s: float = 5.0, **fields: str) -> AmiMessage:
        return await self.wait_for(
            lambda m: m.event == name and all(m.get(k) == v for k, v in fields.items()), wait_s
        )

    async def login(self, port: int, secret: str = LAB_SECRET) -> None:
        await self.connect(port)
        self.send("Login", "cap-1", Username="engine", Secret=secret)
        await self.response("cap-1")
        self.send("Events", "cap-2", EventMask="on")
        await self.response("cap-2")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self._writer.wait_closed()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


# -- FastAGI server ---------------------------------------------------------------------------
@dataclass
class AgiConn:
    """One FastAGI session as the engine sees it."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    env: list[tuple[str, str]] = field(default_factory=list)
    received: list[str] = field(default_factory=list)  # every line from the simulator after the env

    def env_dict(self) -> dict[str, str]:
        return dict(self.env)

    async def command(self, line: str, wait_s: float = 5.0) -> str:
        """Send one command; return its ``200 ...``/``510 ...`` answer.

        A bare ``HANGUP`` line before it is kept in ``received``.
        """
        self.writer.write(line.encode() + b"\n")
        while True:
            raw = await asyncio.wait_for(self.reader.readline(), wait_s)
            if not raw:
                raise AssertionError("AGI EOF")
            text = raw.decode().rstrip("\n")
            self.received.append(text)
            if text != "HANGUP":
                return text

    async def read_line(self, wait_s: float = 5.0) -> str:
        raw = await asyncio.wait_for(self.reader.readline(), wait_s)
        text = raw.decode().rstrip("\n")
        self.received.append(text)
        return text


AgiScript = Callable[[AgiConn], Awaitable[None]]


class AgiServer:
    """Serves each AGI connection with the script registered for its ``agi_network_script``."""

    def __init__(self, scripts: dict[str, AgiScript]) -> None:
        self.scripts = scripts
        self.sessions: list[AgiConn] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.errors: list[BaseException] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = AgiConn(reader, writer)
        self.sessions.append(conn)
        try:
            while (line := (await reader.readline()).decode().rstrip("\n")) != "":
                key, _, value = line.partition(": ")
                conn.env.append((key, value))
            script = self.scripts.get(conn.env_dict().get("agi_network_script", ""))
            if script is not None:
                await script(conn)
        except Exception as exc:  # the test inspects errors
            self.errors.append(exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()


async def wait_until(predicate: Callable[[], bool], wait_s: float = 5.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + wait_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
