"""Import files as numbered records: strict CSV (UTF-8) and Excel; a line that cannot be read is a problem
of that line, never a silently merged record."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from crm_core.errors import (
    CrmError,
    ExtraValues,
    MisplacedQuote,
    NotUtf8,
    UnclosedQuote,
    UnreadableLine,
    UnreadableWorkbook,
)

if TYPE_CHECKING:
    from _csv import _reader

Row = Mapping[str, object]
Record = tuple[int, Row | CrmError]  # (line where the record starts, its values or why it cannot be read)


def csv_records(stream: IO[str]) -> tuple[list[str], Iterator[Record]]:
    """The header and the records after it; quotes are strict, so an unclosed one is reported."""
    reader = csv.reader(stream, strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except UnicodeDecodeError as error:
        raise NotUtf8(line=1) from error
    except csv.Error as error:
        raise _problem(error) from error
    return header, _records(reader, header)


def _records(reader: _reader, header: list[str]) -> Iterator[Record]:
    first = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise NotUtf8(line=reader.line_num + 1) from error
        except csv.Error as error:
            yield first, _problem(error)
            first = reader.line_num + 1
            continue
        if any(v.strip() for v in values[len(header) :]):
            yield first, ExtraValues(count=len(values), expected=len(header))
        elif any(v.strip() for v in values):
            yield first, dict(zip(header, values, strict=False))
        first = reader.line_num + 1


def _problem(error: csv.Error) -> CrmError:
    reason = str(error)
    if "unexpected end of data" in reason:
        return UnclosedQuote()
    if "expected after" in reason:
        return MisplacedQuote()
    return UnreadableLine(reason=reason)


@dataclass
class OpenWorkbook:
    """An open workbook's header, records (line = spreadsheet row) and data row count; close it."""

    header: list[str]
    records: Iterator[Record]
    total: int
    close: Callable[[], None]


def excel_records(path: Path, sheet: str | None) -> OpenWorkbook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableWorkbook(reason=str(error).splitlines()[0] or type(error).__name__) from error
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise UnreadableWorkbook(reason=f"no sheet {sheet}")
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    lines = worksheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    records = (
        (number, dict(zip(header, values, strict=False)))
        for number, values in enumerate(lines, start=2)
        if any(v is not None and str(v).strip() for v in values)
    )
    total = max((worksheet.max_row or 1) - 1, 0)
    return OpenWorkbook(header, records, total, workbook.close)
