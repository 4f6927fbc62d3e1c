"""Agents' routing profiles and queues in the database: read, write, delete, and seed from the settings.

Precedence (the rule the engine applies at every start, :func:`seed_routing_profiles`):

- The settings file (``agents:``, ``queues:``) is only the seed. An agent or queue of the file that
  has no row yet is created from the file.
- A row that exists wins over the file: what an administrator changed stays changed after a
  restart, even if the file says otherwise. To apply a new value from the file to an existing
  agent or queue, change it on the admin page.
- Deleting keeps a tombstone row, so an agent or queue deleted on the admin page stays deleted
  even though the file still lists it; creating it again on the admin page revives it.
- Agents and queues created on the admin page need not be in the file.

Services take a ``Session``; the caller owns the transaction (one per change, with its audit entry).
Every value is validated (:mod:`crm_core.routing_profiles`) before it is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm_core.clock import Clock, utc_now
from crm_core.models_routing import RoutingAgent, RoutingAgentSkill, RoutingQueue, RoutingQueueSkill
from crm_core.routing_profiles import (
    AgentProfile,
    QueueProfile,
    UnknownAgentProfile,
    UnknownQueue,
    check_agent_profile,
    check_queue_profile,
)

SEEDED_BY = "settings file"
P = TypeVar("P", AgentProfile, QueueProfile)


@dataclass(frozen=True, slots=True)
class Stored(Generic[P]):
    """A profile with who changed it last (``SEEDED_BY`` for rows taken from the settings file)."""

    profile: P
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RoutingProfiles:
    """The agents and queues in force (tombstones left out), sorted by id."""

    agents: tuple[AgentProfile, ...]
    queues: tuple[QueueProfile, ...]


class RoutingProfileStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    # ---- agents ----------------------------------------------------------------------------
    def agents(self, session: Session) -> list[Stored[AgentProfile]]:
        skills: dict[str, dict[str, int]] = {}
        for row in session.scalars(select(RoutingAgentSkill).order_by(RoutingAgentSkill.skill)):
            skills.setdefault(row.agent_id, {})[row.skill] = row.level
        rows = session.scalars(
            select(RoutingAgent).where(RoutingAgent.deleted.is_(False)).order_by(RoutingAgent.agent_id)
        )
        return [Stored(_agent(r, skills.get(r.agent_id, {})), r.updated_by, r.updated_at) for r in rows]

    def agent(self, session: Session, agent_id: str) -> AgentProfile | None:
        row = session.get(RoutingAgent, agent_id)
        if row is None or row.deleted:
            return None
        query = select(RoutingAgentSkill).where(RoutingAgentSkill.agent_id == agent_id)
        return _agent(row, {s.skill: s.level for s in session.scalars(query)})

    def save_agent(self, session: Session, profile: AgentProfile, actor: str) -> AgentProfile:
        """Create or replace the agent's profile (also one deleted before)."""
        profile = check_agent_profile(profile)
        row = session.get(RoutingAgent, profile.agent_id)
        if row is None:
            row = RoutingAgent(agent_id=profile.agent_id)
            session.add(row)
        row.voice_capacity = profile.capacity["voice"]
        row.chat_capacity = profile.capacity["chat"]
        row.email_capacity = profile.capacity["email"]
        row.deleted = False
        row.updated_by, row.updated_at = actor, utc_now(self._clock)
        session.flush()
        session.execute(delete(RoutingAgentSkill).where(RoutingAgentSkill.agent_id == profile.agent_id))
        session.add_all(
            RoutingAgentSkill(agent_id=profile.agent_id, skill=skill, level=level)
            for skill, level in profile.skills.items()
        )
        session.flush()
        return profile

    def delete_agent(self, session: Session, agent_id: str, actor: str) -> None:
        row = session.get(RoutingAgent, agent_id)
        if row is None or row.deleted:
            raise UnknownAgentProfile(agent_id=agent_id)
        session.execute(delete(RoutingAgentSkill).where(RoutingAgentSkill.agent_id == agent_id))
        row.deleted = True
        row.updated_by, row.updated_at = actor, utc_now(self._clock)
        session.flush()

    # ---- queues ----------------------------------------------------------------------------
    def queues(self, session: Session) -> list[Stored[QueueProfile]]:
        skills: dict[str, dict[str, int]] = {}
        for row in session.scalars(select(RoutingQueueSkill).order_by(RoutingQueueSkill.skill)):
            skills.setdefault(row.queue, {})[row.skill] = row.min_level
        rows = session.scalars(
            select(RoutingQueue).where(RoutingQueue.deleted.is_(False)).order_by(RoutingQueue.name)
        )
        return [Stored(_queue(r, skills.get(r.name, {})), r.updated_by, r.updated_at) for r in rows]

    def queue(self, session: Session, name: str) -> QueueProfile | None:
        row = session.get(RoutingQueue, name)
        if row is None or row.deleted:
            return None
        query = select(RoutingQueueSkill).where(RoutingQueueSkill.queue == name)
        return _queue(row, {s.skill: s.min_level for s in session.scalars(query)})

    def save_queue(self, session: Session, profile: QueueProfile, actor: str) -> QueueProfile:
        """Create or replace the queue (also one deleted before)."""
        profile = check_queue_profile(profile)
        row = session.get(RoutingQueue, profile.name)
        if row is None:
            row = RoutingQueue(name=profile.name)
            session.add(row)
        row.wrap_up_s = profile.wrap_up_s
        row.offer_timeout_s = profile.offer_timeout_s
        row.max_missed_offers = profile.max_missed_offers
        row.service_level_s = profile.service_level_s
        row.deleted = False
        row.updated_by, row.updated_at = actor, utc_now(self._clock)
        session.flush()
        session.execute(delete(RoutingQueueSkill).where(RoutingQueueSkill.queue == profile.name))
        session.add_all(
            RoutingQueueSkill(queue=profile.name, skill=skill, min_level=level)
            for skill, level in profile.skills.items()
        )
        session.flush()
        return profile

    def delete_queue(self, session: Session, name: str, actor: str) -> None:
        row = session.get(RoutingQueue, name)
        if row is None or row.deleted:
            raise UnknownQueue(queue=name)
        session.execute(delete(RoutingQueueSkill).where(RoutingQueueSkill.queue == name))
        row.deleted = True
        row.updated_by, row.updated_at = actor, utc_now(self._clock)
        session.flush()

    # ---- start-up ----------------------------------------------------------------------------
    def seed(
        self, session: Session, agents: Iterable[AgentProfile], queues: Iterable[QueueProfile]
    ) -> RoutingProfiles:
        """Create the rows the file has and the database has not (tombstones count as present);
        return what is in force afterwards."""
        known_agents = set(session.scalars(select(RoutingAgent.agent_id)))
        for agent in agents:
            if agent.agent_id not in known_agents:
                self.save_agent(session, agent, SEEDED_BY)
                known_agents.add(agent.agent_id)
        known_queues = set(session.scalars(select(RoutingQueue.name)))
        for queue in queues:
            if queue.name not in known_queues:
                self.save_queue(session, queue, SEEDED_BY)
                known_queues.add(queue.name)
        return RoutingProfiles(
            tuple(s.profile for s in self.agents(session)), tuple(s.profile for s in self.queues(session))
        )


def seed_routing_profiles(
    sessions: sessionmaker[Session],
    clock: Clock,
    agents: Iterable[AgentProfile],
    queues: Iterable[QueueProfile],
) -> RoutingProfiles:
    """:meth:`RoutingProfileStore.seed` in its own transaction. Two engines starting together on one
    PostgreSQL may both insert the same new row: the loser finds it present on the second try."""
    agents, queues = list(agents), list(queues)
    store = RoutingProfileStore(clock)
    try:
        with sessions.begin() as session:
            return store.seed(session, agents, queues)
    except IntegrityError:
        with sessions.begin() as session:
            return store.seed(session, agents, queues)


def _agent(row: RoutingAgent, skills: dict[str, int]) -> AgentProfile:
    capacity = {"voice": row.voice_capacity, "chat": row.chat_capacity, "email": row.email_capacity}
    return AgentProfile(row.agent_id, skills, capacity)


def _queue(row: RoutingQueue, skills: dict[str, int]) -> QueueProfile:
    return QueueProfile(
        row.name, skills, row.wrap_up_s, row.offer_timeout_s, row.max_missed_offers, row.service_level_s
    )
