"""Programme health is computed once per viewer and filter and kept for
CADENCE_INSIGHTS_CACHE_SECONDS (insights/report_cache.py): the page and the
API say when their figures were computed, "Refresh now" recomputes, and a
kept report never answers another viewer."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.people.services import update_employee
from cadence.reviews.models import AssignmentStatus, ReviewAssignment, ReviewResult
from tests.api_client import Api
from tests.conftest import Org
from tests.insights.health_support import build, client_for

pytestmark = pytest.mark.django_db

URL = "/insights/health/"
API = "/api/v1/insights/health"


def _submit_everything(cycle_pk: int) -> None:
    ReviewAssignment.objects.filter(cycle_id=cycle_pk).update(
        status=AssignmentStatus.SUBMITTED, submitted_at=timezone.now()
    )


def _without_time(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "as_of"}


def test_kept_until_refreshed_on_the_api_and_the_page(org: Org, api: Api) -> None:
    built = build(org)
    admin = api.as_(org.hr_admin)
    first = admin.get(API, cycle=built.cycle.pk).json()
    assert first["completion_rate"] is not None and first["completion_rate"] < 100
    assert first["as_of"]
    _submit_everything(built.cycle.pk)
    kept = admin.get(API, cycle=built.cycle.pk).json()
    assert kept == first  # the same figures, the same time

    page = client_for(org.hr_admin)
    html = page.get(URL, {"cycle": built.cycle.pk}).content.decode()
    assert f"<strong>{first['completion_rate']}%</strong>" in html
    assert 'id="health-as-of"' in html and "Figures as of" in html

    fresh = admin.get(API, cycle=built.cycle.pk, refresh="true").json()
    assert fresh["completion_rate"] == 100.0 and fresh["as_of"] > first["as_of"]
    # The page reads the figures the API just recomputed (one computation serves both).
    assert "<strong>100.0%</strong>" in page.get(URL, {"cycle": built.cycle.pk}).content.decode()


def test_refresh_now_recomputes_the_page_and_its_tables(org: Org) -> None:
    built = build(org)
    page = client_for(org.hr_admin)
    before = page.get(URL, {"cycle": built.cycle.pk}).content.decode()
    _submit_everything(built.cycle.pk)
    again = page.get(URL, {"cycle": built.cycle.pk}).content.decode()
    # The same figures and tables (the page's CSRF token is new each time).
    assert again.split('id="health-summary"')[1] == before.split('id="health-summary"')[1]
    assert "<strong>100.0%</strong>" not in again
    refreshed = page.get(URL, {"cycle": built.cycle.pk, "refresh": "1"}).content.decode()
    assert "<strong>100.0%</strong>" in refreshed
    tables = refreshed.split('id="health-refresh"')[1]
    assert tables != before.split('id="health-refresh"')[1]
    # Links on the refreshed page (exports, refresh) do not ask for a refresh again
    # except the one "Refresh now" link.
    assert "refresh=1" not in tables
    assert "table=phases&amp;format=csv" in tables


def test_a_second_load_reads_the_kept_report(org: Org) -> None:
    built = build(org)
    page = client_for(org.hr_admin)
    with CaptureQueriesContext(connection) as first:
        assert page.get(URL, {"cycle": built.cycle.pk}).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert page.get(URL, {"cycle": built.cycle.pk}).status_code == 200
    assert len(second) < len(first) - 8


def test_every_viewer_gets_their_own_figures(org: Org, api: Api, settings: Any) -> None:
    built = build(org)
    viewers = [org.hr_admin, org.manager.user, org.hrbp, org.executive, org.other_manager.user]
    settings.CADENCE_INSIGHTS_CACHE_SECONDS = 0
    computed_alone = {
        v.pk: _without_time(api.as_(v).get(API, cycle=built.cycle.pk).json()) for v in viewers
    }
    assert len({repr(body) for body in computed_alone.values()}) >= 3  # scopes differ
    settings.CADENCE_INSIGHTS_CACHE_SECONDS = 300
    for _ in range(2):  # the second round answers from what the first kept
        for viewer in viewers:
            body = api.as_(viewer).get(API, cycle=built.cycle.pk).json()
            assert _without_time(body) == computed_alone[viewer.pk], viewer.email


def test_nothing_is_kept_when_the_setting_is_zero(org: Org, api: Api, settings: Any) -> None:
    settings.CADENCE_INSIGHTS_CACHE_SECONDS = 0
    built = build(org)
    admin = api.as_(org.hr_admin)
    assert admin.get(API, cycle=built.cycle.pk).json()["completion_rate"] < 100
    _submit_everything(built.cycle.pk)
    assert admin.get(API, cycle=built.cycle.pk).json()["completion_rate"] == 100.0
    html = client_for(org.hr_admin).get(URL, {"cycle": built.cycle.pk}).content.decode()
    assert "<strong>100.0%</strong>" in html and "kept for up to" not in html


def test_rating_analytics_are_kept_the_same_way(org: Org, api: Api) -> None:
    built = build(org)
    admin = api.as_(org.hr_admin)
    first = admin.get("/api/v1/insights/ratings", cycle=built.cycle.pk).json()
    assert first["as_of"] and first["people_rated"] > 0
    ReviewResult.objects.filter(cycle=built.cycle).delete()
    assert admin.get("/api/v1/insights/ratings", cycle=built.cycle.pk).json() == first
    page = client_for(org.hr_admin)
    html = page.get("/insights/ratings/", {"cycle": built.cycle.pk}).content.decode()
    assert 'id="ratings-as-of"' in html and 'id="ratings-refresh"' in html
    fresh = admin.get("/api/v1/insights/ratings", cycle=built.cycle.pk, refresh="true").json()
    assert fresh["people_rated"] == 0


def test_a_change_to_who_is_in_scope_is_never_served_from_the_kept_report(
    org: Org, api: Api, settings: Any
) -> None:
    built = build(org)
    manager = api.as_(org.manager.user)
    before = _without_time(manager.get(API, cycle=built.cycle.pk).json())
    # The lead and their team move to the other manager (an audited change).
    update_employee(actor=org.hr_admin, employee=org.lead, manager=org.other_manager)
    after_move = _without_time(manager.get(API, cycle=built.cycle.pk).json())
    settings.CADENCE_INSIGHTS_CACHE_SECONDS = 0
    fresh = _without_time(manager.get(API, cycle=built.cycle.pk).json())
    assert after_move == fresh != before
