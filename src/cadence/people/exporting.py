"""Employee export, CSV or XLSX: only the employees the user may see, only
the fields they may see of each, and an access-log row for every sensitive
read. Rows are produced a chunk at a time, so a 10,000-person export holds
one chunk in memory and costs two queries a chunk (read + access log).

The headers are the import's own field labels and the cells the values the
import reads (department and location codes, job profile title, manager's
employee number, ISO dates, choice values), so an HR admin's export imports
back unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from cadence.core.exports import (
    CONTENT_TYPES,
    FORMATS,
    csv_lines,
    csv_text,
    dated_filename,
    write_csv,
    write_xlsx,
    xlsx_file,
)
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.access import access_to, visible_fields
from cadence.people.importing_files import FIELD_LABELS
from cadence.people.models import Employee
from cadence.people.selectors import DirectoryFilters, directory, employee_records

EXPORT_CONTEXT = "export.employees"
EXPORT_FIELDS = tuple(FIELD_LABELS)  # the import's fields, in the same order
CHUNK_SIZE = 1000
SHEET = "Employees"
__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "csv_lines",
    "csv_text",
    "export_filename",
    "export_rows",
    "write_csv",
    "write_xlsx",
    "xlsx_file",
]


def export_columns(user: User, filters: DirectoryFilters | None = None) -> list[str]:
    """The fields visible for at least one exported employee (one query over
    the three columns the field rules need; nothing is logged)."""
    viewer = viewer_for(user)
    seen: set[str] = set()
    if viewer.is_hr_admin:
        return list(EXPORT_FIELDS)
    rows = directory(user, filters).values_list("pk", "department_id", "reporting_path")
    for pk, department_id, path in rows.iterator(chunk_size=CHUNK_SIZE):
        stub = Employee(pk=pk, department_id=department_id, reporting_path=path)
        seen.update(visible_fields(access_to(viewer, stub)))
        if seen.issuperset(EXPORT_FIELDS):
            break
    return [name for name in EXPORT_FIELDS if name in seen]


def _cell(employee: Employee, name: str) -> Any:
    if name == "department":
        return employee.department.code if employee.department else ""
    if name == "location":
        return employee.location.code if employee.location else ""
    if name == "job_profile":
        return employee.job_profile.title if employee.job_profile else ""
    if name == "manager":  # only reached when the viewer may see the manager
        return employee.manager.employee_number if employee.manager else ""
    value = getattr(employee, name)
    return "" if value is None else value


def export_rows(
    user: User, filters: DirectoryFilters | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[Any]]:
    """The header row, then one row per visible employee: cells of fields the
    user may not see for that employee are blank. Reads are logged a chunk
    at a time as they are produced."""
    columns = export_columns(user, filters)
    yield [FIELD_LABELS[name] for name in columns]
    employees = directory(user, filters).iterator(chunk_size=chunk_size)
    while chunk := list(islice(employees, chunk_size)):
        for record in employee_records(user, chunk, context=EXPORT_CONTEXT):
            yield [
                _cell(record.employee, name)
                if name in record.values and not (name == "manager" and record.values[name] is None)
                else ""
                for name in columns
            ]


def export_filename(fmt: str) -> str:
    return dated_filename("employees", fmt)
