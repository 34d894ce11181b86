"""Employees and departments through the API: visibility per role, field
access, the access log, audited writes and the error shapes."""

from __future__ import annotations

import pytest

from cadence.core.models import AccessLogEntry, AuditEntry
from cadence.people.models import Department, Employee
from tests.api_client import ids
from tests.factories import (
    CompetencyFactory,
    DepartmentFactory,
    EmployeeFactory,
    JobProfileFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db


def _detail(api, who, employee):
    return api.as_(who).get(f"/api/v1/employees/{employee.pk}")


# --- visibility and field access ------------------------------------------------


def test_employee_reading_a_peer_sees_no_salary(api, org):
    response = _detail(api, org.employee, org.peer)
    assert response.status_code == 200
    body = response.json()
    assert body["first_name"] == "Pat"
    for hidden in ("salary", "currency", "sex", "hire_date", "status", "date_of_birth"):
        assert hidden not in body
    item = next(
        i
        for i in api.as_(org.employee).get("/api/v1/employees").json()["items"]
        if i["id"] == org.peer.pk
    )
    assert "salary" not in item and "sex" not in item


def test_employee_sees_their_own_whole_record(api, org):
    body = _detail(api, org.employee, org.employee).json()
    assert body["salary"] == "55000.00"
    assert body["sex"] == "female"


def test_manager_sees_salary_of_own_team_but_not_of_another(api, org):
    assert _detail(api, org.manager, org.employee).json()["salary"] == "55000.00"
    assert "sex" not in _detail(api, org.manager, org.employee).json()
    other = _detail(api, org.other_manager, org.employee).json()
    assert "salary" not in other and "status" not in other


def test_hrbp_sees_salary_in_scope_only(api, org):
    assert _detail(api, org.hrbp, org.employee).json()["salary"] == "55000.00"
    assert "sex" not in _detail(api, org.hrbp, org.employee).json()
    assert "salary" not in _detail(api, org.hrbp, org.salesperson).json()


def test_executive_sees_work_record_but_no_salary(api, org):
    body = _detail(api, org.executive, org.salesperson).json()
    assert body["status"] == "active" and "salary" not in body


def test_hr_admin_sees_protected_attributes(api, org):
    body = _detail(api, org.hr_admin, org.employee).json()
    assert body["sex"] == "female" and body["race_ethnicity"] == "asian"


def test_terminated_employee_is_404_for_peers(api, org):
    response = _detail(api, org.peer, org.former)
    assert response.status_code == 404
    assert response.json()["detail"]
    assert org.former.pk not in ids(api.as_(org.peer).get("/api/v1/employees", limit=500))
    # Their former manager chain and HR still see them.
    assert _detail(api, org.manager, org.former).status_code == 200
    assert _detail(api, org.hrbp, org.former).status_code == 200


def test_outsider_sees_nothing(api, org):
    client = api.as_(org.outsider)
    assert client.get("/api/v1/employees").json() == {"count": 0, "items": []}
    assert client.get(f"/api/v1/employees/{org.peer.pk}").status_code == 404
    assert client.get("/api/v1/departments").json()["count"] == 0
    assert client.get(f"/api/v1/departments/{org.company.pk}").status_code == 404
    assert client.get("/api/v1/job-profiles").json()["count"] == 0
    assert client.get("/api/v1/competencies").json()["count"] == 0


def test_auditor_sees_no_people(api, org):
    assert api.as_(org.auditor).get("/api/v1/employees").json()["count"] == 0


# --- access log ------------------------------------------------------------------


def test_sensitive_reads_are_access_logged(api, org):
    _detail(api, org.manager, org.employee)
    entry = AccessLogEntry.objects.get(context="api.employees.detail")
    assert entry.actor == org.manager.user
    assert entry.object_id == str(org.employee.pk)
    assert entry.fields == ["currency", "salary"]

    api.as_(org.hr_admin).get("/api/v1/employees", limit=500)
    logged = set(
        AccessLogEntry.objects.filter(context="api.employees.list").values_list(
            "object_id", flat=True
        )
    )
    assert str(org.employee.pk) in logged and str(org.former.pk) in logged


def test_non_sensitive_reads_are_not_logged(api, org):
    _detail(api, org.employee, org.peer)
    api.as_(org.peer).get("/api/v1/employees")
    assert not AccessLogEntry.objects.exclude(object_id=str(org.peer.pk)).exists()


# --- filters and pagination ---------------------------------------------------------


def test_filters(api, org):
    client = api.as_(org.hr_admin)
    engineering = set(ids(client.get("/api/v1/employees", department=org.engineering.pk)))
    assert {org.manager.pk, org.lead.pk, org.employee.pk, org.peer.pk} <= engineering
    assert org.salesperson.pk not in engineering
    assert ids(client.get("/api/v1/employees", manager=org.lead.pk)) == [org.employee.pk]
    assert ids(client.get("/api/v1/employees", q="Emma")) == [org.employee.pk]
    assert ids(client.get("/api/v1/employees", status="terminated")) == [org.former.pk]


def test_pagination_is_bounded(api, org):
    client = api.as_(org.hr_admin)
    page = client.get("/api/v1/employees", limit=2, offset=1).json()
    assert page["count"] == Employee.objects.count() and len(page["items"]) == 2
    assert client.get("/api/v1/employees", offset=10**9).json()["items"] == []
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 10**30}, {"limit": "x"}):
        response = client.get("/api/v1/employees", **bad)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] in {"limit", "offset"}


# --- writes ----------------------------------------------------------------------


def test_hr_admin_creates_an_employee(api, org):
    location = LocationFactory()
    body = {
        "employee_number": "N-1",
        "first_name": "Nia",
        "last_name": "New",
        "email": "nia@example.com",
        "department": org.platform.pk,
        "location": location.pk,
        "manager": org.lead.pk,
        "salary": "61000.50",
        "currency": "GBP",
    }
    response = api.as_(org.hr_admin).post("/api/v1/employees", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["manager"] == {"id": org.lead.pk, "name": "Lee Lead"}
    assert created["salary"] == "61000.50"
    employee = Employee.objects.get(pk=created["id"])
    assert employee.reporting_path.startswith(org.lead.reporting_path)
    entry = AuditEntry.objects.get(action="employee.create")
    assert entry.actor == org.hr_admin and entry.object_id == str(employee.pk)


def test_hrbp_creates_only_in_scope(api, org):
    body = {"employee_number": "N-2", "first_name": "A", "last_name": "B", "email": "a@x.org"}
    in_scope = api.as_(org.hrbp).post("/api/v1/employees", {**body, "department": org.platform.pk})
    assert in_scope.status_code == 201, in_scope.content
    body = {**body, "employee_number": "N-3", "email": "c@x.org", "department": org.sales.pk}
    assert api.as_(org.hrbp).post("/api/v1/employees", body).status_code == 403
    assert api.as_(org.manager).post("/api/v1/employees", body).status_code == 403


def test_unknown_ids_are_field_errors(api, org):
    body = {
        "employee_number": "N-4",
        "first_name": "A",
        "last_name": "B",
        "email": "b@x.org",
        "department": 999_999,
        "manager": 888_888,
    }
    response = api.as_(org.hr_admin).post("/api/v1/employees", body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"department", "manager"}


def test_invalid_body_names_the_field(api, org):
    response = api.as_(org.hr_admin).post("/api/v1/employees", {"first_name": "A"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"employee_number", "last_name", "email"} <= fields
    response = api.as_(org.hr_admin).client.post(
        "/api/v1/employees", "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]


def test_duplicate_email_is_a_field_error(api, org):
    body = {"employee_number": "N-5", "first_name": "A", "last_name": "B", "email": org.peer.email}
    response = api.as_(org.hr_admin).post("/api/v1/employees", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]


def test_patch_changes_only_what_is_sent_and_is_audited(api, org):
    response = api.as_(org.hr_admin).patch(
        f"/api/v1/employees/{org.peer.pk}", {"preferred_name": "Patty", "version": 1}
    )
    assert response.status_code == 200, response.content
    assert response.json()["preferred_name"] == "Patty"
    assert response.json()["version"] == 2
    org.peer.refresh_from_db()
    assert org.peer.last_name == "Peer" and org.peer.salary is not None
    entry = AuditEntry.objects.get(action="employee.update")
    assert entry.after == {"preferred_name": "Patty"} and entry.actor == org.hr_admin


def test_patch_null_clears_optional_text(api, org):
    client = api.as_(org.hr_admin)
    response = client.patch(f"/api/v1/employees/{org.peer.pk}", {"sex": None, "salary": None})
    assert response.status_code == 200, response.content
    assert response.json()["sex"] == "" and response.json()["salary"] is None
    response = client.patch(f"/api/v1/employees/{org.peer.pk}", {"first_name": None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "first_name"


def test_stale_version_is_409(api, org):
    client = api.as_(org.hr_admin)
    assert client.patch(f"/api/v1/employees/{org.peer.pk}", {"first_name": "P"}).status_code == 200
    response = client.patch(f"/api/v1/employees/{org.peer.pk}", {"first_name": "Q", "version": 1})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "version"
    org.peer.refresh_from_db()
    assert org.peer.first_name == "P"


def test_reporting_loop_is_a_manager_field_error(api, org):
    response = api.as_(org.hr_admin).patch(
        f"/api/v1/employees/{org.manager.pk}", {"manager": org.employee.pk}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["manager"]
    org.manager.refresh_from_db()
    assert org.manager.manager_id == org.ceo.pk


def test_patch_permissions(api, org):
    path = f"/api/v1/employees/{org.employee.pk}"
    assert api.as_(org.manager).patch(path, {"first_name": "X"}).status_code == 403
    assert api.as_(org.hrbp).patch(path, {"first_name": "X"}).status_code == 200
    # An HRBP may not move someone out of their scope.
    response = api.as_(org.hrbp).patch(path, {"department": org.sales.pk})
    assert response.status_code == 403
    hidden = f"/api/v1/employees/{org.former.pk}"
    assert api.as_(org.peer).patch(hidden, {"first_name": "X"}).status_code == 404


# --- departments --------------------------------------------------------------------


def test_departments(api, org):
    listing = api.as_(org.employee).get("/api/v1/departments").json()
    assert listing["count"] == 4
    assert listing["items"][0] == {
        "id": org.company.pk,
        "name": "Company",
        "code": "CO",
        "parent": None,
        "description": "",
        "depth": 0,
    }
    detail = api.as_(org.employee).get(f"/api/v1/departments/{org.platform.pk}").json()
    assert detail["parent"] == org.engineering.pk and detail["depth"] == 2
    assert api.as_(org.employee).get("/api/v1/departments/999999").status_code == 404


def test_create_department(api, org):
    body = {"name": "Legal", "code": "LEG", "parent": org.company.pk}
    assert api.as_(org.hrbp).post("/api/v1/departments", body).status_code == 403
    response = api.as_(org.hr_admin).post("/api/v1/departments", body)
    assert response.status_code == 201, response.content
    legal = Department.objects.get(code="LEG")
    assert legal.path == f"{org.company.path}{legal.pk}/"
    assert AuditEntry.objects.filter(action="department.create", actor=org.hr_admin).exists()
    duplicate = api.as_(org.hr_admin).post("/api/v1/departments", body)
    assert duplicate.status_code == 422
    assert [e["field"] for e in duplicate.json()["errors"]] == ["code"]
    orphan = api.as_(org.hr_admin).post(
        "/api/v1/departments", {"name": "X", "code": "X", "parent": 123456}
    )
    assert orphan.status_code == 422 and orphan.json()["errors"][0]["field"] == "parent"


# --- jobs ----------------------------------------------------------------------------


def test_job_profiles_and_competencies(api, org):
    profile = JobProfileFactory(title="Platform engineer", duties="Build\nRun\n")
    competency = CompetencyFactory(name="Ownership")
    profile.expected_proficiencies.create(competency=competency, level=3)
    client = api.as_(org.employee)
    assert [p["title"] for p in client.get("/api/v1/job-profiles").json()["items"]] == [
        "Platform engineer"
    ]
    detail = client.get(f"/api/v1/job-profiles/{profile.pk}").json()
    assert detail["duties"] == ["Build", "Run"]
    assert detail["expected_proficiencies"] == [
        {"competency": {"id": competency.pk, "name": "Ownership", "category": "core"}, "level": 3}
    ]
    competencies = client.get(
        "/api/v1/competencies", framework=competency.framework_id, category="core"
    ).json()
    assert [c["name"] for c in competencies["items"]] == ["Ownership"]
    assert client.get("/api/v1/competencies", category="nope").status_code == 422
    assert client.get("/api/v1/job-profiles/424242").status_code == 404


# --- query budget ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 200])
def test_employee_list_query_budget(api, django_assert_max_num_queries, size):
    from cadence.core.models import Role
    from tests.factories import UserFactory, grant

    department = DepartmentFactory()
    location = LocationFactory()
    job = JobProfileFactory()
    boss = EmployeeFactory(department=department)
    for _ in range(size - 1):
        EmployeeFactory(department=department, location=location, job_profile=job, manager=boss)
    reader = UserFactory()
    grant(reader, Role.HR_ADMIN)
    client = api.as_(reader)
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/employees", limit=500, department=department.pk, q="First")
    assert response.status_code == 200
    assert response.json()["count"] == size and len(response.json()["items"]) == size
    assert AccessLogEntry.objects.count() == size


def test_a_body_over_the_upload_limit_is_a_json_413(api, org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    resp = api.as_(org.hr_admin).post("/api/v1/goal-periods", {"name": "x" * 2000})
    assert resp.status_code == 413
    assert resp["Content-Type"].startswith("application/json")
    assert "larger than this server accepts" in resp.json()["detail"]
