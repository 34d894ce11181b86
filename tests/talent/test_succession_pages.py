"""The succession pages: the list (filters, search, risk matrix, CSV,
empty state), the role form, the detail page's successor forms and
suggestions, confirmations before deleting, and query budgets."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.people.models import Employee
from cadence.talent.models import CriticalRole, Rating3, Readiness, Successor
from tests.factories import DepartmentFactory, EmployeeFactory, JobProfileFactory
from tests.talent.succession_support import HIGH, make_role, make_session, name_successor

pytestmark = pytest.mark.django_db

LIST = "/talent/succession/"


def _login(client: Client, user: Any) -> None:
    client.force_login(getattr(user, "user", user))


def _text(response: Any) -> str:
    return str(response.content.decode())


def _body(response: Any) -> str:
    """A streamed download's text."""
    return b"".join(response.streaming_content).decode()


# --- the list -----------------------------------------------------------------------------------


def test_empty_state(client: Client, org: Any) -> None:
    _login(client, org.hrbp)
    body = _text(client.get(LIST))
    assert "There are no critical roles in your scope yet." in body
    assert 'id="succession-new"' in body


def test_filters_and_search(client: Client, org: Any) -> None:
    make_role(incumbent=org.lead, title="Platform lead", risk=Rating3.HIGH)
    low = make_role(org.engineering, incumbent=org.manager, title="Engineering head")
    low.risk_of_loss = Rating3.LOW
    low.save()
    name_successor(low, org.peer)
    name_successor(low, org.lead)
    _login(client, org.hr_admin)

    def titles(**params: Any) -> set[str]:
        body = _text(client.get(LIST, params))
        return {t for t in ("Platform lead", "Engineering head") if t in body}

    assert titles() == {"Platform lead", "Engineering head"}
    assert titles(risk="high") == {"Platform lead"}
    assert titles(department=org.platform.pk) == {"Platform lead"}
    assert titles(bench="strong") == {"Engineering head"}
    assert titles(bench="none") == {"Platform lead"}
    assert titles(q="lee") == {"Platform lead"}  # the holder's name
    assert titles(impact="low") == set()
    assert "No critical roles match these filters." in _text(client.get(LIST, {"impact": "low"}))


def test_risk_matrix_counts_roles(client: Client, org: Any) -> None:
    make_role(incumbent=org.lead, risk=Rating3.HIGH, impact=Rating3.HIGH)
    make_role(org.engineering, incumbent=org.manager, risk=Rating3.HIGH, impact=Rating3.HIGH)
    make_role(incumbent=org.peer, risk=Rating3.LOW, impact=Rating3.MEDIUM)
    _login(client, org.hr_admin)
    response = client.get(LIST)
    matrix = response.context["matrix"]
    cells = {(c.risk, c.impact): c.count for _, row in matrix.rows for c in row}
    assert cells[("high", "high")] == 2
    assert cells[("low", "medium")] == 1
    assert matrix.total == 3
    assert "2 roles with high risk and high impact" in _text(response)


def test_htmx_request_gets_only_the_results(client: Client, org: Any) -> None:
    make_role(incumbent=org.lead, title="Platform lead")
    _login(client, org.hr_admin)
    response = client.get(LIST, {"q": "platform"}, HTTP_HX_REQUEST="true")
    body = _text(response)
    assert body.lstrip().startswith('<section id="succession-results"')
    assert "Platform lead" in body


def test_csv_export_of_the_filtered_list(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead", risk=Rating3.HIGH)
    name_successor(role, org.employee, Readiness.READY_NOW)
    name_successor(role, org.peer, Readiness.ONE_TO_TWO_YEARS)
    make_role(incumbent=org.other_manager, title="Sales director")  # not the HRBP's
    make_role(org.engineering, incumbent=org.manager, title="=HYPERLINK(x)", risk=Rating3.LOW)
    _login(client, org.hrbp)
    response = client.get(LIST, {"format": "csv", "risk": "high"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = _body(response).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Critical role,Job profile,Position holder,Department")
    assert lines[1:] == ["Platform lead,,Lee Lead,Platform,High,High,1,1,0,Adequate: 1 ready now"]
    everything = client.get(LIST, {"format": "csv"})
    text = _body(everything)
    assert "Sales director" not in text
    assert "'=HYPERLINK(x)" in text  # defused for spreadsheets


def test_list_is_paginated(client: Client, org: Any) -> None:
    for n in range(27):
        make_role(
            org.engineering,
            incumbent=cast(Employee, EmployeeFactory(department=org.engineering)),
            title=f"R{n:02d}",
        )
    _login(client, org.hr_admin)
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25
    second = client.get(LIST, {"page": 2})
    assert [r.title for r, _ in second.context["rows"]] == ["R25", "R26"]


# --- the role form ------------------------------------------------------------------------------


def test_create_a_position_role_from_the_page(client: Client, org: Any) -> None:
    _login(client, org.hrbp)
    form = client.get("/talent/succession/new/")
    assert org.lead.employee_number in _text(form)  # in the holder list
    assert org.salesperson.employee_number not in _text(form)  # out of scope
    response = client.post(
        "/talent/succession/new/",
        {
            "title": "Platform lead",
            "incumbent": org.lead.employee_number,
            "department": org.engineering.pk,  # ignored: a position takes its holder's
            "risk_of_loss": "high",
            "impact_of_loss": "high",
            "notes": "Key person",
        },
    )
    role = CriticalRole.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/talent/succession/{role.pk}/"
    assert role.department == org.platform
    assert AuditEntry.objects.filter(action="critical_role.create").count() == 1


def test_role_form_shows_the_services_messages(client: Client, org: Any) -> None:
    _login(client, org.hr_admin)
    profile: Any = JobProfileFactory(title="Engineer")
    missing = client.post(
        "/talent/succession/new/",
        {
            "title": "Engineers",
            "job_profile": profile.pk,
            "risk_of_loss": "low",
            "impact_of_loss": "low",
        },
    )
    assert missing.status_code == 400
    assert "Choose the department this role is in" in _text(missing)
    neither = client.post(
        "/talent/succession/new/",
        {
            "title": "Nothing",
            "department": org.sales.pk,
            "risk_of_loss": "low",
            "impact_of_loss": "low",
        },
    )
    assert "Choose a job profile, or the person whose position this is." in _text(neither)
    unknown = client.post(
        "/talent/succession/new/",
        {"title": "Who", "incumbent": "NOPE", "risk_of_loss": "low", "impact_of_loss": "low"},
    )
    assert "Choose a current employee from the list." in _text(unknown)
    assert not CriticalRole.objects.exists()


def test_hrbp_cannot_pick_a_department_out_of_scope(client: Client, org: Any) -> None:
    _login(client, org.hrbp)
    profile: Any = JobProfileFactory()
    response = client.post(
        "/talent/succession/new/",
        {
            "title": "Sellers",
            "job_profile": profile.pk,
            "department": org.sales.pk,
            "risk_of_loss": "low",
            "impact_of_loss": "low",
        },
    )
    assert response.status_code == 400
    assert not CriticalRole.objects.exists()


def test_edit_refuses_a_stale_version(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    _login(client, org.hr_admin)
    data = {
        "title": "Renamed",
        "incumbent": org.lead.employee_number,
        "risk_of_loss": "low",
        "impact_of_loss": "low",
        "version": role.version,
    }
    CriticalRole.objects.filter(pk=role.pk).update(version=5)
    stale = client.post(f"/talent/succession/{role.pk}/edit/", data)
    assert stale.status_code == 400
    assert "changed by someone else" in _text(stale).lower() or "reload" in _text(stale).lower()
    data["version"] = 5
    saved = client.post(f"/talent/succession/{role.pk}/edit/", data)
    assert saved.status_code == 302
    role.refresh_from_db()
    assert role.title == "Renamed"


def test_delete_asks_first(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    name_successor(role, org.employee)
    _login(client, org.hrbp)
    confirm = client.get(f"/talent/succession/{role.pk}/delete/")
    assert "Delete the critical role “Platform lead”?" in _text(confirm)
    assert "Emma Employee" in _text(confirm)
    assert CriticalRole.objects.filter(pk=role.pk).exists()
    done = client.post(f"/talent/succession/{role.pk}/delete/", {"version": role.version})
    assert done["Location"] == LIST
    assert not CriticalRole.objects.exists()
    assert AuditEntry.objects.filter(action="critical_role.delete").count() == 1


# --- successors on the detail page ------------------------------------------------------------


def test_add_change_and_remove_a_successor(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    _login(client, org.hrbp)
    detail = _text(client.get(f"/talent/succession/{role.pk}/"))
    assert "No successors" in detail and org.employee.employee_number in detail
    added = client.post(
        f"/talent/succession/{role.pk}/successors/new/",
        {"employee": org.employee.employee_number, "readiness": Readiness.ONE_TO_TWO_YEARS},
    )
    assert added.status_code == 302
    successor = Successor.objects.get()
    page = _text(client.get(f"/talent/succession/{role.pk}/"))
    assert "At risk: nobody ready now" in page
    edit_url = f"/talent/succession/{role.pk}/successors/{successor.pk}/edit/"
    assert client.get(edit_url).status_code == 200
    role.refresh_from_db()
    changed = client.post(
        edit_url, {"readiness": Readiness.READY_NOW, "notes": "Ready", "version": role.version}
    )
    assert changed.status_code == 302
    assert "Adequate: 1 ready now" in _text(client.get(f"/talent/succession/{role.pk}/"))
    remove_url = f"/talent/succession/{role.pk}/successors/{successor.pk}/remove/"
    assert "Remove Emma Employee from the plan" in _text(client.get(remove_url))
    assert Successor.objects.exists()
    assert client.post(remove_url).status_code == 302
    assert not Successor.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "critical_role.successor_add",
        "critical_role.successor_update",
        "critical_role.successor_remove",
    } <= actions


def test_add_successor_shows_why_not(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    _login(client, org.hr_admin)
    response = client.post(
        f"/talent/succession/{role.pk}/successors/new/",
        {"employee": org.lead.employee_number, "readiness": Readiness.READY_NOW},
    )
    assert response.status_code == 400
    assert "Lee Lead holds this position: choose someone else." in _text(response)
    left = client.post(
        f"/talent/succession/{role.pk}/successors/new/",
        {"employee": org.former.employee_number, "readiness": Readiness.READY_NOW},
    )
    assert "Fay Former has left: choose a current employee." in _text(left)
    assert not Successor.objects.exists()


def test_suggestions_on_the_detail_page_can_be_added(client: Client, org: Any) -> None:
    role = make_role(incumbent=org.lead, title="Platform lead")
    make_session([(org.peer, 5, HIGH)])
    _login(client, org.hrbp)
    page = _text(client.get(f"/talent/succession/{role.pk}/"))
    assert f'class="suggestion-row" data-employee="{org.peer.pk}"' in page
    client.post(
        f"/talent/succession/{role.pk}/successors/new/",
        {"employee": org.peer.employee_number, "readiness": Readiness.ONE_TO_TWO_YEARS},
    )
    page = _text(client.get(f"/talent/succession/{role.pk}/"))
    assert f'data-employee="{org.peer.pk}"' not in page  # now a successor


# --- query budgets ------------------------------------------------------------------------------


def _organisation(org: Any, size: int) -> CriticalRole:
    """`size` roles with two successors each, and `size` HH people."""
    dept: Any = DepartmentFactory(parent=org.engineering, name="Big", code="BIG")
    people: list[Any] = [EmployeeFactory(department=dept) for _ in range(size + 2)]
    first = None
    for n in range(size):
        role = make_role(dept, incumbent=people[n], title=f"Role {n:03d}")
        name_successor(role, people[(n + 1) % len(people)], Readiness.READY_NOW)
        name_successor(role, people[(n + 2) % len(people)], Readiness.ONE_TO_TWO_YEARS)
        first = first or role
    make_session([(p, 5, HIGH) for p in people])
    assert first is not None
    return first


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_budget(
    client: Client, org: Any, django_assert_max_num_queries: Any, size: int
) -> None:
    _organisation(org, size)
    _login(client, org.hrbp)
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"risk": "medium"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(size, 25)
    with django_assert_max_num_queries(12):
        csv = client.get(LIST, {"format": "csv"})
        body = _body(csv).encode()
    assert body.count(b"\n") == size + 1


@pytest.mark.parametrize("size", [3, 30])
def test_detail_query_budget(
    client: Client, org: Any, django_assert_max_num_queries: Any, size: int
) -> None:
    role = _organisation(org, size)
    for person in EmployeeFactory.create_batch(size, department=role.department):
        name_successor(role, person, Readiness.THREE_PLUS_YEARS)
    _login(client, org.hrbp)
    with django_assert_max_num_queries(13):
        response = client.get(f"/talent/succession/{role.pk}/")
    assert response.status_code == 200
    assert len(response.context["successors"]) == size + 2
    assert response.context["suggestions"]
