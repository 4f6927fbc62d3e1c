"""The ACD's agents and queues from the stored routing profiles and the settings file.

The database's profiles are in force, seeded from the settings file (rows that exist win over the
file; see :mod:`crm_core.routing_store`); the engine adds the queues it needs itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from acd.model import DEFAULT_CAPACITY, Agent, Channel, QueueConfig, SkillRequirement
from callcenter.clock import SystemClock
from callcenter.errors import ConfigError
from callcenter.settings import Settings
from crm_core.routing_profiles import AgentProfile, QueueProfile, RoutingProfileError
from crm_core.routing_store import RoutingProfiles, seed_routing_profiles


@dataclass(frozen=True, slots=True)
class ChannelLevels:
    """A queue's service level thresholds of chat and e-mail (from the settings file: the stored
    queue profiles do not hold them)."""

    chat_s: float = 30.0
    email_s: float = 4 * 3600.0


def channel_levels(settings: Settings) -> dict[str, ChannelLevels]:
    """Queue name → its chat and e-mail thresholds, as the settings file says."""
    return {
        q.name: ChannelLevels(q.service_level_chat_s, q.service_level_email_h * 3600.0)
        for q in settings.queues
    }


def _settings_queues(settings: Settings) -> list[QueueConfig]:
    levels = channel_levels(settings)
    configured = [
        QueueConfig(
            name=q.name,
            skills=tuple(SkillRequirement(skill, level) for skill, level in q.skills.items()),
            wrap_up_seconds=q.wrap_up_s,
            offer_timeout_seconds=q.offer_timeout_s,
            max_missed_offers=q.max_missed_offers,
            service_level_seconds=q.service_level_s,
            service_level_chat_seconds=levels[q.name].chat_s,
            service_level_email_seconds=levels[q.name].email_s,
        )
        for q in settings.queues
    ]
    if all(q.name != settings.dialplan.outbound_queue for q in configured):
        # Click-to-dial calls are counted (AHT, occupancy) in a queue of their own.
        wrap_up = settings.queues[0].wrap_up_s if settings.queues else 0.0
        configured.append(QueueConfig(name=settings.dialplan.outbound_queue, wrap_up_seconds=wrap_up))
    return configured


def queue_config(profile: QueueProfile, levels: ChannelLevels | None = None) -> QueueConfig:
    """The ACD queue of a stored queue profile (``levels``: its chat and e-mail thresholds)."""
    levels = levels or ChannelLevels()
    return QueueConfig(
        name=profile.name,
        skills=tuple(SkillRequirement(skill, level) for skill, level in profile.skills.items()),
        wrap_up_seconds=profile.wrap_up_s,
        offer_timeout_seconds=profile.offer_timeout_s,
        max_missed_offers=profile.max_missed_offers,
        service_level_seconds=profile.service_level_s,
        service_level_chat_seconds=levels.chat_s,
        service_level_email_seconds=levels.email_s,
    )


def routing_agent(profile: AgentProfile) -> Agent:
    """The ACD agent of a stored profile. A callback is a phone call: it follows the voice capacity."""
    capacity = dict(DEFAULT_CAPACITY) | {Channel(channel): n for channel, n in profile.capacity.items()}
    capacity[Channel.CALLBACK] = capacity[Channel.VOICE]
    return Agent(profile.agent_id, dict(profile.skills), capacity=capacity)


def load_routing_profiles(settings: Settings, sessions: sessionmaker[Session]) -> RoutingProfiles:
    """The agents and queues in force: the database's, seeded from the settings file."""
    agents = [AgentProfile(a.agent_id, dict(a.skills)) for a in settings.agents]
    queues = [
        QueueProfile(
            q.name, dict(q.skills), q.wrap_up_s, q.offer_timeout_s, q.max_missed_offers, q.service_level_s
        )
        for q in settings.queues
    ]
    try:
        return seed_routing_profiles(sessions, SystemClock(), agents, queues)
    except RoutingProfileError as exc:
        raise ConfigError(f"agents / queues in the settings: {exc}") from exc


def queues_in_force(settings: Settings, profiles: RoutingProfiles) -> list[QueueConfig]:
    """The stored queues, plus the queues the engine adds itself (those not in the settings file)."""
    levels = channel_levels(settings)
    stored = [queue_config(q, levels.get(q.name)) for q in profiles.queues]
    taken = {q.name for q in settings.queues} | {q.name for q in stored}
    return stored + [q for q in _settings_queues(settings) if q.name not in taken]
