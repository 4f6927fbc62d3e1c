"""Facts the engine publishes on the bus for the web app (agent desktop, supervisor console).

All frozen. What a browser receives of them is the web adapter's business
(:mod:`agent_desktop.protocol.routing`).
"""

from __future__ import annotations

import dataclasses

from crm_core.lookup import LookupResult


@dataclasses.dataclass(frozen=True, slots=True)
class CallOffered:
    """An agent is being offered a call: the screen pop (customer 360° view or new-caller card)."""

    agent_id: str
    offer_id: str
    uniqueid: str
    caller_number: str
    caller_name: str
    queue: str
    waited_s: float
    ivr_digits: tuple[str, ...]
    customer: LookupResult | None
    decision_rules: tuple[str, ...]
    at: float
    # inbound: a caller waiting; callback: a customer to call back (the agent's phone rings first);
    # consult: a colleague asks for help on their call.
    kind: str = "inbound"


@dataclasses.dataclass(frozen=True, slots=True)
class CallConnected:
    agent_id: str
    uniqueid: str
    agent_channel: str | None
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallEnded:
    agent_id: str | None
    uniqueid: str
    queue: str | None
    outcome: str
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class RecordingPaused:
    agent_id: str
    uniqueid: str
    paused: bool
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallHeld:
    agent_id: str
    uniqueid: str
    held: bool
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallMuted:
    agent_id: str
    uniqueid: str
    muted: bool
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallDialing:
    """The agent started an outbound call (click-to-dial); ``CallConnected`` follows on answer."""

    agent_id: str
    uniqueid: str
    number: str
    customer_id: int | None
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallTransferred:
    """The agent handed the caller on (to an agent, a queue or a number); wrap-up follows."""

    agent_id: str
    uniqueid: str
    kind: str  # agent | queue | number
    target: str
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class ConsultStarted:
    """The agent put the caller on hold and is calling ``target`` (an agent or a number)."""

    agent_id: str
    uniqueid: str
    kind: str  # agent | number
    target: str
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class ConsultEnded:
    agent_id: str
    uniqueid: str
    target: str
    outcome: str  # completed | cancelled | failed
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class CallbackChanged:
    """A scheduled callback was created, queued, attempted, moved or cancelled. ``agent_id``: the
    agent who promised it or is preferred for it (their list refreshes), None for an IVR request."""

    callback_id: int
    status: str
    agent_id: str | None
    at: float


@dataclasses.dataclass(frozen=True, slots=True)
class SupervisionChanged:
    """A supervisor started, switched or stopped listening / whispering / barging."""

    supervisor: str
    agent_id: str
    mode: str | None  # listen | whisper | barge; None = stopped
    at: float
