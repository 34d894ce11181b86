"""Who sees and who changes succession plans, on the pages and the API: HR
admins everything; the HRBP and executives their departments (executives
read only: 403 on every write); nobody else anything (404), not the
incumbent's manager, the incumbent, a named successor, an employee, the
auditor or a login with no place in the organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cadence.talent.models import CriticalRole, Readiness, Successor
from tests.api_client import ids
from tests.talent.succession_support import make_role, name_successor

pytestmark = pytest.mark.django_db

READERS = ["hr_admin", "hrbp"]
NOBODY = ["manager", "lead", "employee", "peer", "ceo", "auditor", "outsider", "executive"]


@pytest.fixture
def eng_role(org: Any) -> CriticalRole:
    """Lee Lead's position (Platform, under Engineering); Emma named successor."""
    role = make_role(incumbent=org.lead, title="Platform lead")
    name_successor(role, org.employee, Readiness.ONE_TO_TWO_YEARS)
    return role


@pytest.fixture
def sales_role(org: Any) -> CriticalRole:
    return make_role(incumbent=org.other_manager, title="Sales director")


def _login(client: Client, org: Any, who: str) -> None:
    person = getattr(org, who)
    client.force_login(getattr(person, "user", person))


def _person(org: Any, who: str) -> Any:
    return getattr(org, who)


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_hr_and_scoped_hrbp_see_and_change_the_role(
    client: Client, org: Any, eng_role: CriticalRole, who: str
) -> None:
    _login(client, org, who)
    listing = client.get("/talent/succession/")
    assert listing.status_code == 200
    assert "Platform lead" in listing.content.decode()
    assert client.get(f"/talent/succession/{eng_role.pk}/").status_code == 200
    assert client.get(f"/talent/succession/{eng_role.pk}/edit/").status_code == 200
    assert client.get(f"/talent/succession/{eng_role.pk}/delete/").status_code == 200
    assert client.get("/talent/succession/new/").status_code == 200


@pytest.mark.parametrize("who", NOBODY)
def test_nobody_else_sees_an_engineering_role(
    client: Client, org: Any, eng_role: CriticalRole, who: str
) -> None:
    _login(client, org, who)
    successor = eng_role.successors.get()
    for url in (
        f"/talent/succession/{eng_role.pk}/",
        f"/talent/succession/{eng_role.pk}/edit/",
        f"/talent/succession/{eng_role.pk}/delete/",
        f"/talent/succession/{eng_role.pk}/successors/{successor.pk}/edit/",
        f"/talent/succession/{eng_role.pk}/successors/{successor.pk}/remove/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/talent/succession/{eng_role.pk}/delete/").status_code == 404
    assert CriticalRole.objects.filter(pk=eng_role.pk).exists()


@pytest.mark.parametrize("who", ["manager", "lead", "employee", "peer", "auditor", "outsider"])
def test_people_without_succession_access_get_404_on_the_list(
    client: Client, org: Any, who: str
) -> None:
    _login(client, org, who)
    assert client.get("/talent/succession/").status_code == 404
    assert client.get("/talent/succession/new/").status_code == 404


def test_hrbp_out_of_scope_gets_404(client: Client, org: Any, sales_role: CriticalRole) -> None:
    _login(client, org, "hrbp")
    assert client.get(f"/talent/succession/{sales_role.pk}/").status_code == 404
    assert client.get(f"/talent/succession/{sales_role.pk}/edit/").status_code == 404
    assert "Sales director" not in client.get("/talent/succession/").content.decode()


def test_executive_reads_in_scope_but_cannot_write(
    client: Client, org: Any, sales_role: CriticalRole
) -> None:
    name_successor(sales_role, org.salesperson)
    successor = sales_role.successors.get()
    _login(client, org, "executive")
    page = client.get(f"/talent/succession/{sales_role.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sam Seller" in body
    assert 'id="successor-add"' not in body and 'id="role-edit"' not in body
    assert "Sales director" in client.get("/talent/succession/").content.decode()
    for url in (
        f"/talent/succession/{sales_role.pk}/edit/",
        f"/talent/succession/{sales_role.pk}/delete/",
        f"/talent/succession/{sales_role.pk}/successors/{successor.pk}/edit/",
        f"/talent/succession/{sales_role.pk}/successors/{successor.pk}/remove/",
        "/talent/succession/new/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/talent/succession/{sales_role.pk}/delete/").status_code == 403
    added = client.post(
        f"/talent/succession/{sales_role.pk}/successors/new/",
        {"employee": org.other_manager.employee_number, "readiness": Readiness.READY_NOW},
    )
    assert added.status_code == 403
    assert CriticalRole.objects.filter(pk=sales_role.pk).exists()
    assert Successor.objects.filter(role=sales_role).count() == 1


def test_executive_out_of_scope_gets_404(client: Client, org: Any, eng_role: CriticalRole) -> None:
    _login(client, org, "executive")
    assert client.get(f"/talent/succession/{eng_role.pk}/").status_code == 404
    assert "Platform lead" not in client.get("/talent/succession/").content.decode()


# --- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_api_readers_see_the_plan(api: Any, org: Any, eng_role: CriticalRole, who: str) -> None:
    caller = api.as_(_person(org, who))
    assert eng_role.pk in ids(caller.get("/api/v1/succession-plans"))
    detail = caller.get(f"/api/v1/succession-plans/{eng_role.pk}")
    assert detail.status_code == 200
    assert [s["employee"]["id"] for s in detail.json()["successors"]] == [org.employee.pk]
    assert caller.get(f"/api/v1/succession-plans/{eng_role.pk}/suggestions").status_code == 200


@pytest.mark.parametrize("who", NOBODY)
def test_api_nobody_else_sees_the_plan(
    api: Any, org: Any, eng_role: CriticalRole, who: str
) -> None:
    caller = api.as_(_person(org, who))
    successor = eng_role.successors.get()
    assert eng_role.pk not in ids(caller.get("/api/v1/succession-plans"))
    base = f"/api/v1/succession-plans/{eng_role.pk}"
    assert caller.get(base).status_code == 404
    assert caller.get(f"{base}/suggestions").status_code == 404
    assert caller.patch(base, {"title": "Hijacked"}).status_code == 404
    assert caller.client.delete(base).status_code == 404
    added = caller.post(
        f"{base}/successors", {"employee": org.peer.pk, "readiness": Readiness.READY_NOW}
    )
    assert added.status_code == 404
    assert (
        caller.patch(f"{base}/successors/{successor.pk}", {"readiness": "ready_now"}).status_code
        == 404
    )
    assert caller.client.delete(f"{base}/successors/{successor.pk}").status_code == 404
    eng_role.refresh_from_db()
    assert eng_role.title == "Platform lead"
    assert eng_role.successors.count() == 1


def test_api_executive_reads_but_gets_403_on_writes(
    api: Any, org: Any, sales_role: CriticalRole
) -> None:
    successor = name_successor(sales_role, org.salesperson)
    caller = api.as_(org.executive)
    base = f"/api/v1/succession-plans/{sales_role.pk}"
    assert sales_role.pk in ids(caller.get("/api/v1/succession-plans"))
    assert caller.get(base).status_code == 200
    assert caller.patch(base, {"title": "Renamed"}).status_code == 403
    assert caller.client.delete(base).status_code == 403
    added = caller.post(f"{base}/successors", {"employee": org.ceo.pk, "readiness": "ready_now"})
    assert added.status_code == 403
    assert (
        caller.patch(f"{base}/successors/{successor.pk}", {"readiness": "3_plus_years"}).status_code
        == 403
    )
    assert caller.client.delete(f"{base}/successors/{successor.pk}").status_code == 403
    created = caller.post(
        "/api/v1/succession-plans", {"title": "New", "incumbent": org.salesperson.pk}
    )
    assert created.status_code == 403
    sales_role.refresh_from_db()
    assert sales_role.title == "Sales director"
    assert Successor.objects.filter(role=sales_role).count() == 1


def test_api_hrbp_out_of_scope_gets_404_and_cannot_create_there(
    api: Any, org: Any, sales_role: CriticalRole
) -> None:
    caller = api.as_(org.hrbp)
    assert caller.get(f"/api/v1/succession-plans/{sales_role.pk}").status_code == 404
    created = caller.post(
        "/api/v1/succession-plans", {"title": "Sales VP", "incumbent": org.other_manager.pk}
    )
    assert created.status_code == 403
    assert not CriticalRole.objects.filter(title="Sales VP").exists()


@pytest.mark.parametrize("who", ["manager", "employee", "auditor", "outsider"])
def test_api_others_cannot_create(api: Any, org: Any, who: str) -> None:
    created = api.as_(_person(org, who)).post(
        "/api/v1/succession-plans", {"title": "Mine", "incumbent": org.peer.pk}
    )
    assert created.status_code in (403, 422)
    assert not CriticalRole.objects.filter(title="Mine").exists()
