from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner, Result

from callcenter.cli import app
from crm_core.db import make_engine
from crm_core.models import Customer


def test_import_with_partial_reports_each_bad_row_and_keeps_the_good_ones(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/crm.sqlite3"
    source = tmp_path / "customers.csv"
    source.write_text(
        "name,phone,email\n"
        "Wei Zhang,+14155550100,wei@example.com\n"
        "Broken,not-a-number,\n"
        "Li Na,+8613800138000,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--db", db, "--partial"])
    assert result.exit_code == 1, result.output
    assert "created 2" in result.output
    assert "errors 1" in result.output
    assert "line 3:" in result.output
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
    assert "columns not in the file: name" in result.output


def test_a_bad_map_option_names_the_allowed_fields(tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("name\nA\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--map", "nickname=x"])
    assert result.exit_code == 2
    assert "FIELD=COLUMN" in result.output


def _import(tmp_path: Path, text: str | bytes, *options: str) -> tuple[Result, str]:
    db = f"sqlite:///{tmp_path}/crm.sqlite3"
    source = tmp_path / "customers.csv"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    return CliRunner().invoke(app, ["crm", "import", str(source), "--db", db, *options]), db


def _stored(db: str) -> list[tuple[str, str]]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return [(r.display_name, r.tier) for r in conn.execute(select(Customer).order_by(Customer.id))]
    finally:
        engine.dispose()


def test_given_a_bad_row_when_imported_by_default_then_nothing_is_written_and_partial_keeps_the_rest(
    tmp_path: Path,
) -> None:
    rows = "name,phone\nWei Zhang,+14155550100\nBroken,not-a-number\nLi Na,+8613800138000\n"
    result, db = _import(tmp_path, rows)
    assert result.exit_code == 1, result.output
    assert "line 3:" in result.output
    assert "nothing was imported" in result.output
    assert _stored(db) == []
    result, db = _import(tmp_path, rows, "--partial")
    assert result.exit_code == 1, result.output
    assert [name for name, _ in _stored(db)] == ["Wei Zhang", "Li Na"]


def test_given_an_unclosed_quote_when_imported_then_that_line_is_reported_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    result, db = _import(
        tmp_path, 'name,phone\nWei Zhang,"+14155550100\nLi Na,+8613800138000\nBo Li,+12125550199\n'
    )
    assert result.exit_code == 1, result.output
    assert "line 2: a quoted value opened on this line is never closed" in result.output.lower()
    assert _stored(db) == []


def test_given_a_tier_column_when_imported_then_it_is_stored_and_an_unknown_tier_is_a_row_error(
    tmp_path: Path,
) -> None:
    result, db = _import(
        tmp_path, "name,phone,tier\nWei Zhang,+14155550100,VIP\nLi Na,+8613800138000,platinum\n", "--partial"
    )
    assert result.exit_code == 1, result.output
    assert "line 3: tier cannot be platinum; allowed: vip, key, normal, small" in result.output
    assert _stored(db) == [("Wei Zhang", "vip")]


def test_given_only_name_and_phone_columns_when_imported_then_accepted(tmp_path: Path) -> None:
    result, db = _import(tmp_path, "name,phone\nWei Zhang,+14155550100\n")
    assert result.exit_code == 0, result.output
    assert _stored(db) == [("Wei Zhang", "normal")]


def test_given_an_unknown_column_when_imported_then_one_line_says_it_is_not_imported(tmp_path: Path) -> None:
    result, _ = _import(tmp_path, "name,phone,nickname\nWei Zhang,+14155550100,Wei\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("column nickname is not imported") == 1


def test_given_a_latin1_file_when_imported_then_one_clear_line_and_no_traceback(tmp_path: Path) -> None:
    result, _ = _import(tmp_path, "name,phone\nJosé Núñez,+14155550100\n".encode("latin-1"))
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, UnicodeDecodeError)
    assert "Traceback" not in result.output
    assert result.output.count("not UTF-8 text (line 2)") == 1
    assert not (tmp_path / "crm.sqlite3").exists()  # refused before anything was written


def test_given_an_unreachable_database_when_importing_then_one_clear_line_without_the_password(
    tmp_path: Path,
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("name,phone\nWei Zhang,+14155550100\n", encoding="utf-8")
    db = "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/nowhere"
    result = CliRunner().invoke(app, ["crm", "import", str(source), "--db", db])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "cannot reach the database" in result.output.lower()
    assert "s3cret-pw" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_given_a_mapping_error_when_importing_then_the_message_is_printed_once(tmp_path: Path) -> None:
    result, _ = _import(tmp_path, "full_name,phone\nA,+14155550100\n")
    assert result.exit_code == 2
    assert result.output.count("columns not in the file: name") == 1
    assert (
        result.output.count("column mapping is invalid") + result.output.count("Column mapping is invalid")
        == 1
    )


def test_given_a_long_import_when_progress_is_shown_then_each_progress_line_stands_alone(
    tmp_path: Path,
) -> None:
    rows = "".join(f"Person {i},+1415555{i:04d}\n" for i in range(1200))
    result, _ = _import(tmp_path, "name,phone\n" + rows)
    assert result.exit_code == 0, result.output
    assert "\r" not in result.output
    lines = result.output.splitlines()
    progress = [line for line in lines if line.startswith("importing customers.csv")]
    assert progress
    assert all(line.count("importing") <= 1 for line in lines)
    assert lines[-1].startswith("rows 1200: created 1200")
