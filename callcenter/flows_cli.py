"""``callcenter flows ...``: dry-run and validate IVR flows from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from callcenter.errors import ConfigError
from callcenter.settings import Settings, load_settings
from ivr_flows.dry_run import EveryPrompt, dry_run, format_report
from ivr_flows.errors import IvrError
from ivr_flows.loader import SHIPPED_FLOWS, load_flow_files, parse_flow_yaml
from ivr_flows.validation import validate

flows_app = typer.Typer(help="IVR flows: dry runs and validation.", no_args_is_help=True)

FlowsDir = Annotated[Path, typer.Option("--dir", help="Directory of flow YAML files.")]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@flows_app.command("test")
def dry_run_flow(
    flow: Annotated[str, typer.Argument(help="Flow name (e.g. main)")],
    caller: Annotated[str, typer.Option(help="Caller number")] = "4155550100",
    digits: Annotated[str, typer.Option(help="Digits pressed, comma separated; empty = timeout")] = "",
    at: Annotated[str | None, typer.Option(help="ISO time with zone, e.g. 2026-11-23T10:00+08:00")] = None,
    language: Annotated[str, typer.Option(help="Caller language (en, zh_CN)")] = "en",
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
    report = asyncio.run(dry_run(flows[flow], caller, pressed, now=now, other_flows=flows, language=language))
    typer.echo(format_report(report))


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
