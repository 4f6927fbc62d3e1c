from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from typer.testing import CliRunner, Result

from callcenter.cli import app


def invoke(args: list[str]) -> Result:
    """Run the CLI in its own thread: ``flows test`` calls ``asyncio.run``, which must not meet
    the event loop pytest-asyncio keeps for this thread (that loop would be left unclosed)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(CliRunner().invoke, app, args).result()


def test_dry_run_prints_the_path_prompts_and_variables() -> None:
    result = invoke(
        [
            "flows",
            "test",
            "main",
            "--caller",
            "4155550100",
            "--digits",
            "1,2",
            "--at",
            "2026-11-23T10:00+08:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Result: queue support" in result.output
    assert "main:language" in result.output
    assert "tts:en:For English, press 1." in result.output
    assert "language = en" in result.output


def test_dry_run_after_hours_ends_in_voicemail() -> None:
    result = invoke(["flows", "test", "main", "--at", "2026-11-22T22:00+08:00"])
    assert result.exit_code == 0, result.output
    assert "Result: voicemail" in result.output


def test_dry_run_refuses_a_time_without_zone_and_an_unknown_flow() -> None:
    result = invoke(["flows", "test", "main", "--at", "2026-11-23T10:00"])
    assert result.exit_code == 2
    assert "needs a time zone" in result.output
    result = invoke(["flows", "test", "nope"])
    assert result.exit_code == 2
    assert "no flow 'nope'" in result.output


def test_validate_reports_errors_with_flow_node_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: broken\nnumbers: ['5559999']\nstart: a\nfallback: general\n"
        "nodes:\n  a: {type: queue, queue: nosuchqueue}\n",
        encoding="utf-8",
    )
    result = invoke(["flows", "validate", str(broken)])
    assert result.exit_code == 1
    assert "broken.yaml: error: broken.a" in result.output
    assert "nosuchqueue" in result.output


def test_dry_run_refuses_a_caller_that_is_no_number_and_a_language_the_ivr_lacks() -> None:
    result = invoke(["flows", "test", "main", "--caller", "abc"])
    assert result.exit_code == 2
    assert "'abc' is not a phone number" in result.output
    result = invoke(["flows", "test", "main", "--language", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not a language of the IVR" in result.output
