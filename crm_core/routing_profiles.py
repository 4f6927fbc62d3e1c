"""Agents' routing profiles and queue settings as an administrator edits them: values and validation.

Pure (no database, no clock); :mod:`crm_core.routing_store` keeps these values. The engine turns
them into ``acd`` agents and queues. crm_core cannot import ``acd``, so the channel names, levels
and default capacities below mirror ``acd.model``.

Input from people (the admin API's JSON) goes through :func:`agent_profile_from` and
:func:`queue_profile_from`; values from the settings file go through :func:`check_agent_profile`
and :func:`check_queue_profile`. Every problem raises a :class:`RoutingProfileError` (a
``crm_core.errors.ValidationError``) whose stable ``code`` and ``params`` are translated at the edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crm_core.errors import NotFound, ValidationError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
NAME_LENGTH = 40
MIN_LEVEL, MAX_LEVEL = 1, 5
MAX_SKILLS = 50
CHANNELS = ("voice", "chat", "email")
DEFAULT_CAPACITY: Mapping[str, int] = {"voice": 1, "chat": 3, "email": 5}  # as acd.model.DEFAULT_CAPACITY
MAX_CAPACITY = 50


class RoutingProfileError(ValidationError):
    code = "crm.routing.invalid"
    template = "Invalid routing setting"


class InvalidName(RoutingProfileError):
    code = "crm.routing.invalid_name"
    template = "{field} {value!r} is not valid: use 1 to 40 letters, digits, '.', '_' or '-'"


class InvalidSkills(RoutingProfileError):
    code = "crm.routing.invalid_skills"
    template = 'skills must map skill names to levels, for example {{"sales": 3}}; got {value!r}'


class TooManySkills(RoutingProfileError):
    code = "crm.routing.too_many_skills"
    template = "{count} skills are too many; at most {maximum}"


class InvalidLevel(RoutingProfileError):
    code = "crm.routing.invalid_level"
    template = "skill {skill!r} cannot have level {value!r}: levels are whole numbers from 1 to 5"


class InvalidCapacity(RoutingProfileError):
    code = "crm.routing.invalid_capacity"
    template = "{channel} capacity cannot be {value!r}: use a whole number from 0 to {maximum}"


class InvalidCapacityMap(RoutingProfileError):
    code = "crm.routing.invalid_capacity_map"
    template = 'capacity must map channels to whole numbers, for example {{"chat": 3}}; got {value!r}'


class UnknownChannel(RoutingProfileError):
    code = "crm.routing.unknown_channel"
    template = "{channel!r} has no capacity setting; the channels are voice, chat and email"


class NoCapacity(RoutingProfileError):
    code = "crm.routing.no_capacity"
    template = "agent {agent_id} needs a capacity of at least 1 on some channel"


class OutOfRange(RoutingProfileError):
    code = "crm.routing.out_of_range"
    template = "{field} must be a number from {minimum} to {maximum}, not {value!r}"


class NotPositive(RoutingProfileError):
    code = "crm.routing.not_positive"
    template = "{field} must be a number above 0 and at most {maximum}, not {value!r}"


class NotWholeInRange(RoutingProfileError):
    code = "crm.routing.not_whole"
    template = "{field} must be a whole number from {minimum} to {maximum}, not {value!r}"


class UnknownSetting(RoutingProfileError):
    code = "crm.routing.unknown_setting"
    template = "{field!r} is not a setting here; the settings are: {allowed}"


class UnknownSkill(RoutingProfileError):
    code = "crm.routing.unknown_skill"
    template = "no queue asks for skill {skill!r}; the queues' skills are: {allowed}"


class UnknownAgentProfile(NotFound):
    code = "crm.routing.unknown_agent"
    template = "agent {agent_id} has no routing profile"


class UnknownQueue(NotFound):
    code = "crm.routing.unknown_queue"
    template = "queue {queue} does not exist"


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """Skills (name → level 1–5) and how many items of each channel the agent takes at once."""

    agent_id: str
    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CAPACITY))


@dataclass(frozen=True, slots=True)
class QueueProfile:
    """What an administrator sets on a queue (defaults as ``callcenter.settings.QueueSettings``)."""

    name: str
    skills: Mapping[str, int] = field(default_factory=dict)
    wrap_up_s: float = 5.0
    offer_timeout_s: float = 30.0
    max_missed_offers: int = 3
    service_level_s: float = 20.0


@dataclass(frozen=True, slots=True)
class _Range:
    minimum: int
    maximum: int
    above_minimum: bool = False  # the minimum itself is not allowed
    whole: bool = False


QUEUE_NUMBERS: Mapping[str, _Range] = {
    "wrap_up_s": _Range(0, 3600),
    "offer_timeout_s": _Range(0, 600, above_minimum=True),
    "max_missed_offers": _Range(0, 100, whole=True),
    "service_level_s": _Range(0, 3600, above_minimum=True),
}
AGENT_SETTINGS = ("skills", "capacity")
QUEUE_SETTINGS = ("skills", *QUEUE_NUMBERS)


def check_name(field_name: str, value: object) -> str:
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise InvalidName(field=field_name, value=value)
    return value


def _number(field_name: str, value: object) -> float:
    rule = QUEUE_NUMBERS[field_name]
    try:
        number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    except OverflowError:  # an int too large for a float
        number = math.inf
    above_low = number > rule.minimum if rule.above_minimum else number >= rule.minimum
    ok = math.isfinite(number) and above_low and number <= rule.maximum
    if rule.whole and not (ok and float(number).is_integer()):
        raise NotWholeInRange(field=field_name, minimum=rule.minimum, maximum=rule.maximum, value=value)
    if not ok:
        error = NotPositive if rule.above_minimum else OutOfRange
        raise error(field=field_name, minimum=rule.minimum, maximum=rule.maximum, value=value)
    return float(number)


def _skills(value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InvalidSkills(value=value)
    if len(value) > MAX_SKILLS:
        raise TooManySkills(count=len(value), maximum=MAX_SKILLS)
    skills: dict[str, int] = {}
    for skill, level in value.items():
        check_name("skill", skill)
        if not isinstance(level, int) or isinstance(level, bool) or not MIN_LEVEL <= level <= MAX_LEVEL:
            raise InvalidLevel(skill=skill, value=level)
        skills[skill] = level
    return skills


def _capacity(agent_id: str, value: object, current: Mapping[str, int]) -> dict[str, int]:
    """``current`` with the channels ``value`` names replaced (a partial change keeps the others)."""
    if not isinstance(value, Mapping):
        raise InvalidCapacityMap(value=value)
    capacity = dict(current)
    for channel, amount in value.items():
        if channel not in CHANNELS:
            raise UnknownChannel(channel=channel)
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= MAX_CAPACITY:
            raise InvalidCapacity(channel=channel, value=amount, maximum=MAX_CAPACITY)
        capacity[channel] = amount
    if not any(capacity.get(channel, 0) for channel in CHANNELS):
        raise NoCapacity(agent_id=agent_id)
    return capacity


def _only(data: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise UnknownSetting(field=key, allowed=", ".join(allowed))


def check_agent_profile(profile: AgentProfile) -> AgentProfile:
    """``profile`` if every field is valid (a copy with plain dicts), else the first problem."""
    agent_id = check_name("agent_id", profile.agent_id)
    complete = {channel: DEFAULT_CAPACITY[channel] for channel in CHANNELS} | dict(profile.capacity)
    return AgentProfile(agent_id, _skills(profile.skills), _capacity(agent_id, complete, {}))


def check_queue_profile(profile: QueueProfile) -> QueueProfile:
    return QueueProfile(
        name=check_name("queue", profile.name),
        skills=_skills(profile.skills),
        wrap_up_s=_number("wrap_up_s", profile.wrap_up_s),
        offer_timeout_s=_number("offer_timeout_s", profile.offer_timeout_s),
        max_missed_offers=int(_number("max_missed_offers", profile.max_missed_offers)),
        service_level_s=_number("service_level_s", profile.service_level_s),
    )


def agent_profile_from(
    agent_id: str, data: Mapping[str, object], current: AgentProfile | None = None
) -> AgentProfile:
    """The profile after a change: settings in ``data`` replace those of ``current`` (or the defaults
    for a new agent); ``capacity`` may name only the channels that change."""
    _only(data, AGENT_SETTINGS)
    base = current or AgentProfile(check_name("agent_id", agent_id))
    skills = _skills(data["skills"]) if "skills" in data else base.skills
    capacity = _capacity(agent_id, data["capacity"], base.capacity) if "capacity" in data else base.capacity
    return check_agent_profile(AgentProfile(agent_id, skills, capacity))


def queue_profile_from(
    name: str, data: Mapping[str, object], current: QueueProfile | None = None
) -> QueueProfile:
    """The queue after a change: settings in ``data`` replace those of ``current`` (or the defaults)."""
    _only(data, QUEUE_SETTINGS)
    base = current or QueueProfile(check_name("queue", name))

    def number(key: str, kept: float) -> float:
        return _number(key, data[key]) if key in data else kept

    return check_queue_profile(
        QueueProfile(
            name=name,
            skills=_skills(data["skills"]) if "skills" in data else base.skills,
            wrap_up_s=number("wrap_up_s", base.wrap_up_s),
            offer_timeout_s=number("offer_timeout_s", base.offer_timeout_s),
            max_missed_offers=int(number("max_missed_offers", base.max_missed_offers)),
            service_level_s=number("service_level_s", base.service_level_s),
        )
    )


def check_skills_known(
    profile: AgentProfile, current: AgentProfile | None, queues: Iterable[QueueProfile]
) -> None:
    """Refuse a skill newly given to an agent that no queue asks for: routing would never use it
    (usually a typo). Skills the agent already has stay, so a queue's removal does not lock the
    profile."""
    known = {skill for queue in queues for skill in queue.skills}
    kept = set(current.skills) if current else set()
    for skill in profile.skills:
        if skill not in known and skill not in kept:
            raise UnknownSkill(skill=skill, allowed=", ".join(sorted(known)) or "-")
