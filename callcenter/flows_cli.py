"""``callcenter flows ...``: dry-run and validate IVR flows from the command line."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import make_url

from callcenter.calls.ivr_adapters import CrmFlowLookup
from callcenter.errors import ConfigError
from callcenter.settings import Settings, load_settings
from crm_core.db import make_engine, make_session_factory
from ivr_flows.dry_run import EveryPrompt, dry_run, format_report
from ivr_flows.errors import IvrError
from ivr_flows.loader import SHIPPED_FLOWS, load_flow_files, parse_flow_yaml
from ivr_flows.ports import CrmLookup
from ivr_flows.validation import validate

flows_app = typer.Typer(help="IVR flows: dry runs and validation.", no_args_is_help=True)

CALLER_NUMBER = re.compile(r"\+?[0-9]{1,20}")
IVR_LANGUAGES = ("en", "zh_CN")
FlowsDir = Annotated[Path, typer.Option("--dir", help="Directory of flow YAML files.")]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _caller_number(value: str) -> str:
    if not CALLER_NUMBER.fullmatch(value):
        raise typer.BadParameter(f"{value!r} is not a phone number (digits, optionally after a +)")
    return value


def _ivr_language(value: str) -> str:
    if value not in IVR_LANGUAGES:
        raise typer.BadParameter(f"{value!r} is not a language of the IVR (use {' or '.join(IVR_LANGUAGES)})")
    return value


def _crm_of(url: str | None, region: str) -> tuple[CrmLookup | None, Callable[[], None]]:
    """The site's CRM as the IVR sees it, or none; and how to close it."""
    if url is None:
        return None, lambda: None
    engine = make_engine(url)
    return CrmFlowLookup(make_session_factory(engine), region), engine.dispose


async def _checked_lookup(crm: CrmLookup, caller: str, url: str) -> str:
    try:
        found = await crm.lookup("caller_number", caller)
    except IvrError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        typer.echo(f"error: cannot read the CRM at {shown} ({exc}); check --db", err=True)
        raise typer.Exit(2) from exc
    if found is None:
        return "not a customer"
    return f"{found['customer_name']} (customer {found['customer_id']}, tier {found['value_tier']})"


@flows_app.command("test")
def dry_run_flow(
    flow: Annotated[str, typer.Argument(help="Flow name (e.g. main)")],
    caller: Annotated[str, typer.Option(help="Caller number", callback=_caller_number)] = "4155550100",
    digits: Annotated[str, typer.Option(help="Digits pressed, comma separated; empty = timeout")] = "",
    at: Annotated[str | None, typer.Option(help="ISO time with zone, e.g. 2026-11-23T10:00+08:00")] = None,
    language: Annotated[str, typer.Option(help="Caller language (en, zh_CN)", callback=_ivr_language)] = "en",
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="CC_DATABASE__URL",
            help="The CRM to recognise the caller in (e.g. sqlite:///var/callcenter.sqlite3); "
            "without it every caller is unknown.",
        ),
    ] = None,
    region: Annotated[
        str, typer.Option(envvar="CC_DEFAULT_REGION", help="Region of national numbers in the CRM")
    ] = "US",
    directory: FlowsDir = SHIPPED_FLOWS,
) -> None:
    """Run a flow against a scripted caller; print the path, prompts and variables."""
    flows = load_flow_files(directory)
    if flow not in flows:
        typer.echo(f"error: no flow {flow!r} in {directory} (have: {', '.join(sorted(flows))})", err=True)
        raise typer.Exit(2)
    try:
        now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError as exc:
        raise typer.BadParameter(f"{at!r} is not an ISO time such as 2026-11-23T10:00+08:00") from exc
    if now.tzinfo is None:
        raise typer.BadParameter("--at needs a time zone, e.g. 2026-11-23T10:00+08:00")
    pressed = digits.split(",") if digits else []
    crm, close = _crm_of(db, region)

    async def run() -> tuple[str, str]:
        known = (
            "not looked up (give --db)"
            if crm is None or db is None
            else await _checked_lookup(crm, caller, db)
        )
        report = await dry_run(
            flows[flow], caller, pressed, now=now, other_flows=flows, language=language, crm=crm
        )
        return known, format_report(report)

    try:
        known, report = asyncio.run(run())
    finally:
        close()
    typer.echo(f"CRM: {known}")
    typer.echo(report)


@flows_app.command("validate")
def validate_flows(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Flow files (default: the shipped flows)")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", envvar="CC_CONFIG")] = None,
) -> None:
    """Check flows against this site's queues and skills; exit 1 when any has an error."""
    settings = _settings(config)
    queues = {q.name for q in settings.queues}
    skills = {k for a in settings.agents for k in a.skills} | {k for q in settings.queues for k in q.skills}
    paths = files or sorted(SHIPPED_FLOWS.glob("*.yaml"))
    others = {}
    for path in paths:
        try:
            parsed = parse_flow_yaml(path.read_text(encoding="utf-8"))
            others[parsed.name] = parsed
        except IvrError:
            pass  # reported below, file by file
    errors = 0
    for path in paths:
        issues = validate(path.read_text(encoding="utf-8"), queues, skills, EveryPrompt(), False, others)
        for issue in issues:
            where = ".".join(part for part in (issue.flow, issue.node, issue.field) if part)
            typer.echo(f"{path.name}: {issue.level}: {where}: {issue.message} [{issue.code}]")
            errors += issue.level == "error"
        if not issues:
            typer.echo(f"{path.name}: ok")
    if errors:
        raise typer.Exit(1)
