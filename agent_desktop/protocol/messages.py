"""The messages of ``/ws`` that are not engine events: the session and the screens' whole states."""

from __future__ import annotations

from typing import Literal

from acd.channel_stats import ChannelStats, WaitingItem
from acd.model import AgentState
from acd.stats import QueueStats
from agent_desktop.protocol.base import Shape, WireMessage
from agent_desktop.protocol.event_messages import CallOfferedMessage


# -- the session ----------------------------------------------------------------------------------
class User(Shape):
    id: int
    username: str
    role: str
    agent_id: str | None
    language: str
    timezone: str


class Hello(WireMessage):
    """First message on every socket: the page checks ``protocol`` before reading anything else."""

    type: Literal["hello"] = "hello"
    protocol: int
    user: User


class Ping(WireMessage):
    """Browser → server, every 20 s: keeps the session alive while the page is open."""

    type: Literal["ping"] = "ping"


class Pong(WireMessage):
    type: Literal["pong"] = "pong"


class Error(WireMessage):
    """The browser sent something that is not a message of this protocol."""

    type: Literal["error"] = "error"
    code: str
    message: str


# -- an agent's screen ----------------------------------------------------------------------------
class LiveCall(Shape):
    uniqueid: str
    caller_number: str
    caller_name: str
    phase: str  # queued | offering | talking | dialing ...
    queue: str | None
    agent_id: str | None
    started_at: float
    queued_at: float | None
    answered_at: float | None
    ivr_digits: list[str]
    recording_paused: bool
    direction: str
    held: bool
    muted: bool


class AgentNow(Shape):
    agent_id: str
    state: AgentState
    in_state_seconds: float
    handled: int
    reason: str | None
    pending_pause: str | None  # a pause that starts when the work in hand ends (its reason)


class Snapshot(WireMessage):
    """An agent's whole screen: on connect and after a resync. ``offer``: the screen pop
    (a ``CallOffered`` message) while its call is still with the agent."""

    type: Literal["snapshot"] = "snapshot"
    at: float
    agent: AgentNow
    call: LiveCall | None
    offer: CallOfferedMessage | None


# -- the supervisors' wallboard -------------------------------------------------------------------
class Supervising(Shape):
    supervisor: str
    mode: str  # listen | whisper | barge


class BoardAgent(Shape):
    agent_id: str
    state: AgentState
    in_state_seconds: float
    handled: int
    pending_pause: str | None
    call: LiveCall | None
    supervision: Supervising | None


class WaitingCall(Shape):
    uniqueid: str
    caller_number: str
    caller_name: str
    queue: str | None
    queued_at: float | None


class Wallboard(WireMessage):
    type: Literal["wallboard"] = "wallboard"
    at: float
    queues: list[QueueStats]
    agents_by_state: dict[AgentState, int]
    agents: list[BoardAgent]
    calls_waiting: int
    waiting: list[WaitingCall]
    calls_live: int
    channels: list[ChannelStats]  # per queue × channel: voice, chat, email (+ any other seen)
    waiting_items: list[WaitingItem]  # chats, e-mails… waiting (the callers are in ``waiting``)
