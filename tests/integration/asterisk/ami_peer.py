"""A tiny scripted AMI server on 127.0.0.1 for tests: a recording fake at the network edge.

It greets like Asterisk 22, records every byte and action it receives (``raw``,
``actions``), answers through per-action handlers (defaults: Login, Events, Ping,
CoreShowChannels as recorded), and can misbehave on purpose (``send`` anything,
``drop`` the connection). ``replay_transcript`` plays a recorded session instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from callcenter.asterisk.ami_frames import AmiMessage, encode_message, parse_buffer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRANSCRIPTS = FIXTURES / "transcripts"
GREETING = b"Asterisk Call Manager/11.0.0\r\n"


def transcript(name: str) -> list[tuple[str, str]]:
    """(direction, data) records of one recorded session."""
    rows = [json.loads(line) for line in (TRANSCRIPTS / f"{name}.jsonl").read_text().splitlines() if line]
    return [(row["dir"], row["data"]) for row in rows]


def recorded_list_answer(name: str, action_id: str) -> bytes:
    """The recorded answer blocks (response, items, Complete) carrying ``ActionID: action_id``."""
    stream = "".join(d for direction, d in transcript(name) if direction == "ami<" and d != "<EOF>")
    chunk = parse_buffer(stream.encode(), expect_greeting=True)
    return b"".join(encode_message(m.headers) for m in chunk.messages if m.action_id == action_id)


class PeerConnection:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    def send(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    def answer(self, action: AmiMessage, *headers: tuple[str, str], response: str = "Success") -> None:
        """Write ``Response: <response>`` with the action's ActionID and ``headers``."""
        self.send(encode_message([("Response", response), ("ActionID", action.action_id or ""), *headers]))

    def drop(self) -> None:
        self.writer.close()


Handler = Callable[[PeerConnection, AmiMessage], Awaitable[None] | None]


class AmiPeer:
    def __init__(self, *, secret: str = "enginepass") -> None:  # noqa: S107
        self.secret = secret
        self.login_delay = 0.0
        self.raw = bytearray()
        self.actions: list[AmiMessage] = []
        self.connections: list[PeerConnection] = []
        self.connect_times: list[float] = []
        self.handlers: dict[str, Handler] = {
            "login": self._login,
            "events": lambda c, a: c.answer(a, ("Events", "On")),
            "ping": lambda c, a: c.answer(a, ("Ping", "Pong"), ("Timestamp", "1795381775.337295")),
            "corestatus": lambda c, a: c.answer(a, ("CoreCurrentCalls", "0")),
            "coreshowchannels": self._core_show_channels,
        }
        self.resync_answer = recorded_list_answer("inbound_redirect", "cap-12")
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        for conn in self.connections:
            conn.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def current(self) -> PeerConnection:
        return self.connections[-1]

    def named(self, action: str) -> list[AmiMessage]:
        return [a for a in self.actions if (a.get("Action") or "").lower() == action.lower()]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 3.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"peer: condition not met within {within} s")
            await asyncio.sleep(0.005)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        conn = PeerConnection(writer)
        self.connections.append(conn)
        self.connect_times.append(time.monotonic())
        conn.send(GREETING)
        buffer = b""
        try:
            while data := await reader.read(65536):
                self.raw += data
                chunk = parse_buffer(buffer + data)
                buffer = chunk.rest
                for action in self._actions_of(chunk.malformed):
                    self.actions.append(action)
                    handler = self.handlers.get((action.get("Action") or "").lower(), self._unknown)
                    result = handler(conn, action)
                    if result is not None:
                        await result
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._tasks.discard(task)

    @staticmethod
    def _actions_of(malformed: list[bytes]) -> list[AmiMessage]:
        # Actions have neither Event nor Response, so parse_buffer calls them malformed:
        # re-read those blocks as plain header lists.
        out = []
        for block in malformed:
            lines = block.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
            pairs = [tuple(line.split(": ", 1)) for line in lines if ": " in line]
            out.append(AmiMessage.from_pairs((k, v) for k, v in pairs))
        return out

    async def _login(self, conn: PeerConnection, action: AmiMessage) -> None:
        if self.login_delay:
            await asyncio.sleep(self.login_delay)  # a real Asterisk waits ~1 s on a bad login
        if action.get("Secret") == self.secret:
            conn.answer(action, ("Message", "Authentication accepted"))
            conn.send(
                b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 75\r\nStatus: Fully Booted\r\n\r\n"
            )
        else:
            conn.answer(action, ("Message", "Authentication failed"), response="Error")
            conn.drop()

    def _core_show_channels(self, conn: PeerConnection, action: AmiMessage) -> None:
        conn.send(self.resync_answer.replace(b"ActionID: cap-12", f"ActionID: {action.action_id}".encode()))

    @staticmethod
    def _unknown(conn: PeerConnection, action: AmiMessage) -> None:
        name = action.get("Action")
        conn.answer(action, ("Message", f"Invalid/unknown command: {name}."), response="Error")


async def replay_transcript(name: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    """Play the Asterisk side of a recorded session: after each recorded action arrives,
    send what Asterisk sent until the next recorded action. Returns the bytes received."""
    records = transcript(name)
    received = b""
    expected = b""
    for direction, data in records:
        if direction == "ami<":
            if data == "<EOF>":
                break
            writer.write(data.encode())
        elif direction == "ami>":
            expected += data.encode()
            while len(received) < len(expected):
                more = await reader.read(65536)
                if not more:
                    return received
                received += more
    await writer.drain()
    return received
