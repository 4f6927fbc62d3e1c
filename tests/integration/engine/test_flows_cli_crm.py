"""``callcenter flows test --db``: a dry run recognises the caller in the site's CRM (a real SQLite file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crm_core.db import make_engine, migrate
from crm_core.demo_data import generate
from tests.unit.engine.test_flows_cli import invoke


def test_dry_run_with_the_sites_crm_recognises_a_vip_caller(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crm.sqlite3"
    migrate(url)
    engine = make_engine(url)
    try:
        generate(engine, 5, seed=1, now=datetime.now(UTC))  # 4155550100 is Wei Zhang, a VIP
    finally:
        engine.dispose()
    at = ["--at", "2026-11-23T10:00+08:00", "--digits", "1,2"]
    known = invoke(["flows", "test", "main", "--caller", "4155550100", "--db", url, *at])
    assert known.exit_code == 0, known.output
    assert "CRM: Wei Zhang" in known.output
    assert "main:vip_greeting" in known.output
    assert "priority 10" in known.output
    stranger = invoke(["flows", "test", "main", "--caller", "2125550000", "--db", url, *at])
    assert "CRM: not a customer" in stranger.output
    assert "main:vip_greeting" not in stranger.output


def test_dry_run_with_an_unreadable_crm_says_so_in_one_line(tmp_path: Path) -> None:
    result = invoke(["flows", "test", "main", "--db", f"sqlite:///{tmp_path}/empty.sqlite3"])
    assert result.exit_code == 2
    assert "cannot read the CRM at sqlite:///" in result.output
    assert "Traceback" not in result.output
