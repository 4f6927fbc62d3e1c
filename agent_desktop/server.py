"""The web app (foundation part): a live status page and a health check.

Only aggregate, masked data is served without sign-in: numbers of calls, queue lengths,
agent states, and recent interactions with caller numbers masked. The agent desktop and the
supervisor console (with sign-in and roles) build on this app.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.errors import ApiError, request_language
from agent_desktop.runner import uvicorn_config
from agent_desktop.state import desktop_of
from callcenter.heap import freeze_startup_heap
from callcenter.i18n import SUPPORTED_LANGUAGES, translate

if TYPE_CHECKING:
    from callcenter.app import Engine
    from callcenter.settings import Settings

log = logging.getLogger(__name__)


def mask_number(number: str) -> str:
    return "•" * max(len(number) - 4, 0) + number[-4:]


async def summary(engine: Engine) -> dict[str, Any]:
    calls = engine.calls.calls.live()
    snapshot = await engine.router.snapshot()
    recent = list(engine.calls.recent)
    return {
        "ami_connected": engine.ami.connected,
        "calls_live": len(calls),
        "calls_queued": sum(1 for c in calls if c.phase.value == "queued"),
        "agents": {a.agent_id: a.state.value for a in snapshot.agents},
        "recent": [
            {
                "caller": mask_number(r.caller_number),
                "queue": r.queue or "",
                "agent": r.agent_id or "",
                "outcome": r.outcome,
                "talk_s": round(r.ended_at - r.answered_at) if r.answered_at else None,
            }
            for r in recent
        ],
    }


def create_app(engine: Engine) -> FastAPI:
    """The whole web app (status page, desktop, console, admin) around a started engine, with the
    web security of its ``web.*`` settings."""
    from agent_desktop.app import create_desktop_app

    web = engine.settings.web
    return create_desktop_app(
        engine,
        idle_timeout_s=web.session_idle_minutes * 60,
        absolute_timeout_s=web.session_absolute_hours * 3600,
        allowed_origins=frozenset(web.allowed_origins),
        cookie_secure=web.cookie_secure,
    )


def add_status_routes(app: FastAPI, engine: Engine) -> None:
    """``/healthz`` for everyone; the status page and its summary (agent ids, states, recent calls)
    for everyone in the demo only: a real deployment shows them to signed-in users."""

    def signed_in(request: Request) -> bool:
        return (
            engine.simulator_mode
            or desktop_of(request).sessions.get(request.cookies.get(COOKIE_NAME)) is not None
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, object]:
        return {"status": "ok", "ami_connected": engine.ami.connected}

    @app.get("/api/public/summary")
    async def public_summary(request: Request) -> dict[str, Any]:
        if not signed_in(request):
            raise ApiError(401, "auth.not_signed_in", request_language(request))
        return await summary(engine)

    @app.get("/", response_class=HTMLResponse, response_model=None)
    async def status_page(request: Request, lang: str = Query("en")) -> str | RedirectResponse:
        if not signed_in(request):
            return RedirectResponse("/login", status_code=303)
        language = lang if lang in SUPPORTED_LANGUAGES else "en"
        return _render(await summary(engine), language)


_OUTCOMES = ("answered", "abandoned", "failed", "ended_in_ivr", "voicemail", "transferred")


def _row(r: dict[str, Any], t: Callable[[str], str]) -> str:
    outcome = t(f"outcome.{r['outcome']}") if r["outcome"] in _OUTCOMES else html.escape(r["outcome"])
    cells = [html.escape(str(r[k])) for k in ("caller", "queue", "agent")]
    cells += ["" if r["talk_s"] is None else str(r["talk_s"]), outcome]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _render(data: dict[str, Any], lang: str) -> str:
    def t(code: str) -> str:
        return html.escape(translate(code, lang))

    ami_state = t("state.connected" if data["ami_connected"] else "state.disconnected")
    agents = "".join(
        f"<li>{html.escape(agent)}: {html.escape(state)}</li>" for agent, state in data["agents"].items()
    )
    rows = "".join(_row(r, t) for r in data["recent"])
    headers = "".join(
        f"<th>{t('demo.col.' + c)}</th>" for c in ("caller", "queue", "agent", "talk", "outcome")
    )
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><title>{t("app.title")}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em .8em;text-align:left}}</style></head>
<body><h1>{t("demo.heading")}</h1>
<p><a href="?lang=en">English</a> · <a href="?lang=zh_CN">中文</a> ·
<a href="/login">{t("ui.sign_in")}</a></p>
<p>{t("demo.ami")}: <b id="ami">{ami_state}</b></p>
<p>{t("demo.calls_live")}: <b id="live">{data["calls_live"]}</b> ·
{t("demo.calls_queued")}: <b id="queued">{data["calls_queued"]}</b></p>
<h2>{t("demo.agents")}</h2><ul id="agents">{agents}</ul>
<h2>{t("demo.interactions")}</h2>
<table id="recent"><tr>{headers}</tr>{rows}</table></body></html>"""


def web_server(engine: Engine) -> uvicorn.Server:
    """The uvicorn server ``callcenter serve`` / ``demo`` run: the whole app on ``web.*``."""
    web = engine.settings.web
    return uvicorn.Server(uvicorn_config(create_app(engine), web.host, web.port, web.trusted_proxies))


async def serve_web(engine: Engine, settings: Settings) -> None:
    server = web_server(engine)
    url = f"http://{settings.web.host}:{settings.web.port}/"
    print(f"\n  Contact center {'demo ' if engine.simulator_mode else ''}running. Open {url}\n", flush=True)
    if engine.simulator_mode:
        from agent_desktop.auth.seed import demo_accounts, seed_demo_users

        password = await asyncio.to_thread(seed_demo_users, engine.contact_center.sessions, settings)
        if password is not None:
            # Printed once on the console, never logged; set CC_DEMO_PASSWORD to choose it.
            names = ", ".join(name for name, *_ in demo_accounts(settings))
            print(f"  Demo sign-in at {url}login: {names}; password: {password}\n", flush=True)
    else:
        from agent_desktop.auth.seed import first_user_hint

        hint = await asyncio.to_thread(first_user_hint, engine.contact_center.sessions)
        if hint is not None:
            log.warning("no web user exists yet; create one with: callcenter users create")
            print(f"  {hint}\n", flush=True)
    freeze_startup_heap()
    await asyncio.shield(server.serve())
