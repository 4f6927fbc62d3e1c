"""Engine events as the browsers receive them: one model per message, its wire name in ``type``.

The names of protocol 1 are the ones the pages already used (``CallOffered``...): they are frozen
strings now, and renaming a class in :mod:`callcenter.events` or :mod:`acd.events` changes nothing on
the wire. :mod:`agent_desktop.protocol.routing` says which domain event becomes which message.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from acd.model import AgentState, Fallback, WorkItem
from agent_desktop.protocol.base import Shape, WireMessage
from crm_core.lookup import CustomerView360


class KnownCallerCard(Shape):
    """The 360° view of every customer on the caller's number (VIPs first)."""

    type: Literal["KnownCaller"] = "KnownCaller"
    key: str
    matches: list[CustomerView360]
    shared_number: bool  # several customers share the number: the agent must ask who it is


class UnknownCallerCard(Shape):
    """Nobody has the number: the desktop offers one-click create."""

    type: Literal["UnknownCaller"] = "UnknownCaller"
    kind: Literal["phone", "email", "chat_login"]
    raw: str
    normalized: str | None


CallerCard = Annotated[KnownCallerCard | UnknownCallerCard, Field(discriminator="type")]


class CallOfferedMessage(WireMessage):
    """The screen pop. ``kind``: inbound (a caller waits), callback (the agent's phone rings first,
    then the customer's), consult (a colleague asks for help on their call)."""

    type: Literal["CallOffered"] = "CallOffered"
    agent_id: str
    offer_id: str
    uniqueid: str
    caller_number: str
    caller_name: str
    queue: str
    waited_s: float
    ivr_digits: list[str]
    customer: CallerCard | None
    decision_rules: list[str]
    at: float
    kind: Literal["inbound", "callback", "consult"]


class CallConnectedMessage(WireMessage):
    type: Literal["CallConnected"] = "CallConnected"
    agent_id: str
    uniqueid: str
    agent_channel: str | None
    at: float


class CallEndedMessage(WireMessage):
    type: Literal["CallEnded"] = "CallEnded"
    agent_id: str | None
    uniqueid: str
    queue: str | None
    outcome: str
    at: float


class RecordingPausedMessage(WireMessage):
    type: Literal["RecordingPaused"] = "RecordingPaused"
    agent_id: str
    uniqueid: str
    paused: bool
    at: float


class CallHeldMessage(WireMessage):
    type: Literal["CallHeld"] = "CallHeld"
    agent_id: str
    uniqueid: str
    held: bool
    at: float


class CallMutedMessage(WireMessage):
    type: Literal["CallMuted"] = "CallMuted"
    agent_id: str
    uniqueid: str
    muted: bool
    at: float


class CallDialingMessage(WireMessage):
    """Click-to-dial started; ``CallConnected`` follows on answer."""

    type: Literal["CallDialing"] = "CallDialing"
    agent_id: str
    uniqueid: str
    number: str
    customer_id: int | None
    at: float


class CallTransferredMessage(WireMessage):
    type: Literal["CallTransferred"] = "CallTransferred"
    agent_id: str
    uniqueid: str
    kind: Literal["agent", "queue", "number"]
    target: str
    at: float


class ConsultStartedMessage(WireMessage):
    type: Literal["ConsultStarted"] = "ConsultStarted"
    agent_id: str
    uniqueid: str
    kind: Literal["agent", "number"]
    target: str
    at: float


class ConsultEndedMessage(WireMessage):
    type: Literal["ConsultEnded"] = "ConsultEnded"
    agent_id: str
    uniqueid: str
    target: str
    outcome: Literal["completed", "cancelled", "failed"]
    at: float


class CallbackChangedMessage(WireMessage):
    """A scheduled callback changed: the lists showing it reload."""

    type: Literal["CallbackChanged"] = "CallbackChanged"
    callback_id: int
    status: str
    agent_id: str | None
    at: float


class AgentStateChangedMessage(WireMessage):
    type: Literal["AgentStateChanged"] = "AgentStateChanged"
    agent_id: str
    old: AgentState
    new: AgentState
    reason: str | None
    at: float
    pending_pause: str | None = None  # the reason of a pause that starts when the work in hand ends


class SupervisionChangedMessage(WireMessage):
    type: Literal["SupervisionChanged"] = "SupervisionChanged"
    supervisor: str
    agent_id: str
    mode: Literal["listen", "whisper", "barge"] | None  # None: stopped
    at: float


class AgentAutoPausedMessage(WireMessage):
    type: Literal["AgentAutoPaused"] = "AgentAutoPaused"
    agent_id: str
    missed_offers: int
    at: float


class FallbackRequiredMessage(WireMessage):
    type: Literal["FallbackRequired"] = "FallbackRequired"
    item: WorkItem
    queue: str
    fallback: Fallback
    waited: float
    at: float
