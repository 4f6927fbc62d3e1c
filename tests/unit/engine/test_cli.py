from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from callcenter.cli import app, demo_settings


def test_check_config_prints_settings_with_the_secret_masked(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("ami:\n  secret: s3cr3t-value\n")
    result = CliRunner().invoke(app, ["check-config", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "s3cr3t-value" not in result.output
    assert json.loads(result.output)["ami"]["secret"] == "**********"


def test_check_config_with_a_bad_file_exits_2_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text("ami:\n  port: -1\n")
    result = CliRunner().invoke(app, ["check-config", "--config", str(config)])
    assert result.exit_code == 2
    assert "ami.port" in result.output


def test_demo_settings_load_the_embedded_defaults_with_the_port() -> None:
    # Failed before: the demo passed a "mode" that Settings no longer has, so `callcenter demo` exited 2.
    settings = demo_settings(None, 18099)
    assert settings.web.port == 18099
    assert settings.simulator.chat_arrival_rate_per_min == 1.0
    assert settings.simulator.email_arrival_rate_per_min == 0.5
    # The simulator writes the demo's call recordings where the demo user may (not /var/spool).
    assert settings.dialplan.recordings_dir == str(Path("var/recordings").resolve())
