"""Customer import from CSV or Excel with a column mapping, de-duplication and a per-row error report.

Each row runs inside its own SAVEPOINT: a row that fails validation or hits a constraint rolls back
completely (no customer without its phones, no half-merged record) and is reported. Whether the good
rows stay is the caller's choice: roll back when the report has errors for all-or-nothing (the CLI's
default), commit for a partial import. Rows are matched to existing customers by normalized phone
number, then by e-mail address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_core import phones
from crm_core.customers import (
    CustomerDraft,
    CustomerService,
    NoteCategory,
    NoteDraft,
    PreparedCustomer,
    check_tier,
)
from crm_core.errors import CrmError, ValueOverLines
from crm_core.import_files import Record, Row, csv_records, excel_records
from crm_core.import_mapping import ColumnMapping as ColumnMapping
from crm_core.models import Customer, CustomerEmail, CustomerPhone
from crm_core.validation import normalize_email

Progress = Callable[[int, int | None], None]  # (rows done, total rows or None when unknown)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # line in the file, header is row 1
    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    created: int
    updated: int
    skipped: int
    errors: tuple[RowError, ...]
    unused_columns: tuple[str, ...] = ()  # columns of the file that no field imports


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


class CustomerImporter:
    def __init__(
        self,
        service: CustomerService,
        on_duplicate: Literal["merge", "skip"] = "merge",
        chunk_size: int = 500,
    ) -> None:
        self.service = service
        self.on_duplicate = on_duplicate
        self.chunk_size = chunk_size

    def import_rows(
        self,
        session: Session,
        rows: Iterable[Row],
        mapping: ColumnMapping,
        *,
        progress: Progress | None = None,
        total: int | None = None,
    ) -> ImportReport:
        """Import ``rows`` (dicts keyed by column name, the first is line 2); the caller commits."""
        return self._import(session, enumerate(rows, start=2), mapping, progress, total)

    def _import(
        self,
        session: Session,
        records: Iterable[Record],
        mapping: ColumnMapping,
        progress: Progress | None,
        total: int | None,
        unused: tuple[str, ...] = (),
    ) -> ImportReport:
        """Rows are taken in chunks: rows that are new and independent of every earlier row are inserted
        together inside one SAVEPOINT; duplicates (merges) and, if that bulk insert hits a constraint,
        every row of the chunk go through the row-by-row path with one SAVEPOINT each. The outcome is
        the same as importing one row at a time, only faster.
        """
        tally = _Tally()
        done = 0
        for chunk in _chunks(records, self.chunk_size):
            self._chunk(session, chunk, mapping, tally)
            done += len(chunk)
            if progress is not None and done != total:
                progress(done, total)
        if progress is not None:
            progress(done, done)  # the total is known now, even for a CSV stream
        errors = tuple(sorted(tally.errors, key=lambda e: e.row))
        return ImportReport(done, tally.created, tally.updated, tally.skipped, errors, unused)

    def _chunk(
        self, session: Session, chunk: Sequence[Record], mapping: ColumnMapping, tally: _Tally
    ) -> None:
        prepared: list[tuple[int, PreparedCustomer]] = []
        drafts: dict[int, CustomerDraft] = {}
        for line, row in chunk:
            try:
                if isinstance(row, CrmError):
                    raise row
                drafts[line] = draft = _draft(row, mapping)
                prepared.append((line, self.service.prepare(draft)))
            except CrmError as error:
                tally.errors.append(RowError(line, error.code, error.message, dict(error.params)))
        known = self._known_keys(session, [key for _, item in prepared for key in item.keys])
        fast: list[tuple[int, PreparedCustomer]] = []
        slow: list[int] = []
        claimed: set[str] = set()
        for line, item in prepared:
            keys = item.keys
            if keys & known or keys & claimed:
                slow.append(line)
            else:
                fast.append((line, item))
            claimed |= keys
        if fast:
            try:
                with session.begin_nested():
                    self.service.insert_prepared(session, [item for _, item in fast])
                tally.created += len(fast)
            except (IntegrityError, CrmError):
                slow.extend(line for line, _ in fast)
                slow.sort()
        for line in slow:
            self._row(session, line, drafts[line], tally)

    def _row(self, session: Session, line: int, draft: CustomerDraft, tally: _Tally) -> None:
        try:
            with session.begin_nested():
                outcome = self._one(session, draft)
        except CrmError as error:
            tally.errors.append(RowError(line, error.code, error.message, dict(error.params)))
        except IntegrityError as error:
            tally.errors.append(RowError(line, "crm.import.conflict", str(error.orig).splitlines()[0]))
        else:
            tally.created += outcome == "created"
            tally.updated += outcome == "updated"
            tally.skipped += outcome == "skipped"

    def _known_keys(self, session: Session, keys: list[str]) -> set[str]:
        numbers = [k for k in keys if k.startswith("+")]
        emails = [k for k in keys if not k.startswith("+")]
        found: set[str] = set()
        if numbers:
            found.update(session.scalars(select(CustomerPhone.e164).where(CustomerPhone.e164.in_(numbers))))
        if emails:
            found.update(session.scalars(select(CustomerEmail.email).where(CustomerEmail.email.in_(emails))))
        return found

    def import_csv(
        self, session: Session, stream: IO[str], mapping: ColumnMapping, *, progress: Progress | None = None
    ) -> ImportReport:
        header, records = csv_records(stream)
        resolved, unused = mapping.resolve(header)
        return self._import(session, records, resolved, progress, None, unused)

    def import_excel(
        self,
        session: Session,
        path: Path,
        mapping: ColumnMapping,
        *,
        sheet: str | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        workbook = excel_records(path, sheet)
        try:
            resolved, unused = mapping.resolve(workbook.header)
            return self._import(session, workbook.records, resolved, progress, workbook.total, unused)
        finally:
            workbook.close()

    def _one(self, session: Session, draft: CustomerDraft) -> str:
        existing = self._existing(session, draft)
        if existing is None:
            self.service.create(session, draft)
            return "created"
        if self.on_duplicate == "skip":
            return "skipped"
        self._merge(session, existing, draft)
        return "updated"

    def _existing(self, session: Session, draft: CustomerDraft) -> int | None:
        numbers = [phones.normalize(raw, self.service.default_region) for raw in draft.phones]
        if numbers:
            found = session.scalar(
                select(CustomerPhone.customer_id).where(CustomerPhone.e164.in_(numbers)).limit(1)
            )
            if found is not None:
                return found
        emails = [normalize_email(raw) for raw in draft.emails]
        if emails:
            return session.scalar(
                select(CustomerEmail.customer_id).where(CustomerEmail.email.in_(emails)).limit(1)
            )
        return None

    def _merge(self, session: Session, customer_id: int, draft: CustomerDraft) -> None:
        """Add what is new (numbers, addresses, tags, notes); fill empty fields; never overwrite data."""
        for raw in draft.phones:
            self.service.add_phone(session, customer_id, raw)
        for raw in draft.emails:
            self.service.add_email(session, customer_id, raw)
        for tag in draft.tags:
            self.service.tag(session, customer_id, tag)
        for note in draft.notes:
            self.service.add_note(session, customer_id, note)
        customer = session.get(Customer, customer_id)
        assert customer is not None
        for name in ("native_name", "preferred_language", "chat_login", "owner", "team"):
            if getattr(customer, name) is None and getattr(draft, name) is not None:
                setattr(customer, name, getattr(draft, name))
        if draft.tier:  # a tier in the file is the operator's word for it
            customer.tier = check_tier(draft.tier)
        session.flush()


def _cell(row: Row, column: str | None) -> str | None:
    if not column:
        return None
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _draft(row: Row, mapping: ColumnMapping) -> CustomerDraft:
    for column in mapping.columns() - {mapping.alert_note}:
        if "\n" in (_cell(row, column) or ""):
            raise ValueOverLines(column=column)
    tags = _cell(row, mapping.tags) or ""
    note = _cell(row, mapping.alert_note)
    return CustomerDraft(
        display_name=_cell(row, mapping.display_name) or "",
        kind=_cell(row, mapping.kind) or "person",
        tier=_cell(row, mapping.tier),
        native_name=_cell(row, mapping.native_name),
        phones=tuple(p for c in mapping.phones if (p := _cell(row, c))),
        emails=tuple(e for c in mapping.emails if (e := _cell(row, c))),
        preferred_language=_cell(row, mapping.preferred_language),
        chat_login=_cell(row, mapping.chat_login),
        owner=_cell(row, mapping.owner),
        team=_cell(row, mapping.team),
        tags=tuple(t.strip() for t in tags.replace(",", ";").split(";") if t.strip()),
        notes=(NoteDraft(note, NoteCategory.GENERAL, is_alert=True),) if note else (),
    )


def _chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
