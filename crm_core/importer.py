"""Customer import from CSV or Excel with a column mapping, de-duplication and a per-row error report.

Each row runs inside its own SAVEPOINT: a row that fails validation or hits a constraint rolls back
completely (no customer without its phones, no half-merged record) and is reported; the others stay.
Rows are matched to existing customers by normalized phone number, then by e-mail address.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm_core import phones
from crm_core.customers import CustomerDraft, CustomerService, NoteCategory, NoteDraft, PreparedCustomer
from crm_core.errors import CrmError, InvalidImportMapping
from crm_core.models import Customer, CustomerEmail, CustomerPhone
from crm_core.validation import normalize_email

Progress = Callable[[int, int | None], None]  # (rows done, total rows or None when unknown)
Row = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which file column feeds which customer field (``None``/empty: not imported)."""

    display_name: str = "name"
    native_name: str | None = None
    phones: tuple[str, ...] = ("phone",)
    emails: tuple[str, ...] = ("email",)
    preferred_language: str | None = None
    chat_login: str | None = None
    owner: str | None = None
    team: str | None = None
    tags: str | None = None  # one column, values separated by ";" or ","
    alert_note: str | None = None  # a special note that pops on screen
    kind: str | None = None

    def columns(self) -> set[str]:
        single = (self.display_name, self.native_name, self.preferred_language, self.chat_login, self.owner,
                  self.team, self.tags, self.alert_note, self.kind)  # fmt: skip
        return {c for c in (*single, *self.phones, *self.emails) if c}

    def check(self, headers: Iterable[str]) -> None:
        missing = sorted(self.columns() - set(headers))
        if missing:
            raise InvalidImportMapping(reason=f"columns not in the file: {', '.join(missing)}")


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
        """Import ``rows`` (dicts keyed by column name); the caller commits.

        Rows are taken in chunks: rows that are new and independent of every earlier row are inserted
        together inside one SAVEPOINT; duplicates (merges) and, if that bulk insert hits a constraint,
        every row of the chunk go through the row-by-row path with one SAVEPOINT each. The outcome is
        the same as importing one row at a time, only faster.
        """
        tally = _Tally()
        done = 0
        for chunk in _chunks(enumerate(rows, start=2), self.chunk_size):
            self._chunk(session, chunk, mapping, tally)
            done += len(chunk)
            if progress is not None and done != total:
                progress(done, total)
        if progress is not None:
            progress(done, done)  # the total is known now, even for a CSV stream
        return ImportReport(done, tally.created, tally.updated, tally.skipped, tuple(tally.errors))

    def _chunk(
        self, session: Session, chunk: Sequence[tuple[int, Row]], mapping: ColumnMapping, tally: _Tally
    ) -> None:
        prepared: list[tuple[int, PreparedCustomer]] = []
        drafts: dict[int, CustomerDraft] = {}
        for line, row in chunk:
            try:
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
        tally.errors.sort(key=lambda e: e.row)

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
        reader = csv.DictReader(stream)
        mapping.check(reader.fieldnames or ())
        return self.import_rows(session, reader, mapping, progress=progress)

    def import_excel(
        self,
        session: Session,
        path: Path,
        mapping: ColumnMapping,
        *,
        sheet: str | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
            lines = worksheet.iter_rows(values_only=True)
            headers = [str(h).strip() if h is not None else "" for h in next(lines, ())]
            mapping.check(headers)
            total = max((worksheet.max_row or 1) - 1, 0)
            rows = (dict(zip(headers, values, strict=False)) for values in lines)
            return self.import_rows(session, rows, mapping, progress=progress, total=total)
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
    tags = _cell(row, mapping.tags) or ""
    note = _cell(row, mapping.alert_note)
    return CustomerDraft(
        display_name=_cell(row, mapping.display_name) or "",
        kind=_cell(row, mapping.kind) or "person",
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


def _chunks(items: Iterable[tuple[int, Row]], size: int) -> Iterator[list[tuple[int, Row]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
