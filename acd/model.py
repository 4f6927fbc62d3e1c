"""Domain values of the ACD: channels, customers, work items, agents, queues.

All frozen; the dynamic state the router keeps about them lives in ``acd.records``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from acd.errors import InvalidConfig


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    FAX = "fax"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"


NOT_ON_THE_LINE = frozenset({Channel.CALLBACK, Channel.VOICEMAIL, Channel.FAX})


class ValueTier(StrEnum):
    """Customer value tier from the CRM."""

    VIP = "vip"
    KEY = "key"
    NORMAL = "normal"
    SMALL = "small"


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"  # an offer is ringing / pending
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class FallbackAction(StrEnum):
    VOICEMAIL = "voicemail"
    CALLBACK_OFFER = "callback_offer"
    TRANSFER = "transfer"  # to another number, ``Fallback.target``


DEFAULT_CAPACITY: Mapping[Channel, int] = {
    Channel.VOICE: 1,
    Channel.CALLBACK: 1,
    Channel.VOICEMAIL: 1,
    Channel.CHAT: 3,
    Channel.EMAIL: 5,
    Channel.FAX: 5,
}

_ALL = frozenset(Channel)
# A phone conversation (inbound voice or a callback) blocks every other new offer.
DEFAULT_BLOCKING: Mapping[Channel, frozenset[Channel]] = {
    Channel.VOICE: _ALL - {Channel.VOICE},
    Channel.CALLBACK: _ALL - {Channel.CALLBACK},
}

MIN_LEVEL = 1
MAX_LEVEL = 5


@dataclass(frozen=True, slots=True)
class SkillRequirement:
    skill: str
    min_level: int = MIN_LEVEL

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.min_level <= MAX_LEVEL:
            raise InvalidConfig(subject=f"skill {self.skill!r}", problem="min_level must be 1..5")


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: str
    tier: ValueTier = ValueTier.NORMAL


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One contact to route. ``skills`` empty means "the queue's skills"."""

    item_id: str
    channel: Channel
    queue: str
    customer: Customer
    arrived_at: float
    skills: tuple[SkillRequirement, ...] = ()
    priority: float = 0.0
    previous_agent_id: str | None = None
    callback_number: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    """An agent's routing profile: skills (level 1–5), capacity per channel, and which active
    channel blocks which new ones (default: a voice call or a callback blocks everything else)."""

    agent_id: str
    skills: Mapping[str, int]
    capacity: Mapping[Channel, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))
    blocking: Mapping[Channel, frozenset[Channel]] = field(default_factory=lambda: dict(DEFAULT_BLOCKING))

    def __post_init__(self) -> None:
        for skill, level in self.skills.items():
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise InvalidConfig(
                    subject=f"agent {self.agent_id!r}", problem=f"skill {skill!r} level {level}"
                )
        if any(n < 0 for n in self.capacity.values()):
            raise InvalidConfig(subject=f"agent {self.agent_id!r}", problem="negative capacity")


@dataclass(frozen=True, slots=True)
class Fallback:
    action: FallbackAction
    target: str = ""


@dataclass(frozen=True, slots=True)
class OverflowStep:
    """After ``after_seconds`` of waiting: lower every minimum level by ``lower_levels_by``,
    also accept agents matching any set in ``also_accept``, and/or agents of ``to_queue``'s skills."""

    after_seconds: float
    lower_levels_by: int = 0
    also_accept: tuple[tuple[SkillRequirement, ...], ...] = ()
    to_queue: str | None = None


DEFAULT_TIER_BOOST: Mapping[ValueTier, float] = {
    ValueTier.VIP: 30.0,
    ValueTier.KEY: 10.0,
    ValueTier.NORMAL: 0.0,
    ValueTier.SMALL: -5.0,
}


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue. Effective priority = item priority + tier boost + aging × minutes waited."""

    name: str
    skills: tuple[SkillRequirement, ...] = ()
    tier_boost: Mapping[ValueTier, float] = field(default_factory=lambda: dict(DEFAULT_TIER_BOOST))
    aging_per_minute: float = 1.0
    overflow: tuple[OverflowStep, ...] = ()
    max_wait_seconds: float | None = None
    fallback: Fallback | None = None
    wrap_up_seconds: float = 0.0
    offer_timeout_seconds: float = 20.0
    max_missed_offers: int = 3  # 0: never auto-pause
    service_level_seconds: float = 20.0  # the phone's (voice, callback…)
    service_level_chat_seconds: float = 30.0  # a chat answered within
    service_level_email_seconds: float = 4 * 3600.0  # an e-mail's first response within
    previous_agent_wait_seconds: float = 0.0  # 0: no previous-agent preference
    default_aht_seconds: float = 180.0  # used by estimates until calls were handled

    def __post_init__(self) -> None:
        afters = [s.after_seconds for s in self.overflow]
        if afters != sorted(afters) or any(a <= 0 for a in afters):
            raise InvalidConfig(
                subject=f"queue {self.name!r}", problem="overflow steps need increasing after_seconds > 0"
            )
        if self.max_wait_seconds is not None and self.fallback is None:
            raise InvalidConfig(subject=f"queue {self.name!r}", problem="max_wait_seconds needs a fallback")
        if (
            min(self.service_level_seconds, self.service_level_chat_seconds, self.service_level_email_seconds)
            <= 0
        ):
            raise InvalidConfig(
                subject=f"queue {self.name!r}", problem="service level thresholds must be > 0"
            )
        if self.offer_timeout_seconds <= 0 or self.wrap_up_seconds < 0 or self.max_missed_offers < 0:
            raise InvalidConfig(
                subject=f"queue {self.name!r}", problem="timeouts and counts must be positive"
            )

    @property
    def channel_service_levels(self) -> Mapping[Channel, float]:
        """The thresholds of the channels that have their own (the others: ``service_level_seconds``)."""
        return {
            Channel.CHAT: self.service_level_chat_seconds,
            Channel.EMAIL: self.service_level_email_seconds,
        }

    @property
    def aging_per_second(self) -> float:
        return self.aging_per_minute / 60.0

    def max_wait_for(self, channel: Channel) -> float | None:
        """A callback's, a voicemail's or a fax's customer is not on the line: only live contacts
        time out to the fallback."""
        return None if channel in NOT_ON_THE_LINE else self.max_wait_seconds
