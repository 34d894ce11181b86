"""Employee import: every bad row reported with line, column and reason;
all or nothing; idempotent; managers in any order, by number or email;
reporting loops rejected; CSV and XLSX; the CLI."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from cadence.core.models import AuditEntry
from cadence.people.importing import (
    ImportFileError,
    Table,
    apply_import,
    parse_file,
    suggest_mapping,
    validate,
)
from cadence.people.models import Employee
from tests.conftest import Org
from tests.factories import JobProfileFactory, LocationFactory

HEADER = "Employee ID,First name,Last name,Email,Dept,Manager,Hire date,Salary,Currency,Gender\n"


def table_of(text: str) -> Table:
    return parse_file(io.BytesIO(text.encode("utf-8")), "people.csv")


def run(org: Org, text: str):  # type: ignore[no-untyped-def]
    table = table_of(text)
    return apply_import(actor=org.hr_admin, table=table, mapping=suggest_mapping(table.headers))


def state() -> tuple[int, int, list[tuple]]:
    rows = list(
        Employee.objects.order_by("pk").values_list(
            "pk", "employee_number", "first_name", "email", "manager_id", "reporting_path"
        )
    )
    return Employee.objects.count(), AuditEntry.objects.count(), rows


def test_suggest_mapping_handles_case_spacing_and_synonyms() -> None:
    mapping = suggest_mapping(
        ["Employee ID", "first_name", "LAST NAME", "Manager Email", "Dept", "Start date", "Notes"]
    )
    assert mapping == {
        "Employee ID": "employee_number",
        "first_name": "first_name",
        "LAST NAME": "last_name",
        "Manager Email": "manager",
        "Dept": "department",
        "Start date": "hire_date",
        "Notes": "",
    }


def test_bad_rows_are_all_reported_and_nothing_changes(org: Org) -> None:
    text = (
        HEADER
        + "N1,Ann,Able,ann@example.com,ENG,,2021-02-03,100,GBP,female\n"  # line 2: fine
        + "N2,,Bee,bee@example.com,NOPE,,2021-13-01,abc,GBP,female\n"  # line 3: 4 errors
        + "N3,Cat,Cee,not-an-email,ENG,ghost@example.com,,,,martian\n"  # line 4: 3 errors
        + "N1,Dup,Dee,dup@example.com,ENG,,,,,\n"  # line 5: duplicate number
        + "N5,Eve,Eee,ann@example.com,ENG,,,,,\n"  # line 6: duplicate email
        + "N6,Fay,Fee,ceo@example.com,ENG,,,,,\n"  # line 7: email of an existing person
    )
    before = state()
    result = run(org, text)
    assert state() == before
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "First name"),
        (3, "Dept"),
        (3, "Hire date"),
        (3, "Salary"),
        (4, "Email"),
        (4, "Manager"),
        (4, "Gender"),
        (5, "Employee ID"),
        (6, "Email"),
        (7, "Email"),
    }
    messages = {(e.line, e.column): e.message for e in result.errors}
    assert "NOPE" in messages[(3, "Dept")]
    assert "line 2" in messages[(5, "Employee ID")]
    assert "line 2" in messages[(6, "Email")]
    assert "Unknown manager" in messages[(4, "Manager")]
    assert str(result.errors[0]) == 'line 3, column "First name": First name cannot be blank.'


def test_unknown_department_location_and_job_profile(org: Org) -> None:
    table = table_of(
        "Employee number,First name,Last name,Email,Department,Location,Job profile\n"
        "N1,Ann,Able,ann@example.com,Marketing,Mars,Astronaut\n"
    )
    plan = validate(table, suggest_mapping(table.headers))
    assert [(e.line, e.column) for e in plan.errors] == [
        (2, "Department"),
        (2, "Location"),
        (2, "Job profile"),
    ]
    assert 'Unknown department "Marketing"' in plan.errors[0].message


def test_department_location_and_job_profile_by_code_or_name(org: Org) -> None:
    office = LocationFactory(name="London", code="LON")
    job = JobProfileFactory(title="Data Engineer")
    run_result = run(
        org,
        "Employee number,First name,Last name,Email,Department,Location,Job profile,Status\n"
        "N1,Ann,Able,ann@example.com,platform,lon,data engineer,On leave\n"
        "N2,Bob,Bee,bob@example.com,plt,London,Data Engineer,ACTIVE\n",
    )
    assert run_result.ok, run_result.errors
    ann = Employee.objects.get(employee_number="N1")
    assert (ann.department, ann.location, ann.job_profile, ann.status) == (
        org.platform,
        office,
        job,
        "on_leave",
    )
    assert Employee.objects.get(employee_number="N2").department == org.platform


def test_new_employee_needs_the_required_columns(org: Org) -> None:
    table = table_of("Employee number,First name\nN1,Ann\nE-EXISTING,Bob\n")
    plan = validate(table, suggest_mapping(table.headers))
    assert {(e.line, e.column) for e in plan.errors} == {
        (2, "Last name"),
        (2, "Email"),
        (3, "Last name"),
        (3, "Email"),
    }
    # An update of an existing person needs only the key.
    number = org.employee.employee_number
    plan = validate(
        table_of(f"Employee number,First name\n{number},Emmy\n"),
        {"Employee number": "employee_number", "First name": "first_name"},
    )
    assert plan.ok and plan.counts == {"create": 0, "update": 1, "unchanged": 0}


def test_managers_listed_after_their_reports_and_by_email(org: Org) -> None:
    text = (
        "Employee number,First name,Last name,Email,Manager\n"
        "N3,Cat,Cee,cat@example.com,boss@example.com\n"  # manager by email, later row
        "N2,Bob,Bee,bob@example.com,N1\n"  # manager by number, later row
        "N1,Boss,Big,boss@example.com,manager@example.com\n"  # existing manager by email
        f"N4,Dan,Dee,dan@example.com,{org.lead.employee_number}\n"
    )
    result = run(org, text)
    assert result.ok, result.errors
    assert result.created == 4
    boss = Employee.objects.get(employee_number="N1")
    assert boss.manager == org.manager
    assert Employee.objects.get(employee_number="N2").manager == boss
    cat = Employee.objects.get(employee_number="N3")
    assert cat.manager == boss
    assert cat.reporting_path == f"{boss.reporting_path}{cat.pk}/"
    assert boss.reporting_path.startswith(org.manager.reporting_path)
    assert Employee.objects.get(employee_number="N4").manager == org.lead


def test_reimporting_the_same_file_is_idempotent(org: Org) -> None:
    text = (
        HEADER
        + 'N2,Bob,Bee,bob@example.com,ENG,N1,03/02/2021,"60,000",gbp,Male\n'
        + "N1,Ann,Able,ann@example.com,Engineering,,2021-02-03,70000.5,GBP,female\n"
    )
    first = run(org, text)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    bob = Employee.objects.get(employee_number="N2")
    assert bob.salary == Decimal("60000.00") and bob.currency == "GBP" and bob.sex == "male"
    assert str(bob.hire_date) == "2021-02-03"
    snapshot = state()
    second = run(org, text)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert state()[0] == snapshot[0] and state()[2] == snapshot[2]


def test_update_changes_only_mapped_fields_and_audits_before_after(org: Org) -> None:
    number = org.peer.employee_number
    version = org.peer.version
    result = run(
        org, f"Employee number,Last name,Manager\n{number},Peerless,{org.ceo.employee_number}\n"
    )
    assert (result.created, result.updated) == (0, 1)
    peer = Employee.objects.get(pk=org.peer.pk)
    assert peer.last_name == "Peerless" and peer.first_name == org.peer.first_name
    assert peer.salary == org.peer.salary and peer.version == version + 1
    assert peer.reporting_path == f"{org.ceo.reporting_path}{peer.pk}/"
    entry = AuditEntry.objects.get(action="employee.import.update")
    assert entry.actor == org.hr_admin and entry.object_id == str(peer.pk)
    assert entry.before == {"last_name": org.peer.last_name, "manager": org.manager.pk}
    assert entry.after == {"last_name": "Peerless", "manager": org.ceo.pk}
    summary = AuditEntry.objects.get(action="employee.import")
    assert summary.after["updated"] == 1


def test_audit_row_per_created_employee(org: Org) -> None:
    result = run(
        org,
        "Employee number,First name,Last name,Email\nN1,A,B,a@example.com\nN2,C,D,c@example.com\n",
    )
    assert result.created == 2
    creates = AuditEntry.objects.filter(action="employee.import.create")
    assert creates.count() == 2
    assert {e.after["email"] for e in creates} == {"a@example.com", "c@example.com"}
    assert AuditEntry.objects.filter(action="employee.import").count() == 1


def test_reporting_loop_within_the_file_is_rejected(org: Org) -> None:
    text = (
        "Employee number,First name,Last name,Email,Manager\n"
        "N1,A,A,a@example.com,N3\n"
        "N2,B,B,b@example.com,N1\n"
        "N3,C,C,c@example.com,N2\n"
        "N4,D,D,d@example.com,N1\n"
    )
    before = state()
    result = run(org, text)
    assert state() == before
    assert sorted(e.line for e in result.errors) == [2, 3, 4]
    assert all(e.column == "Manager" for e in result.errors)
    assert "lines 2, 3, 4" in result.errors[0].message


def test_reporting_loop_with_existing_employees_is_rejected(org: Org) -> None:
    # The manager's indirect report `employee` cannot become the manager's manager.
    text = f"Employee number,Manager\n{org.manager.employee_number},{org.employee.email}\n"
    before = state()
    result = run(org, text)
    assert state() == before
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.line, error.column) == (2, "Manager")
    assert "reporting loop" in error.message
    assert (
        org.manager.employee_number in error.message and org.lead.employee_number in error.message
    )


def test_moving_a_whole_team_in_one_file_is_not_a_loop(org: Org) -> None:
    # lead now reports to employee and employee to ceo: fine once both rows apply.
    text = (
        "Employee number,Manager\n"
        f"{org.lead.employee_number},{org.employee.employee_number}\n"
        f"{org.employee.employee_number},{org.ceo.employee_number}\n"
    )
    result = run(org, text)
    assert result.ok, result.errors
    lead = Employee.objects.get(pk=org.lead.pk)
    assert lead.reporting_path == f"{org.ceo.reporting_path}{org.employee.pk}/{lead.pk}/"


def test_xlsx_import(org: Org, tmp_path: Path) -> None:
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Employee number", "First name", "Last name", "Email", "Hire date", "Salary"])
    sheet.append([1001, "Xena", "Xu", "xena@example.com", dt.datetime(2022, 5, 1), 51000])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["1002", "Yuri", "Yo", "yuri@example.com", "2022-06-01", 52000.25])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    table = parse_file(buffer, "people.xlsx")
    assert table.lines == [2, 4]
    result = apply_import(actor=org.hr_admin, table=table, mapping=suggest_mapping(table.headers))
    assert result.ok, result.errors
    xena = Employee.objects.get(employee_number="1001")
    assert str(xena.hire_date) == "2022-05-01" and xena.salary == Decimal("51000")
    assert Employee.objects.get(employee_number="1002").salary == Decimal("52000.25")


def test_csv_with_bom_and_file_problems() -> None:
    table = parse_file(
        io.BytesIO("\ufeffEmployee number,Email\r\nN1,a@example.com\r\n".encode()), "x.csv"
    )
    assert table.headers == ["Employee number", "Email"]
    with pytest.raises(ImportFileError):
        parse_file(io.BytesIO(b""), "x.csv")
    with pytest.raises(ImportFileError):
        parse_file(io.BytesIO(b"a,A\n"), "x.csv")  # duplicate header
    with pytest.raises(ImportFileError):
        parse_file(io.BytesIO(b"\xff\xfe"), "x.csv")
    with pytest.raises(ImportFileError):
        parse_file(io.BytesIO(b"x"), "x.pdf")
    with pytest.raises(ImportFileError):
        parse_file(io.BytesIO(b"not a zip"), "x.xlsx")


def test_only_hr_admin_may_apply(org: Org) -> None:
    table = table_of("Employee number,First name,Last name,Email\nN1,A,B,a@example.com\n")
    with pytest.raises(PermissionDenied):
        apply_import(actor=org.hrbp, table=table, mapping=suggest_mapping(table.headers))
    assert not Employee.objects.filter(employee_number="N1").exists()


def test_validation_query_count_does_not_grow_with_rows(
    org: Org, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    lines = [
        f"N{i},F{i},L{i},p{i}@example.com,ENG,{'N' + str(i - 1) if i else ''},LON"
        for i in range(300)
    ]
    table = table_of(
        "Employee number,First name,Last name,Email,Dept,Manager,Location\n" + "\n".join(lines)
    )
    with django_assert_max_num_queries(5):
        plan = validate(table, suggest_mapping(table.headers))
    assert len(plan.errors) == 300  # every row: unknown location


# --- CLI ---------------------------------------------------------------------


def _cli(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_employees", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_reports_every_bad_row_and_exits_non_zero(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Staff number,First name,Last name,Email\nN1,,B,a@example.com\nN2,C,D,bad\n")
    before = state()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_employees", str(path), stdout=io.StringIO(), stderr=err)
    assert "2 error(s)" in str(exc.value)
    assert err.getvalue().splitlines() == [
        'line 2, column "First name": First name cannot be blank.',
        'line 3, column "Email": "bad" is not a valid email address.',
    ]
    assert state() == before


def test_cli_dry_run_map_and_apply(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Badge,First name,Last name,Email,Notes\nN1,A,B,a@example.com,x\n")
    out, _ = _cli(str(path), "--map", "Badge=employee_number", "--dry-run")
    assert "1 to create, 0 to update, 0 unchanged" in out
    assert not Employee.objects.filter(employee_number="N1").exists()
    out, _ = _cli(str(path), "--map", "Badge=employee_number", "--as", org.hr_admin.email)
    assert "1 created, 0 updated, 0 unchanged" in out
    assert AuditEntry.objects.get(action="employee.import.create").actor == org.hr_admin
    out, _ = _cli(str(path), "--map", "Badge=employee_number")
    assert "0 created, 0 updated, 1 unchanged" in out
    assert AuditEntry.objects.filter(action="employee.import").first().actor_label == "system"  # type: ignore[union-attr]


def test_cli_refuses_a_non_hr_actor(org: Org, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Employee number,First name,Last name,Email\nN1,A,B,a@example.com\n")
    with pytest.raises(CommandError, match="not an HR admin"):
        _cli(str(path), "--as", org.manager.email)
