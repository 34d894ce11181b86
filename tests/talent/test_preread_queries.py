"""The pre-read and outcome pages, exports and endpoints run a fixed number
of queries whatever the size of the session (asserted at two sizes with the
same budget), for HR and for a participating manager."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_client import Api
from tests.conftest import Org
from tests.talent.insight_support import grow, self_review, standard

PAGE_BUDGET = 13
EXPORT_BUDGET = 13
API_BUDGET = 8


def _setup(org: Org, size: int) -> Any:
    setup = standard(org)
    self_review(setup.cycle, org.lead, overall=3)
    grow(setup, size)
    return setup


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("who", ["hr_admin", "manager"])
@pytest.mark.parametrize("name", ["session_preread", "session_outcome"])
def test_page_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int, who: str, name: str
) -> None:
    setup = _setup(org, size)
    person = getattr(org, who)
    client.force_login(person if who == "hr_admin" else person.user)
    url = reverse(f"talent:{name}", args=[setup.session.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    people = response.context["data"]
    expected = 10 + 2 * size if who == "hr_admin" else 6 + size
    count = people.people_count if name == "session_preread" else people.total.people
    assert count == expected


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("name", "table"),
    [("session_preread_export", "people"), ("session_outcome_export", "managers")],
)
def test_export_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int, name: str, table: str
) -> None:
    setup = _setup(org, size)
    client.force_login(org.hr_admin)
    with django_assert_max_num_queries(EXPORT_BUDGET):
        response = client.get(reverse(f"talent:{name}", args=[setup.session.pk]), {"table": table})
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200 and content


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("path", ["rater-effects", "outcome"])
def test_api_query_budget(
    api: Api, org: Org, django_assert_max_num_queries: Any, size: int, path: str
) -> None:
    setup = _setup(org, size)
    client = api.as_(org.manager)
    with django_assert_max_num_queries(API_BUDGET):
        response = client.get(f"/api/v1/calibration-sessions/{setup.session.pk}/{path}")
    assert response.status_code == 200
