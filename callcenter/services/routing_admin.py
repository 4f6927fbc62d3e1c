"""Agents' routing profiles and queues: stored (with the audit entry) in one transaction, then put
in force on the live router.

Agents' skills and capacities and the queues live in the database (:mod:`crm_core.routing_store`
states the rule: the settings file only seeds them; stored rows win over it, also after a restart).
A queue change is applied at once; an agent's profile at once if the agent is idle, else at their
next login. The router cannot drop a queue: a deleted one serves the contacts already in it until
restart. Refusals are the cores' own errors (``CrmError``, ``AcdError``) and :class:`QueueInUse`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError
from acd.model import AgentState
from callcenter.contact_center import ContactCenter
from callcenter.routing_config import ChannelLevels, queue_config, routing_agent
from callcenter.services.audit import Actor, Now, NowClock, record
from callcenter.services.errors import QueueInUse
from crm_core.routing_profiles import (
    AgentProfile,
    QueueProfile,
    agent_profile_from,
    check_skills_known,
    queue_profile_from,
)
from crm_core.routing_store import RoutingProfileStore, Stored
from ivr_flows.store import FlowRepository

T = TypeVar("T")


@dataclass
class RoutingNames:
    """The queues and skills that exist now; shared (the same sets) with the IVR flow repository,
    so a flow may use what the admin page creates at once."""

    queues: set[str] = field(default_factory=set)
    skills: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class AgentRow:
    stored: Stored[AgentProfile]
    state: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    stored: Stored[QueueProfile]
    waiting: int


class RoutingAdmin:
    def __init__(
        self,
        db: sessionmaker[Session],
        cc: ContactCenter,
        now: Now,
        names: RoutingNames,
        agents: Iterable[AgentProfile],
        flows: FlowRepository | None = None,
        channel_levels: Mapping[str, ChannelLevels] | None = None,
    ) -> None:
        self._db, self._cc, self._now, self.names, self._flows = db, cc, now, names, flows
        self._levels = dict(channel_levels or {})  # queue → chat / e-mail thresholds (settings file)
        self._store = RoutingProfileStore(NowClock(now))
        self.profiles: dict[str, AgentProfile] = {}
        # Agent id → skills, kept in step with ``profiles`` (the desktop's transfer targets).
        self.agent_skills: dict[str, dict[str, int]] = {}
        # Serialises the changes, so the live router ends as the database does.
        self._lock = asyncio.Lock()
        for profile in agents:
            self._remember(profile)

    def _remember(self, profile: AgentProfile) -> None:
        self.profiles[profile.agent_id] = profile
        self.agent_skills[profile.agent_id] = dict(profile.skills)

    def _forget(self, agent_id: str) -> None:
        self.profiles.pop(agent_id, None)
        self.agent_skills.pop(agent_id, None)

    async def _in_transaction(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._db.begin() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def _read(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._db() as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def login_agent(self, agent_id: str, paused_reason: str | None = None) -> None:
        """Log the agent in to routing with its stored profile: skills and capacity per channel."""
        agent = routing_agent(self.profiles.get(agent_id) or AgentProfile(agent_id))
        await self._cc.agent_login(agent_id, dict(agent.skills), paused_reason, capacity=agent.capacity)

    async def _apply_agent_profile(self, agent_id: str) -> bool:
        """Give a logged-in idle agent its new profile now (the router takes a profile at login: out
        and in again, keeping a pause). False when the agent is not idle: the next login applies it."""
        snapshot = await self._cc.snapshot()
        state = next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)
        if state not in (AgentState.AVAILABLE, AgentState.PAUSED):
            return False
        reason = (
            (snapshot.pause_reasons.get(agent_id) or "supervisor") if state is AgentState.PAUSED else None
        )
        try:
            await self._cc.agent_logout(agent_id)
        except AcdError:
            return False  # an offer arrived since the snapshot: the agent keeps the old profile
        await self.login_agent(agent_id, reason)
        return True

    async def _log_out_if_idle(self, agent_id: str) -> bool:
        """Take a deleted agent out of routing now unless they have work in hand."""
        snapshot = await self._cc.snapshot()
        if all(a.agent_id != agent_id or a.state is AgentState.LOGGED_OUT for a in snapshot.agents):
            return True
        try:
            await self._cc.agent_logout(agent_id)
        except AcdError:
            return False
        return True

    async def list_agents(self) -> list[AgentRow]:
        """Every stored agent profile with the agent's live routing state."""
        stored = await self._read(self._store.agents)
        states = {a.agent_id: a.state.value for a in (await self._cc.snapshot()).agents}
        return [AgentRow(s, states.get(s.profile.agent_id, "logged_out")) for s in stored]

    async def save_agent(
        self, actor: Actor, agent_id: str, data: Mapping[str, object]
    ) -> tuple[AgentProfile, bool]:
        """Create or change a profile; settings left out keep their value. The profile and whether
        it is in force already (else at the agent's next login)."""

        def write(session: Session) -> AgentProfile:
            current = self._store.agent(session, agent_id)
            profile = agent_profile_from(agent_id, data, current)
            routing_agent(profile)  # the router's own checks, before anything is stored
            check_skills_known(profile, current, (stored.profile for stored in self._store.queues(session)))
            self._store.save_agent(session, profile, actor.username)
            capacity = {f"capacity.{k}": v for k, v in profile.capacity.items()}
            details = settings_details(current is None, profile.skills, **capacity)
            record(session, self._now, actor, "admin.agent_skills", f"agent:{agent_id}", details)
            return profile

        async with self._lock:
            profile = await self._in_transaction(write)
            self._remember(profile)
            self.names.skills.update(profile.skills)
            return profile, await self._apply_agent_profile(agent_id)

    async def delete_agent(self, actor: Actor, agent_id: str) -> bool:
        """Remove the profile (it stays removed after restarts); True when the agent left routing now."""

        def write(session: Session) -> None:
            self._store.delete_agent(session, agent_id, actor.username)
            record(session, self._now, actor, "admin.agent_delete", f"agent:{agent_id}", {})

        async with self._lock:
            await self._in_transaction(write)
            self._forget(agent_id)
            return await self._log_out_if_idle(agent_id)

    async def list_queues(self) -> list[QueueRow]:
        """Every stored queue with the number of contacts waiting in it now."""
        stored = await self._read(self._store.queues)
        waiting = {q.queue: q.waiting for q in (await self._cc.snapshot()).queues}
        return [QueueRow(s, waiting.get(s.profile.name, 0)) for s in stored]

    async def save_queue(self, actor: Actor, name: str, data: Mapping[str, object]) -> QueueProfile:
        """Create or change a queue; settings left out keep their value. Applied to the router at once."""

        def write(session: Session) -> QueueProfile:
            current = self._store.queue(session, name)
            profile = queue_profile_from(name, data, current)
            queue_config(profile)  # the router's own checks, before anything is stored
            self._store.save_queue(session, profile, actor.username)
            details = settings_details(current is None, profile.skills, **queue_numbers(profile))
            record(session, self._now, actor, "admin.queue", f"queue:{name}", details)
            return profile

        async with self._lock:
            profile = await self._in_transaction(write)
            await self._cc.router.add_queue(queue_config(profile, self._levels.get(profile.name)))
            self.names.queues.add(profile.name)
            self.names.skills.update(profile.skills)
            return profile

    async def delete_queue(self, actor: Actor, name: str) -> None:
        """Remove a queue no published IVR flow uses (:class:`QueueInUse` otherwise)."""
        flows = await asyncio.to_thread(self._flows_using_queue, name)
        if flows:
            raise QueueInUse(queue=name, flow=", ".join(flows))

        def write(session: Session) -> None:
            self._store.delete_queue(session, name, actor.username)
            record(session, self._now, actor, "admin.queue_delete", f"queue:{name}", {})

        async with self._lock:
            await self._in_transaction(write)
            self.names.queues.discard(name)

    def _flows_using_queue(self, queue: str) -> list[str]:
        """Published IVR flows that send callers to ``queue`` (a queue step or the flow's fallback)."""
        flows = self._flows
        if flows is None:
            return []
        return [
            name
            for name in flows.flow_names()
            if (version := flows.published(name)) is not None
            and _mentions_queue(flows.load(name, version.number).model_dump(), queue)
        ]


def queue_numbers(profile: QueueProfile) -> dict[str, object]:
    """The queue's settings but its name and skills."""
    return {
        "wrap_up_s": profile.wrap_up_s,
        "offer_timeout_s": profile.offer_timeout_s,
        "max_missed_offers": profile.max_missed_offers,
        "service_level_s": profile.service_level_s,
    }


def settings_details(created: bool, skills: Mapping[str, int], **values: object) -> dict[str, str]:
    return (
        {"change": "created" if created else "changed"}
        | {f"skill.{k}": str(v) for k, v in skills.items()}
        | {k: str(v) for k, v in values.items()}
    )


def _mentions_queue(value: object, queue: str) -> bool:
    if isinstance(value, dict):
        return any(
            (key in ("queue", "fallback") and item == queue) or _mentions_queue(item, queue)
            for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return any(_mentions_queue(item, queue) for item in value)
    return False
