"""Reading an employee file (CSV or XLSX) into a plain table of text cells,
and matching its headers to Cadence fields. No database access here: the
page, the CLI and the tests all start from `parse_file`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from cadence.core.exports import restored

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000


class ImportFileError(ValueError):
    """The file cannot be read as a table of employees (not a row problem)."""


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: the file line (header = 1; 0 = the file as a whole), the
    file's column header, and why."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        if not self.column:
            return f"line {self.line}: {self.message}"
        return f'line {self.line}, column "{self.column}": {self.message}'


@dataclass
class ImportResult:
    """What a fixed-column import did (or, for a dry run, would do). With
    any error, nothing was saved. Imports that count more add fields."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run and self.rows > 0


def recognised_columns(
    table: Table, synonyms: dict[str, str], required: Iterable[str]
) -> tuple[dict[str, int], list[RowError]]:
    """For an import with fixed columns: {field: column index} for the
    headers it recognises (letters and digits only, any case, via
    `synonyms`), and an error for each required field with no column."""
    found: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = synonyms.get(re.sub(r"[^a-z0-9]", "", header.lower()))
        if name and name not in found:
            found[name] = index
    errors = [
        RowError(1, name, f'The file needs a "{name}" column.')
        for name in required
        if name not in found
    ]
    return found, errors


@dataclass(frozen=True)
class Table:
    """A file's header row and data rows, every cell as stripped text.
    `lines[i]` is the file line of `rows[i]` (the header is line 1)."""

    headers: list[str]
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)

    def line_of(self, index: int) -> int:
        return self.lines[index] if self.lines else index + 2

    def to_json(self) -> dict[str, Any]:
        return {"headers": self.headers, "rows": self.rows, "lines": self.lines}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(headers=list(data["headers"]), rows=data["rows"], lines=data.get("lines", []))


# --- Cadence fields and how headers map to them ------------------------------

FIELD_LABELS: dict[str, str] = {
    "employee_number": "Employee number",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "email": "Email",
    "department": "Department",
    "location": "Location",
    "job_profile": "Job profile",
    "manager": "Manager",
    "hire_date": "Hire date",
    "status": "Status",
    "salary": "Salary",
    "currency": "Currency",
    "sex": "Sex",
    "race_ethnicity": "Race/ethnicity",
    "date_of_birth": "Date of birth",
    "age_band": "Age band",
    "disability": "Disability",
    "veteran_status": "Veteran status",
}
IMPORT_FIELDS = tuple(FIELD_LABELS)

# Other spellings seen in HRIS exports, already normalised (see `_normalise`).
_SYNONYMS: dict[str, str] = {
    "employeeid": "employee_number",
    "empid": "employee_number",
    "empno": "employee_number",
    "employeeno": "employee_number",
    "staffnumber": "employee_number",
    "staffid": "employee_number",
    "personnelnumber": "employee_number",
    "id": "employee_number",
    "firstname": "first_name",
    "givenname": "first_name",
    "forename": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "familyname": "last_name",
    "knownas": "preferred_name",
    "nickname": "preferred_name",
    "emailaddress": "email",
    "workemail": "email",
    "mail": "email",
    "dept": "department",
    "departmentcode": "department",
    "departmentname": "department",
    "team": "department",
    "office": "location",
    "site": "location",
    "locationcode": "location",
    "jobtitle": "job_profile",
    "title": "job_profile",
    "position": "job_profile",
    "role": "job_profile",
    "managerid": "manager",
    "manageremail": "manager",
    "managernumber": "manager",
    "manageremployeenumber": "manager",
    "manageremployeeid": "manager",
    "reportsto": "manager",
    "linemanager": "manager",
    "supervisor": "manager",
    "startdate": "hire_date",
    "hired": "hire_date",
    "dateofhire": "hire_date",
    "employmentstatus": "status",
    "basesalary": "salary",
    "pay": "salary",
    "salarycurrency": "currency",
    "gender": "sex",
    "race": "race_ethnicity",
    "ethnicity": "race_ethnicity",
    "raceethnicity": "race_ethnicity",
    "dob": "date_of_birth",
    "birthdate": "date_of_birth",
    "dateofbirth": "date_of_birth",
    "ageband": "age_band",
    "agegroup": "age_band",
    "veteran": "veteran_status",
    "disabled": "disability",
}


def _normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


_BY_NAME = {_normalise(name): name for name in IMPORT_FIELDS} | {
    _normalise(label): name for name, label in FIELD_LABELS.items()
}


def suggest_mapping(headers: Iterable[str]) -> dict[str, str]:
    """{file header: Cadence field or "" (ignore)}, matched by name with case,
    spaces, underscores and punctuation ignored, plus common synonyms. A
    field is suggested for the first header that matches it only."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = _normalise(header)
        name = _BY_NAME.get(key) or _SYNONYMS.get(key, "")
        if name in taken:
            name = ""
        if name:
            taken.add(name)
        mapping[header] = name
    return mapping


# --- reading files -------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return restored(str(value).strip())


def _headers(raw: list[str]) -> list[str]:
    headers = [h.strip() or f"Column {i + 1}" for i, h in enumerate(raw)]
    seen: set[str] = set()
    for header in headers:
        if header.lower() in seen:
            raise ImportFileError(f'The header "{header}" appears more than once.')
        seen.add(header.lower())
    return headers


def _build(records: Iterator[tuple[int, list[str]]]) -> Table:
    first = next(records, None)
    if first is None or not any(first[1]):
        raise ImportFileError("The file is empty: the first line must hold the column headers.")
    headers = _headers(first[1])
    width = len(headers)
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, cells in records:
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
        if len(cells) > width and any(cells[width:]):
            raise ImportFileError(f"Line {line} has more cells than there are headers.")
        rows.append((cells + [""] * width)[:width])
        lines.append(line)
    return Table(headers=headers, rows=rows, lines=lines)


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield start, [restored(c.strip()) for c in cells]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num}: {exc}") from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError("The file could not be read as an XLSX workbook.") from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    finally:
        workbook.close()


def parse_file(fileobj: IO[bytes], filename: str) -> Table:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file into a Table.
    Raises ImportFileError when the file as a whole cannot be used."""
    data = fileobj.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _build(_xlsx_records(data))
    if name.endswith((".csv", ".txt")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError("The CSV file must be saved as UTF-8.") from None
        return _build(_csv_records(text))
    raise ImportFileError("Upload a .csv or .xlsx file.")
