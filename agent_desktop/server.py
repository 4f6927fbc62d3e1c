"""The web app (foundation part): a live status page and a health check.

Only aggregate, masked data is served without sign-in: numbers of calls, queue lengths,
agent states, and recent interactions with caller numbers masked. The agent desktop and the
supervisor console (with sign-in and roles) build on this app.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent_desktop.auth.sessions import COOKIE_NAME
from agent_desktop.errors import ApiError, request_language
from agent_desktop.state import desktop_of
from callcenter.i18n import SUPPORTED_LANGUAGES, translate
from callcenter.services.status import EngineStatus


def mask_number(number: str) -> str:
    return "•" * max(len(number) - 4, 0) + number[-4:]


async def summary(status: EngineStatus) -> dict[str, Any]:
    data = await status.summary()
    return {
        "ami_connected": data.ami_connected,
        "calls_live": data.calls_live,
        "calls_queued": data.calls_queued,
        "agents": data.agents,
        "recent": [
            {
                "caller": mask_number(r.caller_number),
                "queue": r.queue or "",
                "agent": r.agent_id or "",
                "outcome": r.outcome,
                "talk_s": round(r.talk_s) if r.talk_s is not None else None,
            }
            for r in data.recent
        ],
    }


def add_status_routes(app: FastAPI, status: EngineStatus, public: bool) -> None:
    """``/healthz`` for everyone; the status page and its summary (agent ids, states, recent calls)
    for everyone in the demo only (``public``): a real deployment shows them to signed-in users."""

    def signed_in(request: Request) -> bool:
        return public or desktop_of(request).sessions.get(request.cookies.get(COOKIE_NAME)) is not None

    @app.get("/healthz")
    async def healthz() -> dict[str, object]:
        return {"status": "ok", "ami_connected": status.ami_connected()}

    @app.get("/api/public/summary")
    async def public_summary(request: Request) -> dict[str, Any]:
        if not signed_in(request):
            raise ApiError(401, "auth.not_signed_in", request_language(request))
        return await summary(status)

    @app.get("/", response_class=HTMLResponse, response_model=None)
    async def status_page(request: Request, lang: str = Query("en")) -> str | RedirectResponse:
        if not signed_in(request):
            return RedirectResponse("/login", status_code=303)
        language = lang if lang in SUPPORTED_LANGUAGES else "en"
        return _render(await summary(status), language)


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
