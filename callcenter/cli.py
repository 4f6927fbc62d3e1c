"""The ``callcenter`` command line: ``serve``, ``demo``, ``check-config`` (room for more)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer

from callcenter.crm_cli import crm_app
from callcenter.errors import ConfigError
from callcenter.flows_cli import flows_app
from callcenter.logging_setup import configure_logging
from callcenter.settings import DialplanSettings, Settings, load_settings
from callcenter.telephony_cli import telephony_app
from callcenter.users_cli import users_app

app = typer.Typer(help="Open-source contact-center server on Asterisk (AMI + FastAGI).", no_args_is_help=True)
app.add_typer(crm_app, name="crm")
app.add_typer(flows_app, name="flows")
app.add_typer(telephony_app, name="telephony")
app.add_typer(users_app, name="users")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", envvar="CC_CONFIG", help="YAML settings file (environment CC_* overrides it)."
    ),
]


def _load(config: Path | None, **overrides: object) -> Settings:
    try:
        return load_settings(config, **overrides)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _run(coro_settings: Settings, simulator: bool) -> None:
    from callcenter.composition import run_server

    configure_logging(coro_settings.log_level, coro_settings.log_format)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_server(coro_settings, simulator=simulator))


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Run the engine against a real Asterisk (AMI + FastAGI) and the web app."""
    _run(_load(config), simulator=False)


DEMO_RECORDINGS = "var/recordings"


@app.command()
def demo(
    config: ConfigOption = None,
    port: Annotated[int | None, typer.Option(help="Web port (default 8080).")] = None,
) -> None:
    """Run the whole system on embedded defaults against the built-in PBX simulator."""
    _run(demo_settings(config, port), simulator=True)


def demo_settings(config: Path | None, port: int | None) -> Settings:
    """The demo's settings: the file and environment, with ``--port`` for the web port. The simulator
    writes call recordings under ``var/recordings`` unless told where (the production default,
    /var/spool/callcenter/recordings, is not the demo user's to write)."""
    overrides: dict[str, object] = {}
    if port is not None:
        overrides["web"] = {"port": port}
    settings = _load(config, **overrides)
    if settings.dialplan.recordings_dir == DialplanSettings().recordings_dir:
        dialplan = settings.dialplan.model_copy(
            update={"recordings_dir": str(Path(DEMO_RECORDINGS).resolve())}
        )
        settings = settings.model_copy(update={"dialplan": dialplan})
    return settings


@app.command("check-config")
def check_config(config: ConfigOption = None) -> None:
    """Validate the settings and print them (secrets masked)."""
    settings = _load(config)
    typer.echo(settings.model_dump_json(indent=2))


def main() -> None:
    app()
