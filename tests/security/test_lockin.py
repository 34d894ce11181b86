"""Security review: negative cases verified to be handled correctly."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cadence.core.models import AccessLogEntry, User
from cadence.core.tokens import create_token, revoke_token
from cadence.people.models import Employee, EmploymentStatus
from tests.conftest import Org


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# --- hidden objects answer 404 --------------------------------------------------


@pytest.mark.parametrize("who", ["salesperson", "executive", "auditor", "outsider"])
def test_former_employee_is_404_everywhere(api, org: Org, who: str) -> None:  # type: ignore[no-untyped-def]
    user = getattr(org, who)
    user = user.user if isinstance(user, Employee) else user
    client = _login(user)
    pk = org.former.pk
    assert client.get(f"/people/{pk}/").status_code == 404
    assert client.get(f"/people/{pk}/edit/").status_code == 404
    assert client.get(f"/people/org-chart/?focus={pk}").status_code == 404
    assert client.get(f"/people/org-chart/{pk}/children/").status_code == 404
    assert client.get(f"/people/org-chart/{pk}/children.json").status_code == 404
    assert api.as_(user).get(f"/api/v1/employees/{pk}").status_code == 404
    assert api.as_(user).patch(f"/api/v1/employees/{pk}", {"first_name": "X"}).status_code == 404
    ids = [i["id"] for i in api.as_(user).get("/api/v1/employees", limit=100).json()["items"]]
    assert pk not in ids
    resp = client.get("/people/transfer/export/?format=csv")
    if who in ("auditor", "outsider"):
        assert resp.status_code == 404
    else:
        assert b"Former" not in b"".join(resp.streaming_content)


def test_report_count_and_profile_reports_exclude_hidden_former(org: Org) -> None:
    client = _login(org.salesperson.user)
    data = client.get(f"/people/org-chart/{org.ceo.pk}/children.json").json()
    manager = next(n for n in data if n["id"] == org.manager.pk)
    assert manager["report_count"] == 2  # lead, peer — not `former`
    html = client.get(f"/people/{org.manager.pk}/").content.decode()
    assert "Fay Former" not in html


def test_manager_chain_sees_former_report(org: Org) -> None:
    client = _login(org.manager.user)
    assert client.get(f"/people/{org.former.pk}/").status_code == 200


def test_hidden_manager_number_in_edit_form_is_refused_like_unknown(org: Org) -> None:
    # HRBP for Engineering; a terminated person in Sales is hidden from them.
    Employee.objects.filter(pk=org.salesperson.pk).update(status=EmploymentStatus.TERMINATED)
    client = _login(org.hrbp)
    resp = client.post(
        f"/people/{org.peer.pk}/edit/",
        {
            "employee_number": org.peer.employee_number,
            "first_name": "Pat",
            "last_name": "Peer",
            "email": org.peer.email,
            "manager": org.salesperson.employee_number,
            "status": "active",
            "version": org.peer.version,
        },
    )
    assert resp.status_code == 200
    assert "No current employee has the employee number" in resp.content.decode()
    org.peer.refresh_from_db()
    assert org.peer.manager_id == org.manager.pk


# --- field rules ------------------------------------------------------------------


def test_executive_never_gets_salary(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    body = api.as_(org.executive).get(f"/api/v1/employees/{org.salesperson.pk}").json()
    assert "hire_date" in body and "salary" not in body and "sex" not in body
    html = _login(org.executive).get(f"/people/{org.salesperson.pk}/").content.decode()
    assert "profile-salary" not in html
    export = b"".join(
        _login(org.executive).get("/people/transfer/export/?format=csv").streaming_content
    ).decode()
    assert "55000" not in export


def test_manager_gets_salary_not_protected_and_read_is_logged(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    Employee.objects.filter(pk=org.employee.pk).update(sex="female")
    body = api.as_(org.manager).get(f"/api/v1/employees/{org.employee.pk}").json()
    assert body["salary"] == "55000.00" and "sex" not in body
    entry = AccessLogEntry.objects.get(
        context="api.employees.detail", object_id=str(org.employee.pk)
    )
    assert entry.fields == ["currency", "salary"]


def test_hrbp_edit_form_offers_no_protected_fields_and_ignores_them(org: Org) -> None:
    client = _login(org.hrbp)
    html = client.get(f"/people/{org.peer.pk}/edit/").content.decode()
    assert 'name="sex"' not in html and 'name="salary"' in html
    client.post(
        f"/people/{org.peer.pk}/edit/",
        {
            "employee_number": org.peer.employee_number,
            "first_name": "Pat",
            "last_name": "Peer",
            "email": org.peer.email,
            "department": org.engineering.pk,
            "manager": org.manager.employee_number,
            "hire_date": "2020-01-06",
            "status": "active",
            "salary": "60000.00",
            "currency": "GBP",
            "sex": "male",
            "race_ethnicity": "white",
            "version": org.peer.version,
        },
    )
    org.peer.refresh_from_db()
    assert str(org.peer.salary) == "60000.00"  # the save went through
    assert (org.peer.sex, org.peer.race_ethnicity) == ("female", "asian")  # unchanged


def test_plain_employee_export_has_no_sensitive_columns(org: Org) -> None:
    # (Their own row would bring the columns in: export someone else only.)
    client = _login(org.salesperson.user)
    resp = client.get("/people/transfer/export/?format=csv&q=Peer")
    text = b"".join(resp.streaming_content).decode()
    assert "Pat" in text and "55000" not in text
    header = text.splitlines()[0].lower()
    assert "salary" not in header and "sex" not in header and "birth" not in header


# --- writes -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "manager", "executive"])
def test_non_hr_cannot_write(api, org: Org, who: str) -> None:  # type: ignore[no-untyped-def]
    user = getattr(org, who)
    user = user.user if isinstance(user, Employee) else user
    resp = api.as_(user).patch(f"/api/v1/employees/{org.employee.pk}", {"salary": "1"})
    assert resp.status_code == 403
    resp = api.as_(user).post(
        "/api/v1/employees",
        {"employee_number": "Z", "first_name": "a", "last_name": "b", "email": "z@example.com"},
    )
    assert resp.status_code == 403
    assert _login(user).get(f"/people/{org.employee.pk}/edit/").status_code == 404
    org.employee.refresh_from_db()
    assert str(org.employee.salary) == "55000.00"


def test_hrbp_cannot_write_out_of_scope_or_move_out(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    c = api.as_(org.hrbp)
    assert c.patch(f"/api/v1/employees/{org.salesperson.pk}", {"salary": "1"}).status_code == 403
    assert (
        c.patch(f"/api/v1/employees/{org.peer.pk}", {"department": org.sales.pk}).status_code == 403
    )
    org.peer.refresh_from_db()
    assert org.peer.department_id == org.engineering.pk


def test_api_ignores_user_reporting_path_and_unknown_fields(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    resp = api.as_(org.hr_admin).patch(
        f"/api/v1/employees/{org.peer.pk}",
        {"user": org.hr_admin.pk, "reporting_path": "/1/", "id": 999, "first_name": "Pat"},
    )
    assert resp.status_code in (200, 422)
    org.peer.refresh_from_db()
    assert org.peer.user_id != org.hr_admin.pk
    assert org.peer.reporting_path.endswith(f"/{org.peer.pk}/") and org.peer.reporting_path != "/1/"


# --- logs ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hrbp", "executive", "outsider"])
def test_logs_only_hr_admin_and_auditor(org: Org, who: str) -> None:
    client = _login(getattr(org, who))
    assert client.get("/logs/audit/").status_code == 404
    assert client.get("/logs/access/?format=csv").status_code == 404
    assert _login(org.manager.user).get("/logs/audit/").status_code == 404
    assert _login(org.auditor).get("/logs/audit/").status_code == 200
    assert _login(org.hr_admin).get("/logs/access/").status_code == 200


def test_auditor_sees_no_people(api, org: Org) -> None:  # type: ignore[no-untyped-def]
    client = _login(org.auditor)
    assert client.get(f"/people/{org.employee.pk}/").status_code == 404
    assert client.get("/people/transfer/export/").status_code == 404
    assert api.as_(org.auditor).get("/api/v1/employees").json()["count"] == 0


# --- authentication -----------------------------------------------------------------


def test_revoked_token_and_inactive_user_rejected(org: Org) -> None:
    token, raw = create_token(actor=None, user=org.hr_admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/employees").status_code == 200
    revoke_token(actor=None, token=token)
    assert client.get("/api/v1/employees").status_code == 401
    _, raw2 = create_token(actor=None, user=org.hrbp)
    User.objects.filter(pk=org.hrbp.pk).update(is_active=False)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/v1/employees").status_code == 401


def test_session_api_write_needs_csrf(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.hr_admin)
    resp = client.patch(
        f"/api/v1/employees/{org.peer.pk}",
        json.dumps({"first_name": "Hacked"}),
        content_type="application/json",
    )
    assert resp.status_code == 403
    org.peer.refresh_from_db()
    assert org.peer.first_name == "Pat"


def test_session_page_post_needs_csrf(org: Org) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.hr_admin)
    resp = client.post("/people/departments/new/", {"name": "X", "code": "X"})
    assert resp.status_code == 403


def test_lockout_refuses_right_password(org: Org, settings) -> None:  # type: ignore[no-untyped-def]
    org.hr_admin.set_password("right-pass-123")
    org.hr_admin.save()
    client = Client()
    for _ in range(settings.CADENCE_LOCKOUT_THRESHOLD):
        client.post("/accounts/login/", {"username": "HR.Admin@example.com", "password": "bad"})
    resp = client.post(
        "/accounts/login/", {"username": "hr.admin@example.com", "password": "right-pass-123"}
    )
    assert resp.status_code == 200  # form re-shown, not a redirect
    assert "_auth_user_id" not in client.session


def test_login_next_is_not_an_open_redirect(org: Org) -> None:
    org.hr_admin.set_password("right-pass-123")
    org.hr_admin.save()
    resp = Client().post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "hr.admin@example.com", "password": "right-pass-123"},
    )
    assert resp.status_code == 302
    assert "evil.example" not in resp["Location"]
