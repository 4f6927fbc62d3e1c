from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from crm_core.customers import CustomerService
from crm_core.errors import InvalidImportMapping, UnreadableWorkbook
from crm_core.exporter import export_customers_csv
from crm_core.importer import ColumnMapping, CustomerImporter, ImportReport
from crm_core.lookup import KnownCaller, ScreenPop
from crm_core.models import Customer, CustomerEmail, CustomerNote, CustomerPhone
from crm_core.search import CustomerFilter
from tests.crm_conftest_helpers import Db, FakeClock

MAPPING = ColumnMapping(
    display_name="Full name",
    native_name="Chinese name",
    phones=("Mobile", "Office"),
    emails=("E-mail",),
    tags="Tags",
    alert_note="Special",
    chat_login="Chat",
)
HEADER = ["Full name", "Chinese name", "Mobile", "Office", "E-mail", "Tags", "Special", "Chat"]
ROWS = [
    ["Wei Zhang", "张伟", "(415) 555-0100", "", "wei@example.com", "vip;foodie", "Allergic to peanuts", "wz"],
    ["Li Na", "李娜", "+86 138 0013 8000", "", "li.na@example.cn", "", "", ""],
    ["Bad Phone", "", "12345", "", "bad@example.com", "", "", ""],  # invalid number
    ["Bad Mail", "", "+1 212 555 0199", "", "not-an-email", "", "", ""],  # half valid: must leave nothing
    ["", "", "+1 646 555 0123", "", "", "", "", ""],  # missing name
    ["W. Zhang", "", "", "415-555-0100", "wei.work@example.com", "catering", "", ""],  # duplicate by phone
    ["Li Na again", "", "", "", "LI.NA@example.cn", "", "", "lina"],  # dup by e-mail: fills the chat login
    ["Too Long", "", "+1 310 555 0100", "", "", "", "x" * 2001, ""],  # oversized note
    ["Chat Clash", "", "+1 702 555 0100", "", "", "", "", "wz"],  # chat login already used by Wei
]


def _csv(rows: list[list[str]]) -> io.StringIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    buffer.seek(0)
    return buffer


def _check_report_and_data(
    db: Db, clock: FakeClock, report: object, progress: list[tuple[int, int | None]]
) -> None:
    from crm_core.importer import ImportReport

    assert isinstance(report, ImportReport)
    assert (report.rows, report.created, report.updated, report.skipped) == (9, 2, 2, 0)
    assert [(e.row, e.code) for e in report.errors] == [
        (4, "crm.invalid_phone"),
        (5, "crm.invalid_email"),
        (6, "crm.missing_field"),
        (9, "crm.field_too_long"),
        (10, "crm.import.conflict"),
    ]
    assert progress[-1] == (9, 9)
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 2
        # The half-valid row 5 left no phone behind, the oversized row no customer.
        numbers = set(session.scalars(select(CustomerPhone.e164)))
        assert numbers == {"+14155550100", "+8613800138000"}
        assert session.scalar(select(func.count()).select_from(CustomerEmail)) == 3
        assert session.scalar(select(func.count()).select_from(CustomerNote)) == 1
        assert isinstance(ScreenPop().by_chat_login(session, "lina"), KnownCaller)
        wei = ScreenPop().by_number(session, "415 555 0100")
        assert isinstance(wei, KnownCaller)
        assert wei.matches[0].tags == ("catering", "foodie", "vip")
        assert wei.matches[0].alerts[0].text == "Allergic to peanuts"
        assert wei.matches[0].emails == ("wei@example.com", "wei.work@example.com")


@pytest.mark.parametrize("chunk_size", [1, 3, 500])
def test_given_csv_with_bad_rows_when_imported_then_good_rows_stored_bad_rows_reported(
    db: Db, clock: FakeClock, chunk_size: int
) -> None:
    progress: list[tuple[int, int | None]] = []
    importer = CustomerImporter(CustomerService(clock, "US"), chunk_size=chunk_size)
    with db.sessions.begin() as session:
        report = importer.import_csv(
            session, _csv(ROWS), MAPPING, progress=lambda d, t: progress.append((d, t))
        )
    _check_report_and_data(db, clock, report, progress)


def test_given_excel_with_bad_rows_when_imported_then_same_result_as_csv(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([cell or None for cell in row])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    workbook.close()
    progress: list[tuple[int, int | None]] = []
    importer = CustomerImporter(CustomerService(clock, "US"))
    with db.sessions.begin() as session:
        report = importer.import_excel(session, path, MAPPING, progress=lambda d, t: progress.append((d, t)))
    _check_report_and_data(db, clock, report, progress)


def test_given_skip_policy_when_duplicates_imported_then_existing_untouched(db: Db, clock: FakeClock) -> None:
    importer = CustomerImporter(CustomerService(clock), on_duplicate="skip")
    with db.sessions.begin() as session:
        report = importer.import_csv(session, _csv([ROWS[0], ROWS[5]]), MAPPING)
    assert (report.created, report.skipped) == (1, 1)


def test_given_mapping_with_unknown_column_when_importing_then_mapping_error(
    db: Db, clock: FakeClock
) -> None:
    importer = CustomerImporter(CustomerService(clock))
    with pytest.raises(InvalidImportMapping) as caught, db.sessions.begin() as session:
        importer.import_csv(session, _csv(ROWS), ColumnMapping(display_name="Name"))
    assert "Name" in caught.value.message


def test_given_customers_when_exported_then_csv_round_trips_and_formulas_neutralized(
    db: Db, clock: FakeClock
) -> None:
    importer = CustomerImporter(CustomerService(clock))
    rows = [*ROWS[:2], ['=HYPERLINK("http://evil")', "", "+1 646 555 0123", "", "", "", "", ""]]
    with db.sessions.begin() as session:
        importer.import_csv(session, _csv(rows), MAPPING)
    out = io.StringIO()
    with db.sessions() as session:
        count = export_customers_csv(session, out, batch=2)
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == 3 == len(lines)
    assert lines[0]["name"] == "Wei Zhang"
    assert lines[0]["phone"] == "+14155550100"
    assert lines[0]["tags"] == "foodie;vip"
    assert lines[2]["name"].startswith("'=")
    with db.sessions() as session:
        assert [
            h.customer.display_name
            for h in CustomerService(clock).search(session, CustomerFilter(tag="vip")).hits
        ] == ["Wei Zhang"]


def _import_text(db: Db, clock: FakeClock, text: str) -> tuple[ImportReport, list[tuple[str, str]]]:
    with db.sessions.begin() as session:
        report = CustomerImporter(CustomerService(clock)).import_csv(
            session, io.StringIO(text), ColumnMapping()
        )
    with db.sessions() as session:
        stored = [(c.display_name, c.tier) for c in session.scalars(select(Customer).order_by(Customer.id))]
    return report, stored


def test_given_broken_quotes_and_extra_values_when_imported_then_each_is_its_own_line_error(
    db: Db, clock: FakeClock
) -> None:
    report, stored = _import_text(
        db,
        clock,
        "name,phone\n"
        'Wei Zhang,"+1 415 555 0100" x\n'  # 2: a quote closed in the middle of a value
        "Li Na,+86 138 0013 8000,extra\n"  # 3: more values than columns
        'Bo "Bob" Li,+1 212 555 0199\n'  # 4: quotes inside a value are fine
        'Ann Lee,"+1 646 555\n0123"\n'  # 5-6: a number over two lines
        'Al Wu,"+1 702 555 0100\n'  # 7: never closed: swallows the rest of the file
        "Jo Ma,+1 310 555 0100\n",
    )
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "crm.import.misplaced_quote"),
        (3, "crm.import.extra_values"),
        (5, "crm.import.value_over_lines"),
        (7, "crm.import.unclosed_quote"),
    ]
    assert stored == [('Bo "Bob" Li', "normal")]


def test_given_name_phone_and_tier_columns_only_when_imported_then_tier_stored_and_checked(
    db: Db, clock: FakeClock
) -> None:
    report, stored = _import_text(
        db, clock, "Name,Phone,Tier,Nickname\nWei Zhang,+14155550100,VIP,wz\nLi Na,+8613800138000,platinum,\n"
    )
    assert [(e.row, e.code, e.params["value"]) for e in report.errors] == [
        (3, "crm.invalid_value", "platinum")
    ]
    assert report.unused_columns == ("Nickname",)
    assert stored == [("Wei Zhang", "vip")]
    report, stored = _import_text(db, clock, "name,phone,tier\nW. Zhang,415-555-0100,key\n")
    assert (report.updated, stored) == (1, [("Wei Zhang", "key")])  # the file's tier is the operator's word


def test_given_a_file_that_is_not_a_workbook_when_imported_as_excel_then_clear_error(
    db: Db, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "customers.xlsx"
    path.write_text("name,phone\n", encoding="utf-8")
    with pytest.raises(UnreadableWorkbook), db.sessions.begin() as session:
        CustomerImporter(CustomerService(clock)).import_excel(session, path, ColumnMapping())
