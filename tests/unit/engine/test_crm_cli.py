from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from callcenter.cli import app


def test_import_reports_each_bad_row_and_keeps_the_good_ones(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/crm.sqlite3"
    source = tmp_path / "customers.csv"
    source.write_text(
        "name,phone,email\n"
        "Wei Zhang,+14155550100,wei@example.com\n"
        "Broken,not-a-number,\n"
        "Li Na,+8613800138000,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--db", db])
    assert result.exit_code == 1, result.output
    assert "created 2" in result.output
    assert "errors 1" in result.output
    assert "row 3:" in result.output
    assert "importing customers.csv" in result.output  # the progress bar

    export = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["crm", "export", str(export), "--db", db])
    assert result.exit_code == 0, result.output
    lines = export.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3  # header + the two good customers
    assert any("+14155550100" in line for line in lines)


def test_import_with_a_column_missing_from_the_file_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("full_name,phone\nA,+14155550100\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--db", f"sqlite:///{tmp_path}/c.db"])
    assert result.exit_code == 2
    assert "columns not in the file: email, name" in result.output


def test_a_bad_map_option_names_the_allowed_fields(tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("name\nA\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--map", "nickname=x"])
    assert result.exit_code == 2
    assert "FIELD=COLUMN" in result.output
