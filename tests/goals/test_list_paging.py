"""The goals list read a period at a time (`selectors.goals_page`) gives
exactly the page that slicing the whole ordered list gives: across period
boundaries, periods that start on the same day, periods without goals,
filters and goals the viewer may not see. And the team page, a page of
reports at a time, keeps the chosen period in its page links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from cadence.goals import selectors
from cadence.goals.models import GoalPeriod, Objective, Scope, Visibility
from cadence.people.models import Employee
from cadence.people.paths import rebuild_reporting_paths
from tests.api_client import Api, ids
from tests.conftest import Org, fresh
from tests.factories import GoalPeriodFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def _period(name: str, starts_on: dt.date) -> GoalPeriod:
    ends_on = starts_on + dt.timedelta(days=89)
    period: GoalPeriod = GoalPeriodFactory(name=name, starts_on=starts_on, ends_on=ends_on)
    return period


@pytest.fixture
def goals_over_periods(org: Org) -> dict[str, GoalPeriod]:
    """Goals in a recent period, none in the one before, and two older
    periods starting the same day whose goals interleave by scope and title;
    every third personal goal private to the salesperson."""
    periods = {
        "recent": _period("2027 Q3", dt.date(2027, 7, 1)),
        "empty": _period("2027 Q2", dt.date(2027, 4, 1)),
        "old_a": _period("2027 Q1 A", dt.date(2027, 1, 1)),
        "old_b": _period("2027 Q1 B", dt.date(2027, 1, 1)),
    }
    owners = [org.employee, org.peer, org.salesperson, org.lead]
    n = 0
    for key in ("recent", "old_a", "old_b"):
        period = periods[key]
        ObjectiveFactory(period=period, scope=Scope.COMPANY, owner_employee=None, title=f"C {key}")
        ObjectiveFactory(
            period=period,
            scope=Scope.DEPARTMENT,
            owner_employee=None,
            owner_department=org.engineering,
            title=f"D {key}",
        )
        for i in range(9):
            owner = owners[n % len(owners)]
            ObjectiveFactory(
                period=period,
                owner_employee=owner,
                # Titles shared across the two same-day periods, so their
                # goals interleave in the list.
                title=f"Goal {i % 5}",
                visibility=Visibility.PRIVATE
                if owner == org.salesperson and n % 3 == 0
                else Visibility.PUBLIC,
            )
            n += 1
    return periods


def _expected(user: object, filters: selectors.GoalFilters, offset: int, limit: int) -> list[int]:
    return [g.pk for g in selectors.goals(user, filters)[offset : offset + limit]]  # type: ignore[arg-type]


@pytest.mark.parametrize("who", ["peer", "salesperson", "hr_admin"])
def test_every_page_is_the_slice_of_the_whole_list(
    org: Org, goals_over_periods: dict[str, GoalPeriod], who: str
) -> None:
    user = getattr(org, who)
    user = fresh(user if who == "hr_admin" else user.user)
    everything = selectors.GoalFilters()
    total = selectors.goals(user, everything).count()
    assert total > 20
    for limit in (1, 4, 7, 11, 50):
        for offset in range(0, total + 2):
            count, page = selectors.goals_page(user, everything, offset=offset, limit=limit)
            assert count == total
            assert [g.pk for g in page] == _expected(user, everything, offset, limit), (
                offset,
                limit,
            )


def test_pages_with_filters_match_the_filtered_list(
    org: Org, goals_over_periods: dict[str, GoalPeriod]
) -> None:
    user = fresh(org.peer.user)
    for filters in (
        selectors.GoalFilters(period=goals_over_periods["old_b"].pk),
        selectors.GoalFilters(period=goals_over_periods["empty"].pk),
        selectors.GoalFilters(owner=org.employee.pk),
        selectors.GoalFilters(q="goal 3"),
        selectors.GoalFilters(scope=Scope.PERSONAL),
    ):
        total = selectors.goals(user, filters).count()
        for offset in range(0, total + 1):
            count, page = selectors.goals_page(user, filters, offset=offset, limit=3)
            assert count == total
            assert [g.pk for g in page] == _expected(user, filters, offset, 3)


def test_private_goal_never_on_a_page_of_someone_outside_the_chain(
    org: Org, goals_over_periods: dict[str, GoalPeriod]
) -> None:
    private = set(
        Objective.objects.filter(visibility=Visibility.PRIVATE).values_list("pk", flat=True)
    )
    assert private
    count, page = selectors.goals_page(
        fresh(org.peer.user), selectors.GoalFilters(), offset=0, limit=200
    )
    assert count == len(page) and not private & {g.pk for g in page}


def test_api_pages_join_up_to_the_whole_list(
    api: Api, org: Org, goals_over_periods: dict[str, GoalPeriod]
) -> None:
    client = api.as_(org.peer)
    whole = ids(client.get("/api/v1/goals", limit=200))
    pages: list[int] = []
    for offset in range(0, len(whole), 4):
        resp = client.get("/api/v1/goals", limit=4, offset=offset)
        assert resp.json()["count"] == len(whole)
        pages += ids(resp)
    assert pages == whole
    assert whole == [g.pk for g in selectors.goals(fresh(org.peer.user))]


def test_team_page_is_paged_and_keeps_the_period(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    Employee.objects.bulk_create(
        Employee(
            employee_number=f"P{i:04d}",
            first_name=f"Report{i}",
            last_name="Paged",
            email=f"paged{i}@example.com",
            department=org.engineering,
            manager=org.manager,
        )
        for i in range(settings.CADENCE_PAGE_SIZE + 5)
    )
    rebuild_reporting_paths()
    client.force_login(org.manager.user)
    first = client.get("/goals/team/", {"period": period.pk})
    assert len(first.context["rows"]) == settings.CADENCE_PAGE_SIZE
    assert f"period={period.pk}" in first.content.decode().split("Team pages")[1]
    second = client.get("/goals/team/", {"period": period.pk, "page": 2})
    shown = [r.employee.pk for r in first.context["rows"] + second.context["rows"]]
    reports = Employee.objects.reports_of(org.manager).filter(status="active")
    assert shown == list(reports.order_by("reporting_path").values_list("pk", flat=True))


def test_someone_with_no_place_in_the_reporting_tree_has_no_team(client: Client, org: Org) -> None:
    """An empty reporting path is a prefix of everyone's: it must list nobody
    (found in a security review; it briefly happens during an import)."""
    GoalPeriodFactory()
    Employee.objects.filter(pk=org.peer.pk).update(reporting_path="")
    client.force_login(org.peer.user)
    response = client.get("/goals/team/")
    assert response.status_code == 200
    assert response.context["rows"] == []
    html = response.content.decode()
    assert org.ceo.last_name not in html and org.salesperson.last_name not in html
