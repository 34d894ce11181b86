"""Query budgets: the praise wall, my feedback and the requests pages (and
the API lists) run the same number of queries for 3 rows as for 30, each
row with a value, a competency, a goal and (for requests) several asks with
answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cadence.feedback.models import AskStatus, Feedback, FeedbackAsk, FeedbackRequest
from cadence.goals.models import Objective, Visibility
from tests.api_client import Api
from tests.conftest import Org
from tests.factories import CompetencyFactory, GoalPeriodFactory
from tests.feedback.feedback_support import TODAY, CompanyValueFactory, V, bulk_people

SIZES = [3, 30]
QueryCounter = Callable[[int], Any]


def _feedback_rows(org: Org, size: int) -> None:
    """`size` pieces of each visibility to the employee, from different
    people, each pointing to a value, a competency and a goal (half private)."""
    givers = bulk_people(org, size)
    value = CompanyValueFactory()
    competency = CompetencyFactory()
    period = GoalPeriodFactory()
    goals = Objective.objects.bulk_create(
        Objective(
            period=period,
            owner_employee=org.employee,
            title=f"Goal {i}",
            visibility=Visibility.PRIVATE if i % 2 else Visibility.PUBLIC,
        )
        for i in range(size)
    )
    Feedback.objects.bulk_create(
        Feedback(
            giver=giver,
            recipient=org.employee,
            body=f"Row {i} {visibility}",
            visibility=visibility,
            value=value,
            competency=competency,
            goal=goals[i],
        )
        for i, giver in enumerate(givers)
        for visibility in V
    )
    # And feedback Emma gave, for her "given" tab.
    Feedback.objects.bulk_create(
        Feedback(giver=org.employee, recipient=p, body="Given", value=value) for p in givers
    )


def _request_rows(org: Org, size: int) -> None:
    """`size` requests by the employee with three asks each (one answered,
    one declined, one pending), and `size` requests asking the peer."""
    people = bulk_people(org, size + 3, prefix="R")
    mine = FeedbackRequest.objects.bulk_create(
        FeedbackRequest(requester=org.employee, subject=org.employee, due_on=TODAY)
        for _ in range(size)
    )
    asks = FeedbackAsk.objects.bulk_create(
        FeedbackAsk(request=r, responder=people[i + k], status=status)
        for i, r in enumerate(mine)
        for k, status in enumerate(AskStatus)
    )
    Feedback.objects.bulk_create(
        Feedback(giver=a.responder, recipient=org.employee, body="Answer", ask=a)
        for a in asks
        if a.status == AskStatus.ANSWERED
    )
    theirs = FeedbackRequest.objects.bulk_create(
        FeedbackRequest(requester=p, subject=p, due_on=TODAY) for p in people[:size]
    )
    FeedbackAsk.objects.bulk_create(FeedbackAsk(request=r, responder=org.peer) for r in theirs)


@pytest.mark.parametrize("size", SIZES)
def test_wall_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    _feedback_rows(org, size)
    client.force_login(org.salesperson.user)
    with django_assert_max_num_queries(12):
        resp = client.get("/feedback/")
    assert resp.status_code == 200
    assert len(resp.context["items"]) == min(size, 25)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("who", "tab", "rows"),
    [("employee", "received", 3), ("employee", "given", 1), ("lead", "team", 3)],
)
def test_my_feedback_query_budget(
    client: Client,
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    size: int,
    who: str,
    tab: str,
    rows: int,
) -> None:
    _feedback_rows(org, size)
    client.force_login(getattr(org, who).user)
    with django_assert_max_num_queries(12):
        resp = client.get("/feedback/mine/", {"tab": tab})
    assert resp.status_code == 200
    assert len(resp.context["items"]) == min(rows * size, 25)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("who", "tab"), [("employee", "made"), ("peer", "asked")])
def test_requests_page_query_budget(
    client: Client,
    org: Org,
    django_assert_max_num_queries: QueryCounter,
    size: int,
    who: str,
    tab: str,
) -> None:
    _request_rows(org, size)
    client.force_login(getattr(org, who).user)
    with django_assert_max_num_queries(12):
        resp = client.get("/feedback/requests/", {"tab": tab})
    assert resp.status_code == 200
    assert resp.content.decode().count("Answer") >= 1


@pytest.mark.parametrize("size", SIZES)
def test_api_lists_query_budget(
    api: Api, org: Org, django_assert_max_num_queries: QueryCounter, size: int
) -> None:
    _feedback_rows(org, size)
    _request_rows(org, size)
    client = api.as_(org.employee)
    with django_assert_max_num_queries(10):
        resp = client.get("/api/v1/feedback", limit=100)
    assert resp.json()["count"] == 5 * size  # 3 visible kinds received, given, answers
    with django_assert_max_num_queries(10):
        resp = client.get("/api/v1/feedback-requests", role="made")
    assert resp.json()["count"] == size
