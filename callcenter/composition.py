"""The composition root: the engine, the use cases and the web app, built once and wired here.

This is the one module of ``callcenter`` that imports ``agent_desktop`` (the web adapter): it wires
the web app to the engine. ``callcenter serve`` and ``demo`` run :func:`run_server`; the tests and
the bench build the same app with :func:`web_app`. Nothing else in ``callcenter`` may import
``agent_desktop`` (``tests/unit/test_layers.py`` checks it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from agent_desktop.app import FlowEditor, create_desktop_app
from agent_desktop.auth.ratelimit import LoginRateLimiter
from agent_desktop.auth.seed import demo_accounts, first_user_hint, seed_demo_users
from agent_desktop.auth.session_journal import SessionJournal
from agent_desktop.auth.sessions import AccountSessions, SessionStore
from agent_desktop.hub import Hub
from agent_desktop.ivr_editor import EditorContext
from agent_desktop.runner import uvicorn_config
from agent_desktop.state import DesktopState
from callcenter.app import Engine
from callcenter.conversations.dispositions import DispositionRules
from callcenter.heap import freeze_startup_heap
from callcenter.routing_config import channel_levels
from callcenter.services import Services
from callcenter.services.accounts import Accounts, SignInLimits, UserSessions
from callcenter.services.callbacks import CallbackDesk
from callcenter.services.routing_admin import RoutingAdmin, RoutingNames
from callcenter.services.status import EngineStatus
from callcenter.services.supervision import SupervisorDesk
from callcenter.services.wrap_up import DEFAULT_DISPOSITIONS, QueueRules, WrapUps
from callcenter.settings import Settings

log = logging.getLogger(__name__)


def build_services(
    engine: Engine, now: Callable[[], float], limits: SignInLimits, sessions: UserSessions
) -> Services:
    """The use cases over a started engine."""
    s, cc = engine.settings, engine.contact_center
    db = cc.sessions
    names = RoutingNames(engine.known_queues, engine.known_skills)  # the engine's live sets
    levels = channel_levels(s)  # each queue's chat / e-mail service level thresholds
    routing = RoutingAdmin(db, cc, now, names, engine.routing_profiles.agents, engine.flows, levels)
    rules = QueueRules(
        known=engine.known_queues,
        configured=[q.name for q in s.queues],
        outbound=s.dialplan.outbound_queue,
        disposition_required={q.name: q.disposition_required for q in s.queues},
    )
    wrap_ups = WrapUps(db, cc, engine.callbacks, now, dict(DEFAULT_DISPOSITIONS), rules)
    # A chat's or e-mail's wrap-up follows the call's rules in the same queue.
    engine.conversations.set_disposition_rules(
        DispositionRules(wrap_ups.dispositions, rules.disposition_required)
    )
    return Services(
        routing=routing,
        wrap_ups=wrap_ups,
        callbacks=CallbackDesk(db, engine.callbacks, now),
        supervision=SupervisorDesk(db, cc, routing, now, s.dialplan.outbound_queue),
        accounts=Accounts(db, now, limits, sessions),
        status=EngineStatus(cc, engine.calls, lambda: engine.ami.connected),
        conversations=engine.conversations,
    )


def _flow_editor(engine: Engine) -> FlowEditor | None:
    if engine.flows is None:  # the versioned flow repository (settings.ivr.use_flows)
        return None
    queues = engine.settings.queues
    context = EditorContext(default_queue=queues[0].name if queues else "general", crm=engine.flow_crm)
    return engine.flows, context


def web_app(
    engine: Engine,
    *,
    clock: Callable[[], float] = time.time,
    idle_timeout_s: float | None = None,
    absolute_timeout_s: float | None = None,
    login_limits: tuple[int, int, float] = (5, 20, 300.0),
    wallboard_interval_s: float = 0.25,
) -> FastAPI:
    """The whole web app (status page, desktop, console, admin) around a started engine, with the
    web security of its ``web.*`` settings (the session timeouts can be overridden)."""
    web = engine.settings.web
    journal = SessionJournal(engine.contact_center.sessions)
    sessions = SessionStore(
        clock,
        web.session_idle_minutes * 60 if idle_timeout_s is None else idle_timeout_s,
        web.session_absolute_hours * 3600 if absolute_timeout_s is None else absolute_timeout_s,
        listener=journal.record,
    )
    journal.restore(sessions)
    hub = Hub(engine.contact_center, wallboard_interval_s)
    # The demo's simulated agents leave alone an agent a person is signed in as, or has a desktop open for.
    engine.people_at_desks = lambda agent_id: sessions.has_agent(agent_id) or any(
        c.user.agent_id == agent_id for c in hub.connections
    )
    per_user, per_ip, window = login_limits
    limiter = LoginRateLimiter(clock, per_user, per_ip, window)
    desktop = DesktopState(
        services=build_services(engine, clock, limiter, AccountSessions(sessions)),
        cc=engine.contact_center,
        settings=engine.settings,
        simulator_mode=engine.simulator_mode,
        sessions=sessions,
        limiter=limiter,
        clock=clock,
        hub=hub,
        session_journal=journal,
        allowed_origins=frozenset(web.allowed_origins),
        cookie_secure=web.cookie_secure,
        email=engine.email.desk if engine.email is not None else None,
        recordings=engine.recorder.desk,
        fax=engine.fax.desk if engine.fax is not None else None,
    )
    return create_desktop_app(desktop, _flow_editor(engine))


def web_server(engine: Engine) -> uvicorn.Server:
    """The uvicorn server ``callcenter serve`` / ``demo`` run: the whole app on ``web.*``."""
    web = engine.settings.web
    return uvicorn.Server(uvicorn_config(web_app(engine), web.host, web.port, web.trusted_proxies))


async def _print_first_sign_in(engine: Engine, settings: Settings, url: str) -> None:
    db = engine.contact_center.sessions
    if engine.simulator_mode:
        password = await asyncio.to_thread(seed_demo_users, db, settings)
        if password is not None:
            # Printed once on the console, never logged; set CC_DEMO_PASSWORD to choose it.
            names = ", ".join(name for name, *_ in demo_accounts(settings))
            print(f"  Demo sign-in at {url}login: {names}; password: {password}\n", flush=True)
        return
    hint = await asyncio.to_thread(first_user_hint, db)
    if hint is not None:
        log.warning("no web user exists yet; create one with: callcenter users create")
        print(f"  {hint}\n", flush=True)


async def serve_web(engine: Engine, settings: Settings) -> None:
    server = web_server(engine)
    url = f"http://{settings.web.host}:{settings.web.port}/"
    print(f"\n  Contact center {'demo ' if engine.simulator_mode else ''}running. Open {url}\n", flush=True)
    await _print_first_sign_in(engine, settings, url)
    freeze_startup_heap()
    await asyncio.shield(server.serve())


async def run_server(settings: Settings, simulator: bool) -> None:
    """Run until interrupted: the engine plus the web app on ``settings.web``."""
    engine = Engine(settings, simulator)
    await engine.start()
    if simulator:  # the demo's simulated agents start at their desks, the first time only
        await engine.sign_in(sorted(engine.unseen_agents))
        engine.start_demo_conversations()
    try:
        await serve_web(engine, settings)
    finally:
        await engine.stop()
