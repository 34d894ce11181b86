"""Tabular exports shared by every app: rows (header first) written as
streaming CSV or as an XLSX workbook, and the download response for either.
Apps produce the rows (visibility and field rules are theirs); this module
only writes them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, Protocol

from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A text cell starting with one of these is run as a formula by Excel and
# LibreOffice (CSV and XLSX alike): a comment of "=HYPERLINK(...)" would
# become a live link. Such text gets a leading apostrophe, which the
# spreadsheet shows as plain text (OWASP's advice for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defused(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def restored(text: str) -> str:
    """Undo `_defused` when a file Cadence exported is imported again."""
    if text[:1] == "'" and text[1:2] and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A cell as CSV text: ISO dates, blanks for None, text that a
    spreadsheet would run as a formula defused. Numbers stay numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, str):
        return _defused(value)
    return str(value)


class TextSink(Protocol):
    def write(self, value: str, /) -> Any: ...


class _Echo:
    """A file-like object whose write returns what was written (for streaming CSV)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[list[Any]]) -> Iterator[str]:
    """CSV text, a line at a time, starting with a BOM so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([cell_text(v) for v in row])


def write_csv(rows: Iterator[list[Any]], out: TextSink) -> int:
    """Write CSV text to `out`; returns the number of rows after the header."""
    count = -1
    for line in csv_lines(rows):
        out.write(line)
        count += 1
    return max(count - 1, 0)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, dt.date | Decimal):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value  # a number stays a number the spreadsheet can sum
    return cell_text(value)  # openpyxl would store text starting with "=" as a formula


_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = (name.translate(_SHEET_NAME_FORBIDDEN).strip() or "Sheet")[:31]
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = f"{base[: 31 - len(suffix)]}{suffix}", number + 1
    taken.add(candidate.lower())
    return candidate


def write_workbook(sheets: Iterable[tuple[str, Iterator[list[Any]]]], out: IO[bytes]) -> int:
    """An XLSX workbook with one sheet per (name, rows), written in
    openpyxl's write-only (streaming) mode; returns the rows after the
    headers, over all sheets."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    total = 0
    for name, rows in sheets:
        worksheet = workbook.create_sheet(_sheet_name(name, taken))
        count = -1
        for row in rows:
            worksheet.append([_xlsx_value(v) for v in row])
            count += 1
        total += max(count, 0)
    if not taken:
        workbook.create_sheet("Empty")
    workbook.save(out)
    return total


def write_xlsx(rows: Iterator[list[Any]], out: IO[bytes], *, sheet: str = "Sheet1") -> int:
    """An XLSX workbook of one sheet; returns the number of rows after the header."""
    return write_workbook([(sheet, rows)], out)


def xlsx_file(rows: Iterator[list[Any]], *, sheet: str = "Sheet1") -> IO[bytes]:
    """The workbook in a temporary file (on disk past a few MB), rewound."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(rows, spool, sheet=sheet)
    spool.seek(0)
    return spool


def csv_text(rows: Iterator[list[Any]]) -> str:
    """The whole CSV as one string (small exports and tests)."""
    buffer = io.StringIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def dated_filename(basename: str, fmt: str) -> str:
    return f"{basename}-{dt.date.today():%Y-%m-%d}.{fmt}"


def download(rows: Iterator[list[Any]], *, fmt: str, basename: str, sheet: str) -> HttpResponseBase:
    """The rows as a file download: CSV streamed a line at a time, XLSX
    built in a spooled file. Never cached: exports hold personal data. An
    unknown format is a 400 saying which ones there are."""
    if fmt not in CONTENT_TYPES:
        return HttpResponse(
            "format must be csv or xlsx", status=400, content_type="text/plain; charset=utf-8"
        )
    filename = dated_filename(basename, fmt)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            xlsx_file(rows, sheet=sheet),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES["xlsx"],
        )
    response["Cache-Control"] = "no-store"
    return response
