"""The values of a contact: its kind, direction, status and outcome, and the frozen record of them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ContactKind(StrEnum):
    """The channel a contact comes by (the same words as ``crm_core.interactions.Channel``)."""

    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    VOICEMAIL = "voicemail"
    FAX = "fax"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"  # the agent started it (click-to-dial, a callback)


class ContactStatus(StrEnum):
    SELF_SERVICE = "self_service"  # arriving: IVR, bot or auto-reply
    QUEUED = "queued"  # waiting in a queue for an agent
    RINGING = "ringing"  # offered to one agent (their phone rings)
    CONNECTED = "connected"
    HELD = "held"
    CONSULTING = "consulting"  # the agent consults a colleague or a number; the customer waits
    TRANSFERRED = "transferred"  # sent to an outside party
    WRAP_UP = "wrap_up"  # the customer is gone, the agent still works on it
    ENDED = "ended"


class Outcome(StrEnum):
    """How a contact ended; the words stored in ``interactions.outcome`` and shown on the desktop."""

    ANSWERED = "answered"
    NOT_ANSWERED = "not_answered"  # outbound: the customer did not pick up
    ABANDONED = "abandoned"  # inbound: the customer left before an agent had them
    FAILED = "failed"
    ENDED_IN_IVR = "ended_in_ivr"
    VOICEMAIL = "voicemail"
    TRANSFERRED = "transferred"
    TRANSFERRED_OUT = "transferred_out"
    CALLBACK_REQUESTED = "callback_requested"


@dataclass(frozen=True, slots=True)
class ContactState:
    kind: ContactKind
    direction: Direction
    status: ContactStatus
    since: float  # when the contact entered ``status``
    transfers: int = 0  # agent parts after the first one
    # Noted while live (what it ends with unless told otherwise); final once ended or wrapping up.
    outcome: Outcome | None = None

    @property
    def live(self) -> bool:
        return self.status not in (ContactStatus.WRAP_UP, ContactStatus.ENDED)
