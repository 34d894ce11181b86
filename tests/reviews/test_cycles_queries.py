"""Query budgets: the cycle pages and list endpoints run the same number of
queries for 5 rows as for 60."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.reviews.models import Cycle, CyclePhase
from tests.api_client import Api
from tests.conftest import Org
from tests.review_factories import simple_template
from tests.reviews.cycle_helpers import PHASES, add_team, design, launched

pytestmark = pytest.mark.django_db

SIZES = [5, 60]
QueryCounter = Callable[[int], Any]


def many_cycles(org: Org, size: int) -> None:
    template = simple_template()
    cycles = Cycle.objects.bulk_create(
        Cycle(name=f"Cycle {i}", template=template, stage="self_review") for i in range(size)
    )
    CyclePhase.objects.bulk_create(
        CyclePhase(cycle=c, kind=p["kind"], due_on=p["due_on"]) for c in cycles for p in PHASES
    )
    launched(org.hr_admin, name="Real one")


@pytest.mark.parametrize("size", SIZES)
def test_cycle_list_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    many_cycles(org, size)
    for user in (org.hr_admin, org.employee.user):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get("/reviews/cycles/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_cycle_api_list_budget(
    api: Api, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    many_cycles(org, size)
    client = api.as_(org.hr_admin)
    with django_assert_max_num_queries(8):
        resp = client.get("/api/v1/cycles", limit=100)
    assert resp.json()["count"] == size + 1


@pytest.mark.parametrize("size", SIZES)
def test_running_cycle_page_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org.lead, org.platform, size)
    cycle = launched(org.hr_admin, include_upward=True)
    for user in (org.hr_admin, org.hrbp, org.employee.user):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(f"/reviews/cycles/{cycle.pk}/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_draft_cycle_page_and_preview_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org.lead, org.platform, size)
    cycle = design(org.hr_admin, rule_department_ids=[org.engineering.pk])
    client.force_login(org.hr_admin)
    with django_assert_max_num_queries(12):
        assert client.get(f"/reviews/cycles/{cycle.pk}/").status_code == 200
    for show in ("in", "out", "no_manager"):
        with django_assert_max_num_queries(12):
            assert client.get(f"/reviews/cycles/{cycle.pk}/preview/?show={show}").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_participant_pages_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org.lead, org.platform, size)
    cycle = launched(org.hr_admin, include_upward=True)
    client.force_login(org.hr_admin)
    with django_assert_max_num_queries(10):
        assert client.get(f"/reviews/cycles/{cycle.pk}/participants/").status_code == 200
    with django_assert_max_num_queries(10):
        resp = client.get(f"/reviews/cycles/{cycle.pk}/participants/{org.lead.pk}/")
    assert resp.status_code == 200 and len(resp.context["by"]) == size + 2


@pytest.mark.parametrize("size", SIZES)
def test_cycle_api_budgets(
    api: Api, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    add_team(org.lead, org.platform, size)
    cycle = launched(org.hr_admin)
    client = api.as_(org.hr_admin)
    for path in ("preview?show=in", "participants", "completion"):
        with django_assert_max_num_queries(8):
            assert client.get(f"/api/v1/cycles/{cycle.pk}/{path}").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_monitoring_lists_overdue_reviews_and_managers_at_a_fixed_cost(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    import datetime as dt

    from cadence.reviews.models import AssignmentStatus, ReviewAssignment, ReviewerKind

    add_team(org.lead, org.platform, size)
    cycle = launched(org.hr_admin)
    # Every deadline has passed; one self review was submitted in time.
    CyclePhase.objects.filter(cycle=cycle).update(due_on=dt.date(2020, 1, 1))
    done = ReviewAssignment.objects.filter(cycle=cycle, kind=ReviewerKind.SELF).first()
    assert done is not None
    ReviewAssignment.objects.filter(pk=done.pk).update(status=AssignmentStatus.SUBMITTED)
    open_reviews = ReviewAssignment.objects.filter(
        cycle=cycle, status__in=[AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS]
    ).count()
    client.force_login(org.hr_admin)
    with django_assert_max_num_queries(16):
        response = client.get(f"/reviews/cycles/{cycle.pk}/")
    body = response.content.decode()
    assert f'Overdue reviews <span class="badge text-bg-danger">{open_reviews}</span>' in body
    assert body.count("<tr><td>") == min(open_reviews, 50)
    assert "Manager reviews by manager" in body and "Lee Lead" in body
    client.force_login(org.employee.user)  # monitoring is HR's
    assert "Overdue reviews" not in client.get(f"/reviews/cycles/{cycle.pk}/").content.decode()


def test_managers_with_most_reviews_to_write_come_first_and_the_list_is_bounded(
    org: Org,
) -> None:
    from cadence.reviews.models import AssignmentStatus, ReviewAssignment, ReviewerKind
    from cadence.reviews.selectors_cycles import completion_by_manager

    add_team(org.lead, org.platform, 4)
    add_team(org.other_manager, org.sales, 2, prefix="S")
    cycle = launched(org.hr_admin)
    lead_reviews = ReviewAssignment.objects.filter(
        cycle=cycle, kind=ReviewerKind.MANAGER, reviewer=org.lead
    )
    ReviewAssignment.objects.filter(
        pk__in=list(lead_reviews.values_list("pk", flat=True)[:4])
    ).update(status=AssignmentStatus.SUBMITTED)
    rows = completion_by_manager(org.hr_admin, cycle)
    still_open = [row.total - row.submitted for row in rows]
    assert still_open == sorted(still_open, reverse=True)
    assert len(completion_by_manager(org.hr_admin, cycle, limit=2)) == 2


def test_overdue_reviews_read_kind_by_kind_are_the_same_rows(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With many open reviews the overdue list is read one kind at a time:
    the same rows, in the same order, as sorting them all together."""
    import datetime as dt

    from cadence.reviews import selectors_cycles
    from cadence.reviews.selectors_cycles import overdue_reviews

    add_team(org.lead, org.platform, 6)
    add_team(org.other_manager, org.sales, 4, prefix="S")
    cycle = launched(org.hr_admin)
    phases = list(cycle.phases.order_by("due_on", "id"))
    today = dt.date(2100, 1, 1)  # every deadline has passed

    def rows(limit: int) -> tuple[int, list[tuple[str, int]]]:
        overdue = overdue_reviews(org.hr_admin, cycle, today, phases, limit=limit)
        return overdue.total, [(a.kind, a.pk) for a in overdue.shown]

    together = {limit: rows(limit) for limit in (3, 12, 50)}
    monkeypatch.setattr(selectors_cycles, "OVERDUE_SORTED_TOGETHER", 0)
    for limit, expected in together.items():
        assert rows(limit) == expected
    total, shown = together[50]
    assert len({kind for kind, _ in shown}) > 1 and len(shown) == min(total, 50)
