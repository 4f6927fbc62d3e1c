"""A recording fake of the PBX port (:class:`callcenter.pbx.PbxPort`): no sockets, no Asterisk.

Every action the engine takes is kept in ``sent`` in order, as a frozen value, so a test asserts on
what was asked (``pbx.sent == [MoveToTransfer("PJSIP/pstn-1")]``). ``fail_next`` scripts a failure
of the next action of one kind; a failed action is in ``sent`` too (it was asked for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from callcenter.pbx import PbxError, SpyMode


@dataclass(frozen=True, slots=True)
class ConnectToAgent:
    caller_channel: str
    agent_id: str
    handback: str


@dataclass(frozen=True, slots=True)
class Hangup:
    channel: str


@dataclass(frozen=True, slots=True)
class StartRecording:
    channel: str
    uniqueid: str


@dataclass(frozen=True, slots=True)
class MuteRecording:
    channel: str
    muted: bool


@dataclass(frozen=True, slots=True)
class MoveToTransfer:
    caller_channel: str


@dataclass(frozen=True, slots=True)
class ConsultAgent:
    caller_channel: str
    agent_channel: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class ConsultNumber:
    caller_channel: str
    agent_channel: str
    number: str


@dataclass(frozen=True, slots=True)
class Bridge:
    channel1: str
    channel2: str


@dataclass(frozen=True, slots=True)
class DialOut:
    agent_id: str
    number: str
    channel_id: str
    caller_id: str


@dataclass(frozen=True, slots=True)
class Spy:
    supervisor_phone: str
    agent_channel: str
    mode: SpyMode
    request_id: str


@dataclass(frozen=True, slots=True)
class SwitchSpy:
    spy_channel: str
    mode: SpyMode


PbxAction = (
    ConnectToAgent
    | Hangup
    | StartRecording
    | MuteRecording
    | MoveToTransfer
    | ConsultAgent
    | ConsultNumber
    | Bridge
    | DialOut
    | Spy
    | SwitchSpy
)

RECORDINGS_DIR = "/recordings"

A = TypeVar("A")


class FakePbx:
    def __init__(self) -> None:
        self.sent: list[PbxAction] = []
        self.ready = True
        self._failures: dict[type[PbxAction], list[PbxError]] = {}

    def fail_next(self, kind: type[PbxAction], error: PbxError) -> None:
        """The next action of ``kind`` raises ``error`` (several calls: several failures, in order)."""
        self._failures.setdefault(kind, []).append(error)

    def of_type(self, kind: type[A]) -> list[A]:
        return [action for action in self.sent if isinstance(action, kind)]

    def _take(self, action: PbxAction) -> None:
        self.sent.append(action)
        failures = self._failures.get(type(action))
        if failures:
            raise failures.pop(0)

    async def connect_to_agent(self, caller_channel: str, agent_id: str, handback: str) -> None:
        self._take(ConnectToAgent(caller_channel, agent_id, handback))

    async def hangup(self, channel: str) -> None:
        self._take(Hangup(channel))

    async def start_recording(self, channel: str, uniqueid: str) -> str:
        self._take(StartRecording(channel, uniqueid))
        return f"{RECORDINGS_DIR}/{uniqueid}.wav"

    async def mute_recording(self, channel: str, muted: bool) -> None:
        self._take(MuteRecording(channel, muted))

    async def move_to_transfer(self, caller_channel: str) -> None:
        self._take(MoveToTransfer(caller_channel))

    async def consult_agent(self, caller_channel: str, agent_channel: str, agent_id: str) -> None:
        self._take(ConsultAgent(caller_channel, agent_channel, agent_id))

    async def consult_number(self, caller_channel: str, agent_channel: str, number: str) -> None:
        self._take(ConsultNumber(caller_channel, agent_channel, number))

    async def bridge(self, channel1: str, channel2: str) -> None:
        self._take(Bridge(channel1, channel2))

    async def dial_out(self, agent_id: str, number: str, channel_id: str, caller_id: str) -> None:
        self._take(DialOut(agent_id, number, channel_id, caller_id))

    async def spy(self, supervisor_phone: str, agent_channel: str, mode: SpyMode, request_id: str) -> None:
        self._take(Spy(supervisor_phone, agent_channel, mode, request_id))

    async def switch_spy(self, spy_channel: str, mode: SpyMode) -> None:
        self._take(SwitchSpy(spy_channel, mode))
