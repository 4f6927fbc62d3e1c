"""What the web app's routes share, built once in :func:`agent_desktop.app.create_app`.

Stored on ``app.state.desktop``; routes reach it through :func:`desktop_of`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from acd.errors import AcdError
from acd.model import AgentState
from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.sessions import SessionStore
from callcenter.app import routing_agent
from crm_core.routing_profiles import AgentProfile

if TYPE_CHECKING:
    from agent_desktop.auth.session_journal import SessionJournal
    from agent_desktop.hub import Hub
    from callcenter.app import Engine
    from callcenter.contact_center import ContactCenter


@dataclass
class DesktopState:
    engine: Engine
    sessions: SessionStore
    limiter: LoginRateLimiter
    clock: Callable[[], float]
    hub: Hub
    session_journal: SessionJournal
    # Extra origins allowed to open the WebSocket / post (besides the app's own host).
    allowed_origins: frozenset[str] = frozenset()
    cookie_secure: bool = False
    # Wrap-up dispositions offered to agents: code → sub-codes (a two-level list).
    dispositions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Agent id → skills used when the agent logs in from the desktop. Replaced at construction by
    # the engine's stored profiles (the database, seeded from the settings file), then kept in step
    # with ``agent_profiles`` by the admin page.
    agent_skills: dict[str, dict[str, int]] = field(default_factory=dict)
    demo_password: str | None = None
    # Agent id → routing profile (skills and capacity per channel) in force.
    agent_profiles: dict[str, AgentProfile] = field(default_factory=dict)
    # Serialises the admin's agent and queue changes, so the live router ends as the database does.
    routing_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.agent_skills.clear()
        for profile in self.engine.routing_profiles.agents:
            self.remember_agent(profile)

    def remember_agent(self, profile: AgentProfile) -> None:
        self.agent_profiles[profile.agent_id] = profile
        self.agent_skills[profile.agent_id] = dict(profile.skills)

    def forget_agent(self, agent_id: str) -> None:
        self.agent_profiles.pop(agent_id, None)
        self.agent_skills.pop(agent_id, None)

    async def agent_state(self, agent_id: str) -> AgentState:
        snapshot = await self.cc.snapshot()
        return next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)

    async def login_agent(self, agent_id: str, paused_reason: str | None = None) -> None:
        """Log the agent in to routing with its stored profile: skills and capacity per channel."""
        agent = routing_agent(self.agent_profiles.get(agent_id) or AgentProfile(agent_id))
        await self.cc.agent_login(agent_id, dict(agent.skills), paused_reason, capacity=agent.capacity)

    async def apply_agent_profile(self, agent_id: str) -> bool:
        """Give a logged-in idle agent its new profile now (the router takes a profile at login: out
        and in again, keeping a pause). False when the agent is not idle: the next login applies it."""
        snapshot = await self.cc.snapshot()
        state = next((a.state for a in snapshot.agents if a.agent_id == agent_id), AgentState.LOGGED_OUT)
        if state not in (AgentState.AVAILABLE, AgentState.PAUSED):
            return False
        reason = (
            (snapshot.pause_reasons.get(agent_id) or "supervisor") if state is AgentState.PAUSED else None
        )
        try:
            await self.cc.agent_logout(agent_id)
        except AcdError:
            return False  # an offer arrived since the snapshot: the agent keeps the old profile
        await self.login_agent(agent_id, reason)
        return True

    async def log_out_if_idle(self, agent_id: str) -> bool:
        """Take a deleted agent out of routing now unless they have work in hand."""
        if await self.agent_state(agent_id) is AgentState.LOGGED_OUT:
            return True
        try:
            await self.cc.agent_logout(agent_id)
        except AcdError:
            return False
        return True

    @property
    def cc(self) -> ContactCenter:
        return self.engine.contact_center

    @property
    def db(self) -> sessionmaker[Session]:
        return self.engine.contact_center.sessions


def desktop_of(holder: Any) -> DesktopState:
    """The shared state from a Request, a WebSocket, an ``app.state`` or the state itself."""
    if isinstance(holder, DesktopState):
        return holder
    app = getattr(holder, "app", None)
    state = getattr(app, "state", None) if app is not None else holder
    desktop = getattr(state, "desktop", None)
    if not isinstance(desktop, DesktopState):
        raise TypeError(f"no desktop state on {holder!r}")
    return desktop
