"""``callcenter crm ...``: import, export and demo data for the embedded CRM, with a progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from callcenter.clock import SystemClock
from callcenter.i18n import translate
from crm_core.customers import CustomerService
from crm_core.db import make_engine, make_session_factory, migrate, normalize_url
from crm_core.errors import CrmError, NotUtf8
from crm_core.importer import ColumnMapping, CustomerImporter, ImportReport

crm_app = typer.Typer(help="The embedded CRM: import, export, demo data.", no_args_is_help=True)

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="CC_DATABASE__URL", help="Database URL (default: the demo SQLite file)."),
]
_DEFAULT_DB = "sqlite:///var/callcenter.sqlite3"
_SHOWN_ERRORS = 50


class _Bar:
    """Progress on stderr for (done, total-or-None) callbacks: one line redrawn on a terminal, separate
    lines (at most one per ``every`` seconds) elsewhere, so that a log never gets lines run together."""

    def __init__(self, label: str, every: float = 2.0) -> None:
        self._label = label
        self._last = 0.0
        self._tty = sys.stderr.isatty()
        self._every = 0.1 if self._tty else every
        self._open = False  # a redrawn line is on screen without its newline

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < self._every:
            return
        self._last = now
        if total:
            filled = int(30 * done / total)
            line = f"{self._label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            line = f"{self._label} {done} rows"
        if self._tty:
            sys.stderr.write("\r" + line)
            self._open = not finished
            if finished:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        """End a redrawn line before anything else is printed."""
        if self._open:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._open = False


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


def _print_report(report: ImportReport, language: str, rolled_back: bool) -> None:
    for column in report.unused_columns:
        typer.echo(translate("cli.import.unused_column", language, column=column))
    for error in report.errors[:_SHOWN_ERRORS]:
        text = translate(error.code, language, **error.params)
        typer.echo(translate("cli.import.line", language, line=error.row, problem=text))
    if len(report.errors) > _SHOWN_ERRORS:
        typer.echo(translate("cli.import.more", language, count=len(report.errors) - _SHOWN_ERRORS))
    if rolled_back:
        typer.echo(translate("cli.import.rolled_back", language, rows=report.rows, count=len(report.errors)))
        return
    typer.echo(
        translate(
            "cli.import.summary",
            language,
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            skipped=report.skipped,
            errors=len(report.errors),
        )
    )


def _fail(language: str, code: str, **params: object) -> NoReturn:
    typer.echo(translate("cli.error", language, problem=translate(code, language, **params)), err=True)
    raise typer.Exit(2)


@crm_app.command("import")
def import_customers(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV (UTF-8) or .xlsx file")],
    db: DbOption = _DEFAULT_DB,
    map_: Annotated[list[str] | None, typer.Option("--map", help="FIELD=COLUMN, repeatable")] = None,
    region: Annotated[str, typer.Option(help="Default region for national numbers")] = "US",
    skip_duplicates: Annotated[
        bool, typer.Option(help="Skip rows matching a customer instead of merging")
    ] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Keep the good rows when some rows are bad")
    ] = False,
    language: Annotated[str, typer.Option(help="Language of the messages (en, zh_CN)")] = "en",
) -> None:
    """Import customers: all or nothing. Every problem is one line; if there is any, nothing is written
    (unless --partial: then the good rows are kept). A customer is never half-written."""
    mapping = _columns(map_ or [])
    is_excel = path.suffix.lower() in (".xlsx", ".xlsm")
    if not is_excel and (bad_line := first_non_utf8_line(path)) is not None:
        _fail(language, NotUtf8.code, line=bad_line)
    importer = CustomerImporter(
        CustomerService(SystemClock(), region), on_duplicate="skip" if skip_duplicates else "merge"
    )
    bar = _Bar(f"importing {path.name}")
    try:
        migrate(db)
        engine = make_engine(db)
        try:
            with make_session_factory(engine)() as session:
                report = _read(importer, session, path, mapping, bar, is_excel)
                rolled_back = bool(report.errors) and not partial
                if rolled_back:
                    session.rollback()
                else:
                    session.commit()
        finally:
            engine.dispose()
    except CrmError as exc:
        bar.close()
        _fail(language, exc.code, **exc.params)
    except SQLAlchemyError as exc:
        bar.close()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _fail(language, "cli.db_unreachable", url=safe_url(db), reason=reason)
    _print_report(report, language, rolled_back)
    if report.errors:
        raise typer.Exit(1)


def _read(
    importer: CustomerImporter,
    session: Session,
    path: Path,
    mapping: ColumnMapping,
    bar: _Bar,
    is_excel: bool,
) -> ImportReport:
    if is_excel:
        return importer.import_excel(session, path, mapping, progress=bar)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return importer.import_csv(session, stream, mapping, progress=bar)


def first_non_utf8_line(path: Path) -> int | None:
    """The number of the first line that is not UTF-8, or ``None``."""
    with path.open("rb") as source:
        for number, line in enumerate(source, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def safe_url(url: str) -> str:
    """The database URL as it may be printed: without its password."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(invalid URL)"


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
