"""Live calls known to this engine, keyed by the caller channel's Asterisk uniqueid."""

from __future__ import annotations

import asyncio
import enum
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from callcenter.contacts import lifecycle
from callcenter.contacts.model import ContactKind, ContactState, ContactStatus, Outcome

if TYPE_CHECKING:
    from callcenter.calls.consultation import Consultation
    from callcenter.calls.customers import CallerInfo


class CallPhase(enum.StrEnum):
    IVR = "ivr"
    QUEUED = "queued"
    OFFERING = "offering"  # Redirect sent, the agent's phone rings
    TALKING = "talking"
    ENDED = "ended"


# A call's phase is how the rest of the engine (and the desktop) sees its contact's status.
_PHASE_OF: dict[ContactStatus, CallPhase] = {
    ContactStatus.SELF_SERVICE: CallPhase.IVR,
    ContactStatus.QUEUED: CallPhase.QUEUED,
    ContactStatus.RINGING: CallPhase.OFFERING,
    ContactStatus.CONNECTED: CallPhase.TALKING,
    ContactStatus.HELD: CallPhase.TALKING,
    ContactStatus.CONSULTING: CallPhase.TALKING,
    ContactStatus.TRANSFERRED: CallPhase.IVR,  # in the transfer route, dialing the outside number
    ContactStatus.WRAP_UP: CallPhase.ENDED,
    ContactStatus.ENDED: CallPhase.ENDED,
}


@dataclass(slots=True)
class LiveCall:
    """A call and its contact lifecycle: ``contact`` changes only by ``callcenter.contacts.lifecycle``
    transitions; ``phase``, ``direction``, ``held``, ``transfers`` and ``outcome`` are read from it."""

    uniqueid: str
    channel: str
    caller_number: str
    caller_name: str
    dialed: str
    started_at: float
    queue: str | None = None
    item_id: str | None = None
    offer_id: str | None = None
    agent_id: str | None = None
    agent_channel: str | None = None
    queued_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    ivr_digits: list[str] = field(default_factory=list)
    # Set while the engine moves the caller out of AGI itself, so result=-1 is not read as a hangup.
    redirecting: bool = False
    caller_info: CallerInfo | None = None
    # The CRM lookup started as the caller arrives, so the screen pop is ready when they queue.
    caller_lookup: asyncio.Task[CallerInfo] | None = None
    recording_path: str | None = None
    recording_paused: bool = False
    muted: bool = False
    # A transfer to a number, waiting for the caller to reach the "transfer" FastAGI route.
    transfer_number: str | None = None
    consult: Consultation | None = None
    # The language the IVR flow spoke with the caller (its ``language`` variable); None: the default.
    language: str | None = None
    # The caller's place (:mod:`callcenter.calls.handback`) as queued, and as last left on the channel.
    handback: str | None = None
    handback_on_channel: str | None = None
    contact: ContactState = field(init=False)

    def __post_init__(self) -> None:
        self.contact = lifecycle.arrive(ContactKind.CALL, self.started_at)

    @staticmethod
    def outbound(
        prefix: str,
        number: str,
        agent_id: str,
        now: float,
        *,
        name: str = "",
        queue: str | None = None,
        offer_id: str | None = None,
        caller_info: CallerInfo | None = None,
    ) -> LiveCall:
        """A call the engine makes from an agent's phone (click-to-dial ``cc-out``, callbacks
        ``cc-cb``): its own uniqueid (the agent leg is Originated with it), ringing the agent first."""
        call = LiveCall(
            uniqueid=f"{prefix}-{uuid.uuid4().hex[:16]}",
            channel="",
            caller_number=number,
            caller_name=name,
            dialed=number,
            started_at=now,
            agent_id=agent_id,
            queue=queue,
            offer_id=offer_id,
            caller_info=caller_info,
        )
        call.contact = lifecycle.dial(ContactKind.CALL, now)
        return call

    @property
    def phase(self) -> CallPhase:
        return _PHASE_OF[self.contact.status]

    @property
    def direction(self) -> str:
        """inbound | outbound (click-to-dial, callbacks)"""
        return self.contact.direction.value

    @property
    def held(self) -> bool:
        return self.contact.status is ContactStatus.HELD

    @property
    def transfers(self) -> int:
        """Each agent's part of the call is its own interaction: the first keeps the uniqueid as its
        reference, the one after the n-th transfer is "<uniqueid>-t<n>"."""
        return self.contact.transfers

    @property
    def outcome(self) -> str | None:
        """Noted while the call is live (what it ends with unless told otherwise), final once ended."""
        return self.contact.outcome.value if self.contact.outcome else None

    @outcome.setter
    def outcome(self, value: str | None) -> None:
        # The IVR may learn of a hang-up after the AMI did: a late note about an ended call is moot.
        if self.contact.live:
            self.contact = lifecycle.note_outcome(self.contact, Outcome(value) if value else None)

    @property
    def interaction_ref(self) -> str:
        return self.uniqueid if self.transfers == 0 else f"{self.uniqueid}-t{self.transfers}"


class CallRegistry:
    def __init__(self) -> None:
        self._by_uniqueid: dict[str, LiveCall] = {}
        self._by_channel: dict[str, str] = {}
        self._by_item: dict[str, str] = {}

    def add(self, call: LiveCall) -> LiveCall:
        existing = self._by_uniqueid.get(call.uniqueid)
        if existing is not None:
            return existing
        self._by_uniqueid[call.uniqueid] = call
        self._by_channel[call.channel] = call.uniqueid
        return call

    def link_item(self, call: LiveCall, item_id: str) -> None:
        if call.item_id:
            self._by_item.pop(call.item_id, None)
        call.item_id = item_id
        self._by_item[item_id] = call.uniqueid

    def get(self, uniqueid: str) -> LiveCall | None:
        return self._by_uniqueid.get(uniqueid)

    def set_channel(self, call: LiveCall, channel: str) -> None:
        """An outbound call learns its channel's name once Asterisk created it."""
        self._by_channel.pop(call.channel, None)
        call.channel = channel
        self._by_channel[channel] = call.uniqueid

    def by_channel(self, channel: str) -> LiveCall | None:
        uniqueid = self._by_channel.get(channel)
        return self._by_uniqueid.get(uniqueid) if uniqueid else None

    def by_item(self, item_id: str) -> LiveCall | None:
        uniqueid = self._by_item.get(item_id)
        return self._by_uniqueid.get(uniqueid) if uniqueid else None

    def by_agent_channel(self, channel: str) -> LiveCall | None:
        for call in self._by_uniqueid.values():
            if call.agent_channel == channel:
                return call
        return None

    def remove(self, call: LiveCall) -> None:
        self._by_uniqueid.pop(call.uniqueid, None)
        self._by_channel.pop(call.channel, None)
        if call.item_id:
            self._by_item.pop(call.item_id, None)

    def live(self) -> list[LiveCall]:
        return list(self._by_uniqueid.values())
