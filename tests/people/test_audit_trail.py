"""Every write through a people service leaves an audit row in the same
transaction; every read of a sensitive field leaves an access-log row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.models import AccessLogEntry, AuditEntry
from cadence.core.request_context import reset_request_id, set_request_id
from cadence.people import services
from cadence.people.models import Employee
from cadence.people.selectors import employee_records
from tests.conftest import Org, fresh


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_update_employee_records_before_after_actor_and_request_id(org: Org) -> None:
    token = set_request_id("req-test-0001")
    try:
        services.update_employee(actor=org.hr_admin, employee=org.peer, salary=Decimal("61000"))
    finally:
        reset_request_id(token)
    entry = last_audit("employee.update")
    assert entry.actor == org.hr_admin
    assert entry.object_type == "people.employee" and entry.object_id == str(org.peer.pk)
    assert entry.before == {"salary": "55000.00"}
    assert entry.after == {"salary": "61000"}
    assert entry.request_id == "req-test-0001"


def test_noop_update_writes_no_audit_row(org: Org) -> None:
    services.update_employee(actor=org.hr_admin, employee=org.peer, first_name=org.peer.first_name)
    assert not AuditEntry.objects.filter(action="employee.update").exists()


def test_create_employee_is_audited(org: Org) -> None:
    created = services.create_employee(
        actor=org.hr_admin,
        employee_number="N-1",
        first_name="Nia",
        last_name="New",
        email="nia@example.com",
        department=org.platform,
        manager=org.lead,
    )
    assert created.manager_chain_ids == [org.ceo.pk, org.manager.pk, org.lead.pk]
    assert last_audit("employee.create").after["email"] == "nia@example.com"


def test_department_writes_are_audited(org: Org) -> None:
    dept = services.create_department(
        actor=org.hr_admin, name="Data", code="DATA", parent=org.engineering
    )
    dept_id = str(dept.pk)
    services.update_department(actor=org.hr_admin, department=dept, name="Data Science")
    services.delete_department(actor=org.hr_admin, department=dept)
    actions = list(
        AuditEntry.objects.filter(object_id=dept_id, object_type="people.department")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["department.create", "department.update", "department.delete"]


def test_failed_write_leaves_no_audit_row_and_no_change(org: Org) -> None:
    with pytest.raises(ValidationError):
        services.update_employee(actor=org.hr_admin, employee=org.peer, email="not-an-email")
    assert Employee.objects.get(pk=org.peer.pk).email == "peer@example.com"
    assert not AuditEntry.objects.exists()


def test_hrbp_can_edit_in_scope_but_not_outside_or_move_out(org: Org) -> None:
    services.update_employee(actor=fresh(org.hrbp), employee=org.employee, first_name="Em")
    with pytest.raises(PermissionDenied):
        services.update_employee(actor=fresh(org.hrbp), employee=org.salesperson, first_name="X")
    with pytest.raises(PermissionDenied):
        services.update_employee(actor=fresh(org.hrbp), employee=org.employee, department=org.sales)


@pytest.mark.parametrize("who", ["manager", "employee", "executive", "auditor"])
def test_non_hr_cannot_edit_employees(org: Org, who: str) -> None:
    actor = getattr(org, who)
    actor = actor.user if isinstance(actor, Employee) else actor
    with pytest.raises(PermissionDenied):
        services.update_employee(actor=actor, employee=org.peer, first_name="X")


def test_stale_version_is_refused(org: Org) -> None:
    loaded_version = org.peer.version
    services.update_employee(
        actor=org.hr_admin, employee=org.peer, first_name="A", expected_version=loaded_version
    )
    with pytest.raises(ValidationError) as exc:
        services.update_employee(
            actor=org.hr_admin, employee=org.peer, first_name="B", expected_version=loaded_version
        )
    assert "changed by someone else" in exc.value.message_dict["version"][0]
    assert Employee.objects.get(pk=org.peer.pk).first_name == "A"


def test_sensitive_reads_are_logged_per_employee_with_fields(org: Org) -> None:
    records = employee_records(
        org.manager.user, [org.employee, org.peer, org.salesperson], context="test"
    )
    rows = {r.object_id: r for r in AccessLogEntry.objects.all()}
    assert set(rows) == {str(org.employee.pk), str(org.peer.pk)}  # not the other team
    assert rows[str(org.employee.pk)].fields == ["currency", "salary"]
    assert "salary" not in records[2].values


def test_directory_only_reads_are_not_logged(org: Org) -> None:
    employee_records(org.peer.user, [org.employee, org.salesperson], context="test")
    assert not AccessLogEntry.objects.exists()


def test_hr_admin_read_of_protected_attributes_is_logged(org: Org) -> None:
    employee_records(org.hr_admin, [org.employee], context="test")
    entry = AccessLogEntry.objects.get()
    assert {"sex", "race_ethnicity", "salary"} <= set(entry.fields)
    assert entry.actor == org.hr_admin and entry.context == "test"
