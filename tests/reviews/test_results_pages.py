"""The results pages: my results, one result with its forms, the team and
cycle lists, the release page with its confirmation, the export, and the
query budgets of the lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cadence.reviews.models import Cycle, ReviewResult, Stage
from tests.conftest import Org
from tests.factories import EmployeeFactory, UserFactory
from tests.review_factories import CycleFactory, ResultFactory
from tests.reviews.results_fixtures import add_team, four_results, level, result_of

pytestmark = pytest.mark.django_db
QueryCounter = Callable[[int], Any]


@pytest.fixture
def cycle(org: Org) -> Cycle:
    return four_results(org)


def login(client: Client, who: Any) -> Client:
    client.force_login(getattr(who, "user", who))
    return client


# --- my results and one result ----------------------------------------------------------------


def test_my_results_lists_released_results_only(org: Org, client: Client, cycle: Cycle) -> None:
    page = login(client, org.lead).get("/reviews/results/")
    assert page.status_code == 200
    assert [v.employee.name for v in page.context["views"]] == ["Lee Lead"]
    assert b"Read and acknowledge" in page.content
    assert login(client, org.employee).get("/reviews/results/").context["views"] == []


def test_manager_proposes_a_rating_on_the_page(org: Org, client: Client, cycle: Cycle) -> None:
    result = result_of(cycle, org.employee)
    login(client, org.lead)
    page = client.get(f"/reviews/results/{result.pk}/")
    assert page.context["rating_form"] is not None and page.context["acknowledgement_form"] is None
    url = f"/reviews/results/{result.pk}/rating/"
    data = {"level": level(cycle, 5).pk, "version": result.version}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "reason" in refused.context["rating_form"].errors
    done = client.post(url, {**data, "reason": "Rescued the release"})
    assert done.status_code == 302
    result.refresh_from_db()
    assert result.manager_level == level(cycle, 5)
    shown = client.get(f"/reviews/results/{result.pk}/").content.decode()
    assert "Rescued the release" in shown and 'id="computed"' in shown


def test_stale_rating_form_says_so(org: Org, client: Client, cycle: Cycle) -> None:
    result = result_of(cycle, org.employee)
    response = login(client, org.lead).post(
        f"/reviews/results/{result.pk}/rating/",
        {"level": level(cycle, 3).pk, "version": result.version + 5},
    )
    assert response.status_code == 400
    assert response.context["rating_form"].non_field_errors()


def test_the_reviewee_cannot_rate_and_acknowledges(org: Org, client: Client, cycle: Cycle) -> None:
    result = result_of(cycle, org.lead)
    login(client, org.lead)
    page = client.get(f"/reviews/results/{result.pk}/")
    assert page.context["rating_form"] is None
    assert page.context["acknowledgement_form"] is not None
    assert client.post(f"/reviews/results/{result.pk}/rating/", {"level": 1}).status_code == 403
    response = client.post(f"/reviews/results/{result.pk}/acknowledge/", {"comment": "Seen it."})
    assert response.status_code == 302
    again = client.get(f"/reviews/results/{result.pk}/")
    assert again.context["acknowledgement_form"] is None and b"Seen it." in again.content


def test_a_result_you_cannot_see_is_404(org: Org, client: Client, cycle: Cycle) -> None:
    hidden = result_of(cycle, org.employee)
    login(client, org.peer)
    assert client.get(f"/reviews/results/{hidden.pk}/").status_code == 404
    assert client.post(f"/reviews/results/{hidden.pk}/acknowledge/", {}).status_code == 404


# --- team and cycle lists ---------------------------------------------------------------------


def test_team_page_shows_computed_proposed_and_acknowledgements(
    org: Org, client: Client, cycle: Cycle
) -> None:
    ReviewResult.objects.filter(employee=org.peer).update(
        manager_level=level(cycle, 4),
        override_reason="Mentored two juniors",
        acknowledgement_comment="Thanks, agreed.",
    )
    page = login(client, org.manager).get(f"/reviews/results/cycles/{cycle.pk}/team/")
    assert page.status_code == 200
    assert {v.employee.name for v in page.context["views"]} == {
        "Emma Employee",
        "Lee Lead",
        "Pat Peer",
    }
    content = page.content.decode()
    assert "Mentored two juniors" in content and "Thanks, agreed." in content
    assert "4 Exceeds" in content and "2 Partly meets" in content


def test_team_page_never_lists_your_own_result(org: Org, client: Client, cycle: Cycle) -> None:
    page = login(client, org.lead).get(f"/reviews/results/cycles/{cycle.pk}/team/")
    assert [v.employee.name for v in page.context["views"]] == ["Emma Employee"]


def test_cycle_results_page_filters(org: Org, client: Client, cycle: Cycle) -> None:
    login(client, org.hr_admin)
    url = f"/reviews/results/cycles/{cycle.pk}/"
    page = client.get(url, {"released": "yes"})
    assert {v.employee.name for v in page.context["views"]} == {"Lee Lead", "Pat Peer"}
    page = client.get(url, {"department": org.sales.pk})
    assert {v.employee.name for v in page.context["views"]} == {"Sam Seller"}


def stranger(org: Org) -> Any:
    return EmployeeFactory(user=UserFactory(), department=org.sales, manager=org.other_manager)


def test_cycle_pages_of_an_invisible_cycle_are_404(org: Org, client: Client, cycle: Cycle) -> None:
    login(client, stranger(org))
    for suffix in ("", "team/", "release/", "export/"):
        assert client.get(f"/reviews/results/cycles/{cycle.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("size", [5, 60])
def test_team_page_query_budget(
    org: Org, client: Client, cycle: Cycle, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org, cycle, size)
    login(client, org.manager)
    # Session, user, viewer (2), cycle, count, page, sections, reviews,
    # ratings, and the session save.
    with django_assert_max_num_queries(13):
        page = client.get(f"/reviews/results/cycles/{cycle.pk}/team/")
    assert page.status_code == 200 and len(page.context["views"]) == min(size + 3, 25)


@pytest.mark.parametrize("size", [5, 60])
def test_cycle_results_page_query_budget(
    org: Org, client: Client, cycle: Cycle, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org, cycle, size)
    login(client, org.hr_admin)
    with django_assert_max_num_queries(15):
        page = client.get(f"/reviews/results/cycles/{cycle.pk}/", {"released": "no"})
    assert page.status_code == 200 and len(page.context["views"]) == min(size + 2, 25)


@pytest.mark.parametrize("size", [5, 60])
def test_my_results_query_budget(
    org: Org, client: Client, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    for _ in range(size):
        ResultFactory(cycle=CycleFactory(), employee=org.employee, released_at=timezone.now())
    login(client, org.employee)
    with django_assert_max_num_queries(10):
        page = client.get("/reviews/results/")
    assert page.status_code == 200 and len(page.context["views"]) == min(size, 25)


# --- release ---------------------------------------------------------------------------------


def test_release_page_counts_and_confirmation(org: Org, client: Client, cycle: Cycle) -> None:
    login(client, org.hr_admin)
    url = f"/reviews/results/cycles/{cycle.pk}/release/"
    page = client.get(url)
    overview = page.context["overview"]
    assert (overview.total.participants, overview.total.released, overview.total.ready) == (4, 2, 2)
    rows = {row.department.name: row for row in overview.departments}
    assert (rows["Engineering"].participants, rows["Engineering"].ready) == (3, 1)
    assert (rows["Sales"].ready, rows["Company"].participants) == (1, 4)
    unconfirmed = client.post(url, {"department": org.sales.pk})
    assert unconfirmed.status_code == 400
    assert not ReviewResult.objects.get(employee=org.salesperson).released_at
    done = client.post(url, {"department": org.sales.pk, "confirm": "on"})
    assert done.status_code == 302
    assert ReviewResult.objects.get(employee=org.salesperson).released_at is not None
    assert ReviewResult.objects.get(employee=org.employee).released_at is None


def test_release_page_is_for_hr_admins(org: Org, client: Client, cycle: Cycle) -> None:
    for who in (org.hrbp, org.manager):
        assert (
            login(client, who).get(f"/reviews/results/cycles/{cycle.pk}/release/").status_code
            == 403
        )


def test_release_page_explains_an_early_stage(org: Org, client: Client, cycle: Cycle) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.PEER_REVIEW)
    page = login(client, org.hr_admin).get(f"/reviews/results/cycles/{cycle.pk}/release/")
    assert page.context["releasable"] is False and b"Release results</button>" not in page.content


# --- export ----------------------------------------------------------------------------------


def export_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_csv_and_xlsx(org: Org, client: Client, cycle: Cycle) -> None:
    ReviewResult.objects.filter(employee=org.peer).update(
        manager_level=level(cycle, 4), override_reason="Mentored"
    )
    login(client, org.hr_admin)
    url = f"/reviews/results/cycles/{cycle.pk}/export/"
    rows = {r["Name"]: r for r in export_rows(client.get(url, {"format": "csv"}))}
    assert set(rows) == {"Emma Employee", "Lee Lead", "Pat Peer", "Sam Seller"}
    peer = rows["Pat Peer"]
    assert peer["Employee number"] == org.peer.employee_number
    assert peer["Department"] == "Engineering" and peer["Manager"] == "Mona Manager"
    assert peer["Computed level"] == "2 Partly meets" and peer["Manager level"] == "4 Exceeds"
    assert peer["Final level"] == "4 Exceeds" and peer["Override reason"] == "Mentored"
    assert peer["Released"] and peer["Acknowledged"]
    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet is not None and sheet.max_row == 5
    assert client.get(url, {"format": "pdf"}).status_code == 400


def test_export_is_scoped_for_hrbp_and_refused_to_managers(
    org: Org, client: Client, cycle: Cycle
) -> None:
    url = f"/reviews/results/cycles/{cycle.pk}/export/"
    rows = export_rows(login(client, org.hrbp).get(url, {"format": "csv"}))
    assert {r["Name"] for r in rows} == {"Emma Employee", "Lee Lead", "Pat Peer"}
    assert login(client, org.manager).get(url).status_code == 403


@pytest.mark.parametrize("size", [5, 60])
def test_export_query_budget(
    org: Org, client: Client, cycle: Cycle, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org, cycle, size)
    login(client, org.hr_admin)
    with django_assert_max_num_queries(14):
        response = client.get(f"/reviews/results/cycles/{cycle.pk}/export/", {"format": "csv"})
        rows = export_rows(response)
    assert len(rows) == size + 4
    assert {r["Peer average"] for r in rows if r["Name"].startswith("Team")} == {"4.000"}
