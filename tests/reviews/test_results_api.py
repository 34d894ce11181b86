"""Results through the API: who lists which results, filters, the
proposed rating, acknowledgement and release with their statuses, and the
list's query budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cadence.people.models import Employee
from cadence.reviews.models import Cycle, ReviewResult
from cadence.reviews.services_results import compute_result
from tests.api_client import Api
from tests.conftest import Org
from tests.factories import EmployeeFactory, UserFactory
from tests.reviews.results_fixtures import add_team, build, four_results, level, result_of

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


@pytest.fixture
def cycle(org: Org) -> Cycle:
    return four_results(org)


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["employee"]["name"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("hr_admin", {"Emma Employee", "Lee Lead", "Pat Peer", "Sam Seller"}),
        ("hrbp", {"Emma Employee", "Lee Lead", "Pat Peer"}),  # Engineering and below
        ("manager", {"Emma Employee", "Lee Lead", "Pat Peer"}),
        ("lead", {"Emma Employee", "Lee Lead"}),  # a report's, and their own (released)
        ("employee", set()),  # their own is not released
        ("peer", {"Pat Peer"}),
    ],
)
def test_who_lists_which_results(org: Org, api: Api, cycle: Cycle, who: str, expected: set) -> None:
    url = f"/api/v1/cycles/{cycle.pk}/results"
    assert names(api.as_(getattr(org, who)).get(url)) == expected


def stranger(org: Org) -> Employee:
    """Someone in Sales who neither takes part nor manages anyone who does."""
    return EmployeeFactory(user=UserFactory(), department=org.sales, manager=org.other_manager)


def test_a_cycle_you_cannot_see_is_404(org: Org, api: Api, cycle: Cycle) -> None:
    for who in (stranger(org), org.auditor):
        for path in (f"/api/v1/cycles/{cycle.pk}/results", "/api/v1/cycles/999999/results"):
            response = api.as_(who).get(path)
            assert response.status_code == 404 and response.json()["detail"] == "Not found."


def test_a_skip_level_manager_lists_the_cycle_of_their_reports(
    org: Org, api: Api, cycle: Cycle
) -> None:
    # Otto neither takes part nor writes a review: he sees the cycle
    # through his report's result.
    assert names(api.as_(org.other_manager).get(f"/api/v1/cycles/{cycle.pk}/results")) == {
        "Sam Seller"
    }


def test_filters(org: Org, api: Api, cycle: Cycle) -> None:
    url = f"/api/v1/cycles/{cycle.pk}/results"
    admin = api.as_(org.hr_admin)
    assert names(admin.get(url, department=org.platform.pk)) == {"Emma Employee", "Lee Lead"}
    # A department includes the ones below it.
    everyone_in_engineering = {"Emma Employee", "Lee Lead", "Pat Peer"}
    assert names(admin.get(url, department=org.engineering.pk)) == everyone_in_engineering
    assert names(admin.get(url, level=level(cycle, 3).pk)) == {"Emma Employee", "Sam Seller"}
    assert names(admin.get(url, released="true")) == {"Lee Lead", "Pat Peer"}
    assert names(admin.get(url, released="false")) == {"Emma Employee", "Sam Seller"}
    assert names(admin.get(url, acknowledged="true")) == {"Pat Peer"}
    # The final rating is the manager's once proposed.
    ReviewResult.objects.filter(employee=org.salesperson).update(manager_level=level(cycle, 5))
    assert names(admin.get(url, level=level(cycle, 3).pk)) == {"Emma Employee"}
    page = admin.get(url, limit=2, offset=2).json()
    assert page["count"] == 4 and len(page["items"]) == 2


def test_an_executive_reads_only_the_final_rating(org: Org, api: Api, cycle: Cycle) -> None:
    ReviewResult.objects.filter(employee=org.salesperson).update(released_at=timezone.now())
    item = api.as_(org.executive).get(f"/api/v1/cycles/{cycle.pk}/results").json()["items"][0]
    assert item["final_level"]["label"] == "Meets"
    assert item["details"] is False
    assert "computed_score" not in item and "override_reason" not in item
    detail = api.as_(org.executive).get(f"/api/v1/results/{item['id']}").json()
    assert "sections" not in detail and "acknowledgement_comment" not in detail


def test_detail_of_an_invisible_result_is_404(org: Org, api: Api, cycle: Cycle) -> None:
    hidden = result_of(cycle, org.employee)  # not released
    assert api.as_(org.employee).get(f"/api/v1/results/{hidden.pk}").status_code == 404
    assert api.as_(org.peer).get(f"/api/v1/results/{hidden.pk}").status_code == 404
    assert api.as_(org.lead).get(f"/api/v1/results/{hidden.pk}").status_code == 200


# --- proposing a rating ----------------------------------------------------------------------


def test_propose_a_rating(org: Org, api: Api, cycle: Cycle) -> None:
    result = result_of(cycle, org.employee)
    url = f"/api/v1/results/{result.pk}/rating"
    missing = api.as_(org.lead).post(url, {"level": level(cycle, 4).pk, "version": result.version})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    ok = api.as_(org.lead).post(
        url, {"level": level(cycle, 4).pk, "reason": "Led the migration", "version": 1}
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert (
        body["manager_level"]["label"] == "Exceeds" and body["computed_level"]["label"] == "Meets"
    )
    assert body["override_reason"] == "Led the migration" and body["version"] == 2
    stale = api.as_(org.lead).post(url, {"level": level(cycle, 3).pk, "version": 1})
    assert stale.status_code == 409


def test_propose_statuses(org: Org, api: Api, cycle: Cycle) -> None:
    result = result_of(cycle, org.employee)
    url = f"/api/v1/results/{result.pk}/rating"
    body = {"level": level(cycle, 3).pk}
    assert api.as_(org.hrbp).post(url, body).status_code == 403
    assert api.as_(org.peer).post(url, body).status_code == 404
    unknown = api.as_(org.lead).post(url, {"level": 999999})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "level"
    released = result_of(cycle, org.lead)
    assert api.as_(org.lead).post(f"/api/v1/results/{released.pk}/rating", body).status_code == 403
    after = api.as_(org.manager).post(f"/api/v1/results/{released.pk}/rating", body)
    assert after.status_code == 422


# --- acknowledging ---------------------------------------------------------------------------


def test_acknowledge(org: Org, api: Api, cycle: Cycle) -> None:
    result = result_of(cycle, org.lead)
    url = f"/api/v1/results/{result.pk}/acknowledge"
    assert api.as_(org.manager).post(url, {}).status_code == 403
    assert api.as_(org.salesperson).post(url, {}).status_code == 404
    ok = api.as_(org.lead).post(url, {"comment": "Read it; we talked."})
    assert ok.status_code == 200, ok.content
    assert ok.json()["acknowledged"] is True
    assert ok.json()["acknowledgement_comment"] == "Read it; we talked."
    assert api.as_(org.lead).post(url, {}).status_code == 422
    # The manager sees it.
    seen = api.as_(org.manager).get(f"/api/v1/results/{result.pk}").json()
    assert seen["acknowledged"] and seen["acknowledgement_comment"] == "Read it; we talked."


# --- releasing -------------------------------------------------------------------------------


def test_release(org: Org, api: Api, cycle: Cycle) -> None:
    url = f"/api/v1/cycles/{cycle.pk}/release"
    assert api.as_(org.hrbp).post(url, {}).status_code == 403
    assert api.as_(stranger(org)).post(url, {}).status_code == 404
    unknown = api.as_(org.hr_admin).post(url, {"department": 999999})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "department"
    platform = api.as_(org.hr_admin).post(url, {"department": org.platform.pk})
    assert platform.json() == {
        "released": 1,
        "not_ready": 0,
        "cycle_released": False,
        "cycle_stage": "calibration",
    }
    everyone = api.as_(org.hr_admin).post(url, {})
    assert everyone.json()["released"] == 1 and everyone.json()["cycle_stage"] == "released"
    assert api.as_(org.hr_admin).post(url, {}).status_code == 422


# --- query budget ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 60])
@pytest.mark.parametrize("who", ["hr_admin", "manager"])
def test_list_query_budget(
    org: Org,
    api: Api,
    cycle: Cycle,
    django_assert_max_num_queries: QueryCounter,
    size: int,
    who: str,
) -> None:
    add_team(org, cycle, size)
    client = api.as_(getattr(org, who))
    url = f"/api/v1/cycles/{cycle.pk}/results"
    # Token (read, last use), viewer (2), cycle, count, page, sections,
    # reviews, ratings.
    with django_assert_max_num_queries(10):
        response = client.get(url, limit=100)
    assert response.status_code == 200 and len(response.json()["items"]) >= size
    peers = {i["averages"]["peer"]["status"] for i in response.json()["items"]}
    assert "shown" in peers


@pytest.mark.parametrize("peers", [3, 8])
def test_detail_query_budget(
    org: Org, api: Api, django_assert_max_num_queries: QueryCounter, peers: int
) -> None:
    scenario = build(org, peers=peers, upward=3)
    result = compute_result(cycle=scenario.cycle, employee=scenario.reviewee)
    client = api.as_(org.manager)
    # Token (read, last use), viewer (2), result, sections, questions,
    # reviews, ratings, answers.
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/results/{result.pk}")
    assert response.status_code == 200
    assert {g["kind"]: g["reviews"] for g in response.json()["groups"]}["peer"] == peers
