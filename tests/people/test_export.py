"""Employee export: only visible employees, only visible fields, reads
logged, CSV and XLSX, and an HR admin's export re-imports unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from cadence.core.models import AccessLogEntry
from cadence.people.exporting import csv_text, export_rows
from cadence.people.importing import apply_import, parse_file, suggest_mapping
from cadence.people.models import Employee
from cadence.people.selectors import DirectoryFilters
from tests.conftest import Org
from tests.factories import EmployeeFactory


def rows_of(user, filters: DirectoryFilters | None = None) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    text = csv_text(export_rows(user, filters))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return {row["Email"]: row for row in reader}


def test_employee_sees_own_salary_and_protected_fields_but_nobody_elses(org: Org) -> None:
    rows = rows_of(org.employee.user)
    me = rows["employee@example.com"]
    assert me["Salary"] == "55000.00" and me["Sex"] == "female" and me["Race/ethnicity"] == "asian"
    for email, row in rows.items():
        if email != "employee@example.com":
            assert row["Salary"] == row["Currency"] == row["Sex"] == row["Hire date"] == ""
    assert rows["peer@example.com"]["First name"] == "Pat"


def test_manager_sees_reports_salary_but_not_protected_fields(org: Org) -> None:
    rows = rows_of(org.manager.user)
    assert rows["employee@example.com"]["Salary"] == "55000.00"
    assert rows["lead@example.com"]["Salary"] == "55000.00"
    assert rows["employee@example.com"]["Sex"] == ""
    assert rows["sales@example.com"]["Salary"] == ""
    assert rows["former@example.com"]["Salary"] == "55000.00"  # a former report


def test_peer_does_not_get_terminated_employees(org: Org) -> None:
    rows = rows_of(org.peer.user)
    assert "former@example.com" not in rows
    assert "salesperson@example.com" not in rows and "sales@example.com" in rows


def test_columns_are_the_union_of_visible_fields(org: Org) -> None:
    header = next(export_rows(org.executive))
    assert "Hire date" in header and "Salary" not in header and "Sex" not in header
    header = next(export_rows(org.hr_admin))
    assert "Sex" in header and "Veteran status" in header


def test_export_writes_the_access_log(org: Org) -> None:
    before = AccessLogEntry.objects.count()
    rows_of(org.manager.user)
    entries = AccessLogEntry.objects.filter(context="export.employees")
    assert entries.count() == AccessLogEntry.objects.count() - before
    logged = {int(e.object_id): e.fields for e in entries}
    assert logged[org.employee.pk] == ["currency", "salary"]
    assert org.salesperson.pk not in logged
    assert all(e.actor == org.manager.user for e in entries)


def test_filters_are_the_directorys(org: Org) -> None:
    rows = rows_of(org.hr_admin, DirectoryFilters(department=org.engineering.pk))
    assert "sales@example.com" not in rows and "employee@example.com" in rows
    rows = rows_of(org.hr_admin, DirectoryFilters(status="terminated"))
    assert list(rows) == ["former@example.com"]


def test_round_trip_export_then_import_is_all_unchanged(org: Org) -> None:
    text = csv_text(export_rows(org.hr_admin))
    table = parse_file(io.BytesIO(text.encode("utf-8")), "export.csv")
    mapping = suggest_mapping(table.headers)
    assert "" not in mapping.values()
    result = apply_import(actor=org.hr_admin, table=table, mapping=mapping)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, Employee.objects.count())


def test_round_trip_xlsx(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command(
        "export_employees",
        "--format",
        "xlsx",
        "--as",
        org.hr_admin.email,
        "-o",
        str(path),
        stdout=out,
    )
    assert "Exported 8 employee(s)" in out.getvalue()
    sheet = load_workbook(path, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[0] == "Employee number"
    with path.open("rb") as fileobj:
        table = parse_file(fileobj, path.name)
    result = apply_import(actor=None, table=table, mapping=suggest_mapping(table.headers))
    assert result.ok, result.errors
    assert result.unchanged == 8 and result.created == result.updated == 0


def test_export_page_csv_and_xlsx(client: Client, org: Org) -> None:
    client.force_login(org.employee.user)
    resp = client.get(f"/people/transfer/export/?format=csv&department={org.sales.pk}")
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    body = b"".join(resp.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    emails = {row["Email"] for row in csv.DictReader(io.StringIO(body))}
    assert emails == {"sales@example.com", "other.manager@example.com"}
    resp = client.get("/people/transfer/export/?format=xlsx")
    assert resp.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)  # type: ignore[attr-defined]
    assert len(list(workbook.worksheets[0].iter_rows())) == 8  # header + 7 current staff
    assert client.get("/people/transfer/export/?format=pdf").status_code == 400


def test_export_page_is_404_outside_the_organisation(client: Client, org: Org) -> None:
    client.force_login(org.outsider)
    assert client.get("/people/transfer/export/").status_code == 404


def test_export_queries_are_bounded_per_chunk(org: Org, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        EmployeeFactory(department=org.engineering, manager=org.manager)
    user = org.manager.user
    with django_assert_max_num_queries(4 + 2 * 4):
        rows = list(export_rows(user, chunk_size=10))
    assert len(rows) == 1 + 38


def test_cli_export_csv(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    call_command("export_employees", "--as", org.peer.email, "-o", str(path), stdout=io.StringIO())
    text = path.read_text(encoding="utf-8-sig")
    assert "former@example.com" not in text and "peer@example.com" in text
