"""The ACD's agents and queues from the stored routing profiles and the settings file.

The database's profiles are in force, seeded from the settings file (rows that exist win over the
file; see :mod:`crm_core.routing_store`); the engine adds the queues it needs itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from acd.model import DEFAULT_CAPACITY, Agent, Channel, QueueConfig, SkillRequirement
from callcenter.clock import SystemClock
from callcenter.errors import ConfigError
from callcenter.settings import Settings
from crm_core.routing_profiles import AgentProfile, QueueProfile, RoutingProfileError
from crm_core.routing_store import RoutingProfiles, seed_routing_profiles


def _settings_queues(settings: Settings) -> list[QueueConfig]:
    configured = [
        QueueConfig(
            name=q.name,
            skills=tuple(SkillRequirement(skill, level) for skill, level in q.skills.items()),
            wrap_up_seconds=q.wrap_up_s,
            offer_timeout_seconds=q.offer_timeout_s,
            max_missed_offers=q.max_missed_offers,
            service_level_seconds=q.service_level_s,
        )
        for q in settings.queues
    ]
    if all(q.name != settings.dialplan.outbound_queue for q in configured):
        # Click-to-dial calls are counted (AHT, occupancy) in a queue of their own.
        wrap_up = settings.queues[0].wrap_up_s if settings.queues else 0.0
        configured.append(QueueConfig(name=settings.dialplan.outbound_queue, wrap_up_seconds=wrap_up))
    return configured


def queue_config(profile: QueueProfile) -> QueueConfig:
    """The ACD queue of a stored queue profile."""
    return QueueConfig(
        name=profile.name,
        skills=tuple(SkillRequirement(skill, level) for skill, level in profile.skills.items()),
        wrap_up_seconds=profile.wrap_up_s,
        offer_timeout_seconds=profile.offer_timeout_s,
        max_missed_offers=profile.max_missed_offers,
        service_level_seconds=profile.service_level_s,
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
    stored = [queue_config(q) for q in profiles.queues]
    taken = {q.name for q in settings.queues} | {q.name for q in stored}
    return stored + [q for q in _settings_queues(settings) if q.name not in taken]
