"""What the web app's routes share, built once by the composition root (:mod:`callcenter.composition`).

Stored on ``app.state.desktop``; routes reach it through :func:`desktop_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.session_journal import SessionJournal
from agent_desktop.auth.sessions import SessionStore
from agent_desktop.hub import Hub
from callcenter.contact_center import ContactCenter
from callcenter.email.desk import EmailDesk
from callcenter.fax.desk import FaxDesk
from callcenter.recording_desk import RecordingDesk
from callcenter.services import Services
from callcenter.settings import Settings


@dataclass
class DesktopState:
    services: Services
    cc: ContactCenter
    settings: Settings
    simulator_mode: bool
    sessions: SessionStore
    limiter: LoginRateLimiter
    clock: Callable[[], float]
    hub: Hub
    session_journal: SessionJournal
    # Extra origins allowed to open the WebSocket / post (besides the app's own host).
    allowed_origins: frozenset[str] = frozenset()
    cookie_secure: bool = False
    # The e-mail channel's desk (callcenter.email.desk); None while ``email.enabled`` is off.
    email: EmailDesk | None = None
    # Call recordings (callcenter.recording_desk); None in an app built without the engine's recorder.
    recordings: RecordingDesk | None = None
    fax: FaxDesk | None = None  # with ``fax.enabled`` (callcenter.fax.desk)

    @property
    def dispositions(self) -> dict[str, tuple[str, ...]]:
        """Wrap-up dispositions offered to agents: code → sub-codes (a two-level list)."""
        return dict(self.services.wrap_ups.dispositions)

    @property
    def agent_skills(self) -> dict[str, dict[str, int]]:
        """Agent id → skills of the routing profiles in force (the admin page keeps them)."""
        return self.services.routing.agent_skills

    async def login_agent(self, agent_id: str, paused_reason: str | None = None) -> None:
        """Log the agent in to routing with its stored profile: skills and capacity per channel."""
        await self.services.routing.login_agent(agent_id, paused_reason)

    @property
    def db(self) -> sessionmaker[Session]:
        return self.cc.sessions


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
