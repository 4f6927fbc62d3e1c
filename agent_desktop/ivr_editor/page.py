"""The editor page: server-rendered HTML in the user's language, drawn and driven by ``ivr_editor.js``.

No inline script or style (the app's Content-Security-Policy is ``default-src 'self'``): the texts
the script needs travel in the ``data-texts`` attribute of ``<body>``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from agent_desktop.auth.deps import CurrentUser
from agent_desktop.ivr_editor.access import PageViewer
from callcenter.i18n import SUPPORTED_LANGUAGES, catalogue, translate

STATIC: Final = Path(__file__).resolve().parent / "static"
ASSETS: Final = frozenset({"ivr_editor.js", "ivr_editor.css"})
HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


router = APIRouter()


@router.get("/admin/ivr", response_model=None)
async def editor_page(user: PageViewer) -> Response:
    if user is None:
        return RedirectResponse("/login", 303)
    return HTMLResponse(render(user), headers=HEADERS)


@router.get("/admin/ivr/static/{name}", response_model=None)
async def asset(name: str) -> Response:
    if name not in ASSETS:
        return JSONResponse({"code": "desktop.not_found", "message": "not found"}, 404)
    return FileResponse(STATIC / name, headers={"X-Content-Type-Options": "nosniff"})


def render(user: CurrentUser) -> str:
    lang = user.language if user.language in SUPPORTED_LANGUAGES else "en"
    texts = catalogue(lang, "ui.ivr.")

    def t(code: str) -> str:
        return html.escape(translate(code, lang))

    admin = user.role == "admin"
    admin_buttons = (
        f"""<label>{t("ui.ivr.comment")} <input id="comment" size="24"></label>
<button id="save" type="button">{t("ui.ivr.save")}</button>
<button id="publish" type="button">{t("ui.ivr.publish")}</button>
<button id="rollback" type="button">{t("ui.ivr.rollback")}</button>"""
        if admin
        else f'<p class="note" id="read-only">{t("ui.ivr.read_only")}</p>'
    )
    data = html.escape(json.dumps(texts, ensure_ascii=False), quote=True)
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh_CN" else "en"}"><head><meta charset="utf-8">
<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">
<title>{t("ui.ivr.title")}</title>
<link rel="stylesheet" href="/admin/ivr/static/ivr_editor.css">
<script src="/static/common.js" defer></script>
<script src="/admin/ivr/static/ivr_editor.js" defer></script></head>
<body data-texts="{data}" data-role="{html.escape(user.role)}" data-lang="{lang}"
 data-timezone="{html.escape(user.timezone, quote=True)}">
<header><h1>{t("ui.ivr.title")}</h1>
<label>{t("ui.ivr.flow")} <select id="flow"></select></label>
<label>{t("ui.ivr.version")} <select id="version"></select></label>
<span id="dirty" hidden>{t("ui.ivr.unsaved")}</span>
<span class="who">{html.escape(user.username)}</span>
<a href="/{"admin" if admin else "supervisor"}">{t("ui.ivr.back")}</a></header>
<p id="status" role="status"></p>
<main>
<section id="graph-pane"><h2>{t("ui.ivr.graph")}</h2><div id="graph"></div></section>
<section id="side">
<h2>{t("ui.ivr.node")} <span id="node-name"></span></h2>
<form id="node-form"><p class="note">{t("ui.ivr.node_hint")}</p></form>
<h2>{t("ui.ivr.yaml")}</h2>
<textarea id="yaml" spellcheck="false" rows="18"></textarea>
<div class="actions"><button id="validate" type="button">{t("ui.ivr.validate")}</button>
{admin_buttons}</div>
<h2>{t("ui.ivr.issues")}</h2><ul id="issues"></ul>
<h2>{t("ui.ivr.dry_run")}</h2>
<div class="dry"><label>{t("ui.ivr.caller")} <input id="dry-caller" value="4155550100"></label>
<label>{t("ui.ivr.digits")} <input id="dry-digits"></label>
<label>{t("ui.ivr.at")} <input id="dry-at" placeholder="2026-11-23T10:00+08:00"></label>
<button id="dry-run" type="button">{t("ui.ivr.run")}</button></div>
<div id="dry-result"></div>
<h2>{t("ui.ivr.history")}</h2>
<table id="history"><thead><tr><th>{t("ui.ivr.version")}</th><th>{t("ui.ivr.author")}</th>
<th>{t("ui.ivr.created")}</th><th>{t("ui.ivr.comment")}</th><th></th></tr></thead><tbody></tbody></table>
<h3>{t("ui.ivr.audit")}</h3><ul id="audit"></ul>
<pre id="diff"></pre>
</section></main></body></html>"""
