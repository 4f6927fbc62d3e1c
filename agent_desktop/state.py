"""What the web app's routes share, built once in :func:`agent_desktop.app.create_app`.

Stored on ``app.state.desktop``; routes reach it through :func:`desktop_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.sessions import SessionStore

if TYPE_CHECKING:
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
    # Extra origins allowed to open the WebSocket / post (besides the app's own host).
    allowed_origins: frozenset[str] = frozenset()
    cookie_secure: bool = False
    # Wrap-up dispositions offered to agents: code → sub-codes (a two-level list).
    dispositions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Agent id → skills used when the agent logs in from the desktop (settings, then admin changes).
    agent_skills: dict[str, dict[str, int]] = field(default_factory=dict)
    demo_password: str | None = None

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
