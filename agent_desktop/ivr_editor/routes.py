"""The IVR flow editor's API (``/api/ivr``) and page (``/admin/ivr``).

Admins and supervisors may look at flows, validate text and dry-run it; only admins save, publish
and roll back. Every publish and roll-back is written to the audit trail with the author and time
(the repository keeps its own record too). Errors answer ``{"code", "message"}`` translated into
the user's language; a refused flow adds ``issues``.

Mounted by the composition root::

    app.include_router(make_router(engine.flows, EditorContext(clock=...)))
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from agent_desktop.auth.deps import CurrentUser, audit_async
from agent_desktop.errors import translate_code
from agent_desktop.ivr_editor import page
from agent_desktop.ivr_editor.access import Admin, Viewer
from agent_desktop.ivr_editor.drawing import flow_drawing
from agent_desktop.ivr_editor.errors import EditorError, status_of
from agent_desktop.ivr_editor.node_form import apply_node_fields, node_fields
from ivr_flows.dry_run import DryRunReport, describe, dry_run, format_report
from ivr_flows.errors import FlowSchemaError, InvalidFlow, IvrError, UnknownFlow
from ivr_flows.issues import ValidationIssue
from ivr_flows.loader import parse_flow_yaml
from ivr_flows.ports import CrmLookup, PromptStore
from ivr_flows.schema import FLOW_NAME_PATTERN, Flow
from ivr_flows.store import AuditEntry, FileFlowRepository, FlowVersion

AuditWriter = Callable[[Any, CurrentUser, str, str, Mapping[str, str]], Awaitable[None]]
MAX_YAML = 200_000


@dataclass(frozen=True, slots=True)
class EditorContext:
    """What dry runs need besides the repository (validation uses the repository's own check)."""

    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # "now" for a dry run without ``at``
    crm: CrmLookup | None = None  # None: dry runs look customers up in ``customers``
    customers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    prompts: PromptStore | None = None  # None: every prompt exists, TTS is not run
    speech_available: bool = False
    default_queue: str = "general"


class YamlText(BaseModel):
    yaml: str = Field(max_length=MAX_YAML)


class NewVersion(YamlText):
    comment: str = Field("", max_length=500)


class NodeRef(YamlText):
    node: str = Field(min_length=1, max_length=100)


class NodeEdit(NodeRef):
    fields: dict[str, str]


class PublishRequest(BaseModel):
    version: int = Field(ge=1)


class DryRunRequest(BaseModel):
    caller: str = Field("4155550100", pattern=r"^\+?[0-9]{1,20}$")
    digits: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=50)
    at: datetime | None = None
    language: Literal["en", "zh_CN"] = "en"  # the IVR's languages
    version: int | None = Field(None, ge=1)
    yaml: str | None = Field(None, max_length=MAX_YAML)  # the text being edited, instead of a version


def issue_json(issue: ValidationIssue, language: str) -> dict[str, Any]:
    return {
        "level": issue.level,
        "code": issue.code,
        "title": translate_code(issue.code, language),
        "message": issue.message,
        "flow": issue.flow,
        "node": issue.node,
        "field": issue.field,
    }


def version_json(v: FlowVersion, published: int | None) -> dict[str, Any]:
    return {
        "flow": v.flow,
        "version": v.number,
        "author": v.author,
        "created_at": v.created_at.isoformat(),
        "comment": v.comment,
        "published": v.number == published,
    }


def audit_json(a: AuditEntry) -> dict[str, Any]:
    return {**asdict(a), "at": a.at.isoformat()}


def error_response(exc: IvrError | EditorError, language: str) -> JSONResponse:
    body: dict[str, Any] = {"code": exc.code, "message": translate_code(exc.code, language, exc.params)}
    if isinstance(exc, InvalidFlow | FlowSchemaError):
        body["issues"] = [issue_json(i, language) for i in exc.issues]
    return JSONResponse(body, status_of(exc))


def make_router(
    repo: FileFlowRepository, context: EditorContext, *, audit: AuditWriter = audit_async
) -> APIRouter:
    api = APIRouter(prefix="/api/ivr")
    _add_reading_routes(api, repo)
    _add_text_routes(api, repo)
    _add_publishing_routes(api, repo, audit)
    _add_dry_run_route(api, repo, context)
    router = APIRouter()
    router.include_router(api)
    router.include_router(page.router)
    return router


def _known(flow: str) -> None:
    """Only names a flow can have reach the repository (no ``..`` into the file system)."""
    if not re.fullmatch(FLOW_NAME_PATTERN, flow):
        raise UnknownFlow(flow=flow)


def _published_number(repo: FileFlowRepository, flow: str) -> int | None:
    current = repo.published(flow)
    return current.number if current else None


def _others(repo: FileFlowRepository, name: str) -> dict[str, Flow]:
    """The other flows as a subflow call would reach them: published, else the latest save."""
    out: dict[str, Flow] = {}
    for other in repo.flow_names():
        if other != name:
            number = _published_number(repo, other) or len(repo.history(other))
            out[other] = repo.load(other, number)
    return out


def _check_text(repo: FileFlowRepository, text: str) -> tuple[Flow | None, list[ValidationIssue]]:
    try:
        flow = parse_flow_yaml(text)
    except FlowSchemaError as exc:
        return None, list(exc.issues)
    return flow, repo.check(flow, _others(repo, flow.name))


def _add_reading_routes(api: APIRouter, repo: FileFlowRepository) -> None:
    """The flow list, one version, a flow's history and the diff of two versions (admin or supervisor)."""

    @api.get("/flows", response_model=None)
    async def list_flows(user: Viewer) -> Response:
        rows = []
        for name in repo.flow_names():
            history = repo.history(name)
            latest = repo.load(name, history[-1].number)
            rows.append(
                {
                    "name": name,
                    "description": latest.description,
                    "numbers": list(latest.numbers),
                    "published": _published_number(repo, name),
                    "latest": history[-1].number,
                }
            )
        return JSONResponse(rows)

    @api.get("/flows/{flow}/versions/{version}", response_model=None)
    async def get_version(flow: str, version: int, user: Viewer) -> Response:
        try:
            _known(flow)
            v = repo.version(flow, version)
            drawing = flow_drawing(repo.load(flow, version))
            published = _published_number(repo, flow)
        except IvrError as exc:
            return error_response(exc, user.language)
        return JSONResponse({**version_json(v, published), "yaml": v.content, "graph": drawing})

    @api.get("/flows/{flow}/history", response_model=None)
    async def history(flow: str, user: Viewer) -> Response:
        try:
            _known(flow)
            published = _published_number(repo, flow)
            versions = [version_json(v, published) for v in repo.history(flow)]
            audit_trail = [audit_json(a) for a in repo.audit(flow)]
        except IvrError as exc:
            return error_response(exc, user.language)
        return JSONResponse(
            {"flow": flow, "published": published, "versions": versions, "audit": audit_trail}
        )

    @api.get("/flows/{flow}/diff", response_model=None)
    async def diff(flow: str, v1: int, v2: int, user: Viewer) -> Response:
        try:
            _known(flow)
            text = repo.diff(flow, v1, v2)
        except IvrError as exc:
            return error_response(exc, user.language)
        return JSONResponse({"flow": flow, "from": v1, "to": v2, "diff": text})


def _add_text_routes(api: APIRouter, repo: FileFlowRepository) -> None:
    """Checks and form edits of the text being edited; nothing is stored (admin or supervisor)."""

    @api.post("/validate", response_model=None)
    async def validate_text(body: YamlText, user: Viewer) -> Response:
        flow, issues = _check_text(repo, body.yaml)
        return JSONResponse(
            {
                "flow": flow.name if flow else None,
                "valid": not any(i.level == "error" for i in issues),
                "issues": [issue_json(i, user.language) for i in issues],
                "graph": flow_drawing(flow) if flow else None,
            }
        )

    @api.post("/node-form", response_model=None)
    async def node_form(body: NodeRef, user: Viewer) -> Response:
        try:
            return JSONResponse(node_fields(body.yaml, body.node))
        except EditorError as exc:
            return error_response(exc, user.language)

    @api.post("/node-apply", response_model=None)
    async def node_apply(body: NodeEdit, user: Viewer) -> Response:
        try:
            return JSONResponse({"yaml": apply_node_fields(body.yaml, body.node, body.fields)})
        except EditorError as exc:
            return error_response(exc, user.language)


def _add_publishing_routes(api: APIRouter, repo: FileFlowRepository, audit: AuditWriter) -> None:
    """Save, publish and roll back (admin only); publish and roll-back go to the audit trail."""

    @api.post("/flows", response_model=None)
    async def save(body: NewVersion, user: Admin) -> Response:
        try:
            v = await asyncio.to_thread(repo.save, body.yaml, user.username, body.comment)
        except IvrError as exc:
            return error_response(exc, user.language)
        return JSONResponse(version_json(v, _published_number(repo, v.flow)), 201)

    @api.post("/flows/{flow}/publish", response_model=None)
    async def publish(flow: str, body: PublishRequest, request: Request, user: Admin) -> Response:
        try:
            _known(flow)
            entry = await asyncio.to_thread(repo.publish, flow, body.version, user.username)
        except IvrError as exc:
            return error_response(exc, user.language)
        await audit(request, user, "ivr.publish", f"flow:{flow}", _audit_details(entry))
        return JSONResponse(audit_json(entry))

    @api.post("/flows/{flow}/rollback", response_model=None)
    async def rollback(flow: str, request: Request, user: Admin) -> Response:
        try:
            _known(flow)
            entry = await asyncio.to_thread(repo.rollback, flow, user.username)
        except IvrError as exc:
            return error_response(exc, user.language)
        await audit(request, user, "ivr.rollback", f"flow:{flow}", _audit_details(entry))
        return JSONResponse(audit_json(entry))


def _add_dry_run_route(api: APIRouter, repo: FileFlowRepository, context: EditorContext) -> None:
    @api.post("/flows/{flow}/dry-run", response_model=None)
    async def run_dry(flow: str, body: DryRunRequest, user: Viewer) -> Response:
        now = body.at or context.clock()
        if now.tzinfo is None:
            return error_response(EditorError("ivr_editor.time_without_zone"), user.language)
        try:
            _known(flow)
            if body.yaml is not None:
                subject = parse_flow_yaml(body.yaml)
            else:
                number = body.version or _published_number(repo, flow) or len(repo.history(flow))
                subject = repo.load(flow, number)
            report = await dry_run(
                subject,
                body.caller,
                body.digits,
                now=now,
                other_flows=_others(repo, subject.name),
                customers=context.customers,
                crm=context.crm,
                prompts=context.prompts,
                speech_available=context.speech_available,
                language=body.language,
                default_queue=context.default_queue,
            )
        except IvrError as exc:
            return error_response(exc, user.language)
        return JSONResponse(_dry_run_json(report, now))


def _dry_run_json(report: DryRunReport, now: datetime) -> dict[str, Any]:
    out = report.outcome
    return {
        "flow": report.flow,
        "at": now.isoformat(),
        "result": describe(out.action),
        "action": type(out.action).__name__.lower(),
        "path": list(out.path),
        "prompts": list(out.prompts),
        "digits": list(out.digits),
        "variables": dict(out.variables),
        "channel_variables": dict(report.channel_variables),
        "unused_digits": list(report.unused_digits),
        "errors": [
            {"flow": e.flow, "node": e.node, "code": e.code, "message": e.message} for e in out.errors
        ],
        "report": format_report(report),
    }


def _audit_details(entry: AuditEntry) -> dict[str, str]:
    return {
        "flow": entry.flow,
        "version": str(entry.version),
        "previous": "" if entry.previous is None else str(entry.previous),
        "at": entry.at.isoformat(),
    }
