"""``callcenter telephony ...``: the Asterisk configuration that matches the engine's settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from callcenter.errors import ConfigError
from callcenter.settings import load_settings
from callcenter.webrtc_phones import webrtc_site
from telephony_config.errors import TelephonyConfigError
from telephony_config.webrtc import render_http, render_pjsip

telephony_app = typer.Typer(help="Asterisk configuration that matches the engine.", no_args_is_help=True)


@telephony_app.command("webrtc-config")
def webrtc_config(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar="CC_CONFIG", help="YAML settings file (CC_* overrides it)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", help="Write pjsip_webrtc.conf and http_webrtc.conf here (mode 600)."),
    ] = None,
) -> None:
    """The pjsip.conf and http.conf snippets for the agents' browser phones (SIP over WebSocket).

    The pjsip snippet holds each agent's password (derived from webrtc.password_secret): keep it
    readable by Asterisk only, and #include it from pjsip.conf.
    """
    try:
        site = webrtc_site(load_settings(config))
        pjsip, http = render_pjsip(site), render_http(site)
    except (ConfigError, TelephonyConfigError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if out_dir is None:
        typer.echo(pjsip + "\n" + http, nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (("pjsip_webrtc.conf", pjsip), ("http_webrtc.conf", http)):
        path = out_dir / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(path, 0o600)  # also when the file was already there with wider rights
        typer.echo(f"wrote {path}")
