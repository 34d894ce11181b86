"""The people pages: what each role sees on a profile, the directory's
search, filters and pages, the edit form, and the HR-admin pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from cadence.core.models import AccessLogEntry, AuditEntry, User
from cadence.people.models import Department, Employee, Location
from tests.conftest import Org
from tests.factories import EmployeeFactory, JobProfileFactory, LocationFactory

SALARY = "55000"


def as_(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def row(employee: Employee) -> str:
    """The start of an employee's directory row (the manager column links too)."""
    return f'<td class="person-name"><a href="/people/{employee.pk}/">'


def page(client: Client, url: str, **params: str) -> str:
    resp = client.get(url, params)
    assert resp.status_code == 200, resp.status_code
    return resp.content.decode()


# --- login -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/people/", "/people/1/", "/people/org-chart/", "/people/departments/"]
)
def test_pages_require_login(client: Client, db: None, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


# --- profile: each role's view ---------------------------------------------------------


def test_peer_sees_directory_fields_but_no_salary(client: Client, org: Org) -> None:
    html = page(as_(client, org.peer.user), f"/people/{org.employee.pk}/")
    assert "Emma Employee" in html
    assert org.employee.email in html
    assert SALARY not in html and "Salary" not in html
    assert "Hire date" not in html
    assert "Sensitive — HR only" not in html
    assert not AccessLogEntry.objects.exists()


def test_manager_sees_reports_salary_but_not_protected(client: Client, org: Org) -> None:
    html = page(as_(client, org.manager.user), f"/people/{org.employee.pk}/")
    assert "Salary" in html and SALARY in html
    assert "Hire date" in html
    assert "Sensitive — HR only" not in html
    assert "Asian" not in html


def test_manager_profile_view_with_salary_writes_access_log(client: Client, org: Org) -> None:
    page(as_(client, org.manager.user), f"/people/{org.employee.pk}/")
    entry = AccessLogEntry.objects.get()
    assert entry.actor == org.manager.user
    assert entry.object_id == str(org.employee.pk)
    assert entry.context == "page.profile"
    assert entry.fields == ["currency", "salary"]


def test_hr_admin_sees_protected_attributes(client: Client, org: Org) -> None:
    html = page(as_(client, org.hr_admin), f"/people/{org.employee.pk}/")
    assert "Sensitive — HR only" in html
    assert "Asian" in html and SALARY in html
    fields = AccessLogEntry.objects.get().fields
    assert "race_ethnicity" in fields and "salary" in fields


def test_hrbp_outside_scope_sees_no_salary(client: Client, org: Org) -> None:
    html = page(as_(client, org.hrbp), f"/people/{org.salesperson.pk}/")
    assert "Sam Seller" in html
    assert SALARY not in html and "Salary" not in html
    assert "/edit/" not in html


def test_hrbp_in_scope_sees_salary_and_edit_link(client: Client, org: Org) -> None:
    html = page(as_(client, org.hrbp), f"/people/{org.peer.pk}/")
    assert SALARY in html
    assert f"/people/{org.peer.pk}/edit/" in html
    assert "Sensitive — HR only" not in html


def test_terminated_employee_is_404_for_a_peer(client: Client, org: Org) -> None:
    assert as_(client, org.peer.user).get(f"/people/{org.former.pk}/").status_code == 404
    assert "Fay Former" not in page(client, "/people/", q="Former")


def test_former_employee_visible_to_their_manager(client: Client, org: Org) -> None:
    html = page(as_(client, org.manager.user), f"/people/{org.former.pk}/")
    assert "Fay Former" in html


def test_outsider_sees_nobody(client: Client, org: Org) -> None:
    assert as_(client, org.outsider).get(f"/people/{org.ceo.pk}/").status_code == 404
    assert "No one matches" in page(client, "/people/")


def test_profile_shows_manager_chain_and_direct_reports(client: Client, org: Org) -> None:
    html = page(as_(client, org.peer.user), f"/people/{org.lead.pk}/")
    chain = html.index('aria-label="Manager chain"')
    assert html.index("Cora Chief", chain) < html.index("Mona Manager", chain)
    assert f'href="/people/{org.employee.pk}/"' in html


# --- directory ------------------------------------------------------------------------


def test_directory_search(client: Client, org: Org) -> None:
    html = page(as_(client, org.employee.user), "/people/", q="Seller")
    assert row(org.salesperson) in html and row(org.employee) not in html
    assert "1 person" in html


def test_directory_empty_state(client: Client, org: Org) -> None:
    html = page(as_(client, org.employee.user), "/people/", q="zzzz-nobody")
    assert "No one matches" in html


def test_directory_department_filter_includes_sub_departments(client: Client, org: Org) -> None:
    html = page(as_(client, org.hr_admin), "/people/", department=str(org.engineering.pk))
    for person in (org.manager, org.peer, org.lead, org.employee):
        assert row(person) in html
    assert row(org.salesperson) not in html and row(org.ceo) not in html


def test_directory_location_job_profile_and_status_filters(client: Client, org: Org) -> None:
    office = LocationFactory(name="Lisbon office")
    job = JobProfileFactory(title="Solutions architect")
    Employee.objects.filter(pk=org.peer.pk).update(location=office, job_profile=job)
    as_(client, org.hr_admin)
    html = page(client, "/people/", location=str(office.pk))
    assert row(org.peer) in html and row(org.employee) not in html
    html = page(client, "/people/", job_profile=str(job.pk))
    assert row(org.peer) in html and "Solutions architect" in html
    assert row(org.salesperson) not in html
    html = page(client, "/people/", status="terminated")
    assert row(org.former) in html and row(org.peer) not in html


def test_directory_pagination_keeps_filters(client: Client, org: Org) -> None:
    for _ in range(30):
        EmployeeFactory(department=org.sales, manager=org.other_manager)
    as_(client, org.hr_admin)
    html = page(client, "/people/", department=str(org.sales.pk))
    assert "page 1 of 2" in html
    assert f"department={org.sales.pk}&amp;page=2" in html
    assert f"/people/transfer/export/?format=csv&amp;department={org.sales.pk}" in html
    html = page(client, "/people/", department=str(org.sales.pk), page="2")
    assert "page 2 of 2" in html and 'rel="prev"' in html
    assert "32 people" in html


def test_directory_htmx_request_gets_only_the_results(client: Client, org: Org) -> None:
    as_(client, org.employee.user)
    resp = client.get("/people/", {"q": "Seller"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert 'id="directory-results"' in html and "Sam Seller" in html
    assert "<html" not in html


# --- edit -----------------------------------------------------------------------------


def _edit_data(client: Client, employee: Employee) -> dict[str, str]:
    resp = client.get(f"/people/{employee.pk}/edit/")
    assert resp.status_code == 200
    form = resp.context["form"]
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else str(field.prepare_value(value))
    return data


def test_non_editors_get_404_on_edit(client: Client, org: Org) -> None:
    for user in (org.manager.user, org.peer.user, org.executive):
        assert as_(client, user).get(f"/people/{org.employee.pk}/edit/").status_code == 404
    # an HRBP outside their scope
    assert as_(client, org.hrbp).get(f"/people/{org.salesperson.pk}/edit/").status_code == 404


def test_hr_admin_edit_is_audited(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    data = _edit_data(client, org.peer)
    assert data["manager"] == org.manager.employee_number
    data.update(preferred_name="Patty", salary="60000.00")
    resp = client.post(f"/people/{org.peer.pk}/edit/", data)
    assert resp.status_code == 302, resp.context["form"].errors
    org.peer.refresh_from_db()
    assert org.peer.preferred_name == "Patty" and org.peer.salary == Decimal("60000.00")
    entry = AuditEntry.objects.get(action="employee.update")
    assert entry.actor == org.hr_admin
    assert entry.after == {"preferred_name": "Patty", "salary": "60000.00"}


def test_hrbp_edit_form_has_no_protected_fields(client: Client, org: Org) -> None:
    data = _edit_data(as_(client, org.hrbp), org.peer)
    assert "salary" in data and "sex" not in data and "race_ethnicity" not in data


def test_stale_version_shows_changed_by_someone_else(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    data = _edit_data(client, org.peer)
    Employee.objects.filter(pk=org.peer.pk).update(version=5)
    data["preferred_name"] = "Patty"
    resp = client.post(f"/people/{org.peer.pk}/edit/", data)
    assert resp.status_code == 200
    assert "changed by someone else" in resp.content.decode()
    assert not AuditEntry.objects.filter(action="employee.update").exists()


def test_reporting_loop_shown_on_manager_field(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    data = _edit_data(client, org.manager)
    data["manager"] = org.employee.employee_number  # employee reports (indirectly) to manager
    resp = client.post(f"/people/{org.manager.pk}/edit/", data)
    assert resp.status_code == 200
    form = resp.context["form"]
    assert "reporting loop" in " ".join(form.errors["manager"])
    html = resp.content.decode()
    assert 'aria-describedby="id_manager_error' in html


def test_unknown_manager_number_is_a_field_error(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    data = _edit_data(client, org.peer)
    data["manager"] = "NOPE-1"
    resp = client.post(f"/people/{org.peer.pk}/edit/", data)
    assert "No current employee" in " ".join(resp.context["form"].errors["manager"])


# --- HR-admin pages ---------------------------------------------------------------------


HR_URLS = [
    "/people/departments/",
    "/people/departments/new/",
    "/people/departments/{dept}/edit/",
    "/people/departments/{dept}/delete/",
    "/people/locations/",
    "/people/locations/new/",
]


@pytest.mark.parametrize("url", HR_URLS)
def test_hr_admin_pages_are_404_for_everyone_else(client: Client, org: Org, url: str) -> None:
    url = url.format(dept=org.sales.pk)
    for user in (org.hrbp, org.executive, org.auditor, org.manager.user, org.outsider):
        assert as_(client, user).get(url).status_code == 404
    assert as_(client, org.hr_admin).get(url).status_code == 200


def test_department_tree_with_counts(client: Client, org: Org) -> None:
    html = page(as_(client, org.hr_admin), "/people/departments/")
    assert html.index("Company") < html.index("Engineering") < html.index("Platform")
    assert "--depth: 2" in html  # Platform sits two levels down


def test_department_create_and_cycle_error_on_parent(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    resp = client.post(
        "/people/departments/new/",
        {"name": "Research", "code": "RES", "parent": org.engineering.pk, "description": ""},
    )
    assert resp.status_code == 302
    research = Department.objects.get(code="RES")
    assert research.path.startswith(org.engineering.path)
    assert AuditEntry.objects.filter(action="department.create").exists()

    resp = client.post(
        f"/people/departments/{org.engineering.pk}/edit/",
        {"name": "Engineering", "code": "ENG", "parent": org.platform.pk, "description": ""},
    )
    assert resp.status_code == 200
    assert "cannot sit under itself" in " ".join(resp.context["form"].errors["parent"])
    assert 'aria-describedby="id_parent_error' in resp.content.decode()


def test_department_delete_confirm_and_refusal_message(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    assert "Delete Sales?" in page(client, f"/people/departments/{org.sales.pk}/delete/")
    resp = client.post(f"/people/departments/{org.sales.pk}/delete/", follow=True)
    assert "Move its employees to another department first." in resp.content.decode()
    assert Department.objects.filter(pk=org.sales.pk).exists()

    empty = Department.objects.create(name="Empty", code="EMP", path="")
    client.post(f"/people/departments/{empty.pk}/delete/")
    assert not Department.objects.filter(pk=empty.pk).exists()


def test_location_create_and_edit(client: Client, org: Org) -> None:
    as_(client, org.hr_admin)
    resp = client.post(
        "/people/locations/new/",
        {"name": "Berlin", "code": "BER", "country": "DE", "timezone": "Europe/Berlin"},
    )
    assert resp.status_code == 302
    location = Location.objects.get(code="BER")
    resp = client.post(
        f"/people/locations/{location.pk}/edit/",
        {"name": "Berlin Mitte", "code": "BER", "country": "DE", "timezone": "Europe/Berlin"},
    )
    assert resp.status_code == 302
    location.refresh_from_db()
    assert location.name == "Berlin Mitte"
    assert "Berlin Mitte" in page(client, "/people/locations/")
    assert AuditEntry.objects.filter(action="location.update").exists()


# --- org chart ---------------------------------------------------------------------


def test_org_chart_top_level_and_lazy_children(client: Client, org: Org) -> None:
    as_(client, org.employee.user)
    html = page(client, "/people/org-chart/")
    assert "Cora Chief" in html and "Mona Manager" not in html
    assert 'aria-expanded="false"' in html
    assert f'hx-get="/people/org-chart/{org.ceo.pk}/children/"' in html
    fragment = page(client, f"/people/org-chart/{org.ceo.pk}/children/")
    assert "Mona Manager" in fragment and "Otto Other" in fragment
    assert "<html" not in fragment


def test_org_chart_focus_opens_the_path(client: Client, org: Org) -> None:
    html = page(as_(client, org.peer.user), "/people/org-chart/", focus=str(org.employee.pk))
    for name in ("Cora Chief", "Mona Manager", "Lee Lead", "Emma Employee"):
        assert name in html
    assert 'aria-expanded="true"' in html


def test_org_chart_json(client: Client, org: Org) -> None:
    data = as_(client, org.peer.user).get(f"/people/org-chart/{org.manager.pk}/children.json")
    rows = {row["name"]: row for row in data.json()}
    assert set(rows) == {"Lee Lead", "Pat Peer"}  # the former report is not on the chart
    assert rows["Lee Lead"]["report_count"] == 1
    assert rows["Lee Lead"]["department"] == "Platform"
    assert set(rows["Lee Lead"]) == {"id", "name", "title", "department", "report_count"}
    same = client.get(f"/people/org-chart/{org.manager.pk}/children/", {"format": "json"})
    assert same.json() == data.json()


def test_org_chart_children_of_hidden_manager_is_404(client: Client, org: Org) -> None:
    resp = as_(client, org.peer.user).get(f"/people/org-chart/{org.former.pk}/children/")
    assert resp.status_code == 404


def test_hr_admin_edit_form_groups_protected_attributes(client: Client, org: Org) -> None:
    html = page(as_(client, org.hr_admin), f"/people/{org.peer.pk}/edit/")
    assert "Sensitive — HR only" in html
    assert html.index("Sensitive — HR only") < html.index('name="race_ethnicity"')
