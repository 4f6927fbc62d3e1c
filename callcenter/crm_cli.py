"""``callcenter crm ...``: import, export and demo data for the embedded CRM, with a progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from callcenter.clock import SystemClock
from callcenter.i18n import translate
from crm_core.customers import CustomerService
from crm_core.db import make_engine, make_session_factory, migrate
from crm_core.errors import CrmError
from crm_core.importer import ColumnMapping, CustomerImporter, ImportReport

crm_app = typer.Typer(help="The embedded CRM: import, export, demo data.", no_args_is_help=True)

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="CC_DATABASE__URL", help="Database URL (default: the demo SQLite file)."),
]
_DEFAULT_DB = "sqlite:///var/callcenter.sqlite3"


class _Bar:
    """A text progress bar on stderr for (done, total-or-None) callbacks."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if total is not None and done < total and now - self._last < 0.1:
            return
        self._last = now
        if total:
            filled = int(30 * done / total)
            line = f"\r{self._label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            line = f"\r{self._label} {done} rows"
        sys.stderr.write(line)
        if total is not None and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _columns(values: list[str]) -> ColumnMapping:
    """``--map field=column`` pairs; phones/emails take several columns joined by '+'."""
    fields: dict[str, object] = {}
    for pair in values:
        field, sep, column = pair.partition("=")
        if not sep or field not in ColumnMapping.__dataclass_fields__:
            known = ", ".join(ColumnMapping.__dataclass_fields__)
            raise typer.BadParameter(f"{pair!r}: use FIELD=COLUMN with FIELD one of {known}")
        fields[field] = tuple(column.split("+")) if field in ("phones", "emails") else (column or None)
    return ColumnMapping(**fields)  # type: ignore[arg-type]


def _print_report(report: ImportReport, language: str) -> None:
    typer.echo(
        f"rows {report.rows}: created {report.created}, updated {report.updated}, "
        f"skipped {report.skipped}, errors {len(report.errors)}"
    )
    for error in report.errors[:50]:
        typer.echo(f"  row {error.row}: {translate(error.code, language, **error.params)} ({error.message})")
    if len(report.errors) > 50:
        typer.echo(f"  ... and {len(report.errors) - 50} more")


@crm_app.command("import")
def import_customers(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or .xlsx file")],
    db: DbOption = _DEFAULT_DB,
    map_: Annotated[list[str] | None, typer.Option("--map", help="FIELD=COLUMN, repeatable")] = None,
    region: Annotated[str, typer.Option(help="Default region for national numbers")] = "US",
    skip_duplicates: Annotated[
        bool, typer.Option(help="Skip rows matching a customer instead of merging")
    ] = False,
    language: Annotated[str, typer.Option(help="Language of the error report (en, zh_CN)")] = "en",
) -> None:
    """Import customers; every bad row is reported and nothing half-written is kept."""
    mapping = _columns(map_ or [])
    migrate(db)
    engine = make_engine(db)
    importer = CustomerImporter(
        CustomerService(SystemClock(), region), on_duplicate="skip" if skip_duplicates else "merge"
    )
    try:
        with make_session_factory(engine).begin() as session:
            bar = _Bar(f"importing {path.name}")
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                report = importer.import_excel(session, path, mapping, progress=bar)
            else:
                with path.open(encoding="utf-8-sig", newline="") as stream:
                    report = importer.import_csv(session, stream, mapping, progress=bar)
    except CrmError as exc:
        typer.echo(f"error: {translate(exc.code, language, **exc.params)} ({exc})", err=True)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    _print_report(report, language)
    if report.errors:
        raise typer.Exit(1)


@crm_app.command("export")
def export_customers(
    path: Annotated[Path, typer.Argument(dir_okay=False, help="CSV file to write")],
    db: DbOption = _DEFAULT_DB,
) -> None:
    """Export every customer to CSV."""
    from crm_core.exporter import export_customers_csv

    engine = make_engine(db)
    try:
        with make_session_factory(engine)() as session, path.open("w", encoding="utf-8", newline="") as out:
            count = export_customers_csv(session, out, progress=_Bar(f"exporting {path.name}"))
    finally:
        engine.dispose()
    typer.echo(f"{count} customers written to {path}")


@crm_app.command("demo-data")
def demo_data(
    customers: Annotated[int, typer.Option(min=1, max=5_000_000)] = 10_000,
    db: DbOption = _DEFAULT_DB,
    seed: int = 7,
    region: str = "US",
) -> None:
    """Generate realistic demo customers (always including the VIP Wei Zhang)."""
    from datetime import UTC, datetime

    from crm_core.demo_data import generate

    if db.startswith("sqlite:///"):
        Path(db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrate(db)
    engine = make_engine(db)
    try:
        summary = generate(
            engine, customers, seed=seed, now=datetime.now(UTC), region=region, progress=_Bar("generating")
        )
    finally:
        engine.dispose()
    typer.echo(f"{summary.customers} customers generated")
