"""Security review findings, each once a failing demonstration and now
fixed: HRBPs writing protected attributes, status leaking to people without
work access, hidden former managers being named, terminated managers being
assigned, and sensitive values shown in the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from cadence.core.models import AccessLogEntry
from cadence.people import services
from cadence.people.models import Employee, EmploymentStatus
from tests.conftest import Org


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# --- 1. mass assignment: HRBP writes protected attributes ---------------------


def test_hrbp_cannot_patch_protected_attributes(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    resp = api.as_(org.hrbp).patch(
        f"/api/v1/employees/{org.peer.pk}",
        {"sex": "male", "date_of_birth": "1980-01-01", "disability": "yes"},
    )
    org.peer.refresh_from_db()
    assert resp.status_code in (403, 422), resp.content
    assert org.peer.sex == "female"  # the factory's value, unchanged
    assert org.peer.date_of_birth is None


def test_hrbp_cannot_create_with_protected_attributes(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    resp = api.as_(org.hrbp).post(
        "/api/v1/employees",
        {
            "employee_number": "SEC1",
            "first_name": "New",
            "last_name": "Hire",
            "email": "sec1@example.com",
            "department": org.engineering.pk,
            "race_ethnicity": "asian",
            "veteran_status": "yes",
        },
    )
    assert resp.status_code in (403, 422), resp.content
    assert not Employee.objects.filter(employee_number="SEC1", race_ethnicity="asian").exists()


# --- 2. employment status (a work-record field) leaks to everyone -------------


@pytest.fixture
def peer_on_leave(org: Org) -> Employee:
    Employee.objects.filter(pk=org.peer.pk).update(status=EmploymentStatus.ON_LEAVE)
    org.peer.refresh_from_db()
    return org.peer


def test_directory_page_does_not_show_status_to_unrelated_employee(
    org: Org, peer_on_leave: Employee
) -> None:
    html = _login(org.salesperson.user).get("/people/?q=Peer").content.decode()
    assert "Pat Peer" in html
    assert '">On leave</span>' not in html


def test_profile_reports_do_not_show_status_to_unrelated_employee(
    org: Org, peer_on_leave: Employee
) -> None:
    html = _login(org.salesperson.user).get(f"/people/{org.manager.pk}/").content.decode()
    assert "Pat Peer" in html
    assert '">On leave</span>' not in html


def test_status_filter_is_not_an_oracle_for_unrelated_employee(  # type: ignore[no-untyped-def]
    api, org: Org, peer_on_leave: Employee
) -> None:
    resp = api.as_(org.salesperson).get("/api/v1/employees", status="on_leave")
    assert resp.status_code == 200
    assert "status" not in resp.json()["items"][0] if resp.json()["items"] else True
    assert org.peer.pk not in [i["id"] for i in resp.json()["items"]]


# --- 3. a former (terminated) manager's identity leaks via their reports ----


@pytest.fixture
def lead_terminated(org: Org) -> Employee:
    Employee.objects.filter(pk=org.lead.pk).update(status=EmploymentStatus.TERMINATED)
    org.lead.refresh_from_db()
    return org.lead


def test_precondition_terminated_lead_is_hidden(org: Org, lead_terminated: Employee) -> None:
    client = _login(org.salesperson.user)
    assert client.get(f"/people/{org.lead.pk}/").status_code == 404


def test_api_manager_ref_does_not_name_hidden_former_manager(  # type: ignore[no-untyped-def]
    api, org: Org, lead_terminated: Employee
) -> None:
    body = api.as_(org.salesperson).get(f"/api/v1/employees/{org.employee.pk}").json()
    assert body.get("manager") is None or body["manager"]["id"] != org.lead.pk


def test_profile_does_not_name_hidden_former_manager(org: Org, lead_terminated: Employee) -> None:
    html = _login(org.salesperson.user).get(f"/people/{org.employee.pk}/").content.decode()
    assert "Lee Lead" not in html


def test_directory_and_export_do_not_name_hidden_former_manager(
    org: Org, lead_terminated: Employee
) -> None:
    client = _login(org.salesperson.user)
    html = client.get("/people/?q=Employee").content.decode()
    export = b"".join(client.get("/people/transfer/export/?format=csv").streaming_content)
    assert "Lee Lead" not in html
    assert org.lead.employee_number.encode() not in export


def test_api_refuses_terminated_manager(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    resp = api.as_(org.hrbp).patch(f"/api/v1/employees/{org.peer.pk}", {"manager": org.former.pk})
    assert resp.status_code == 422, resp.content


# --- 4. audit log shows salary / protected values to auditors, unlogged ------


def test_audit_log_does_not_disclose_salary_unlogged(org: Org) -> None:
    services.update_employee(
        actor=org.hr_admin,
        employee=org.peer,
        salary=Decimal("123456.78"),
        sex="non_binary",
    )
    before = AccessLogEntry.objects.count()
    client = _login(org.auditor)
    html = client.get("/logs/audit/").content.decode()
    csv = b"".join(client.get("/logs/audit/?format=csv").streaming_content).decode()
    disclosed = "123456.78" in html or "123456.78" in csv or "non_binary" in html
    logged = AccessLogEntry.objects.filter(
        object_type="people.employee", object_id=str(org.peer.pk)
    ).count()
    assert not disclosed or logged > 0, (before, logged)
