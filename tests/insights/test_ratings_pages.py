"""The ratings page, its exports and /api/v1/insights/ratings: access,
suppression in each, ?compare, bad parameters and query budgets."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cadence.reviews.models import RatingLevel, RatingScale
from tests.api_client import Api
from tests.conftest import Org
from tests.insights.health_support import LAUNCH, build, client_for, levels_of, make_cycle
from tests.insights.test_health_pages import api_row, api_table, csv_rows, xlsx_rows
from tests.review_factories import ReviewTemplateFactory

pytestmark = pytest.mark.django_db

URL = "/insights/ratings/"
API = "/api/v1/insights/ratings"


def test_page_shows_every_table_and_its_downloads(org: Org) -> None:
    built = build(org)
    response = client_for(org.hr_admin).get(URL, {"cycle": built.cycle.pk})
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "distribution",
        "calibration",
        "departments",
        "job-levels",
        "locations",
        "managers",
        "cycles",
        "movement",
        "movement-summary",
        "attainment",
    ):
        assert f'id="{key}-table"' in html, key
        assert f"table={key}&amp;format=xlsx" in html, key
    assert "compared with Year-end 2024" in html
    assert 'id="ratings-filters"' in html


def test_suppression_on_page_csv_xlsx_and_api(org: Org, api: Api) -> None:
    built = build(org)
    client = client_for(org.hr_admin)
    html = client.get(URL, {"cycle": built.cycle.pk}).content.decode()
    section = html.split('id="departments-table"')[1].split("</table>")[0]
    engineering = section.split('<th scope="row">Engineering')[1].split("</tr>")[0]
    assert engineering.count("not enough data") == 10
    params = {"cycle": built.cycle.pk, "table": "departments"}
    lines = csv_rows(client.get(URL, {**params, "format": "csv"}))
    assert next(r for r in lines if r[0] == "Engineering")[2:] == ["not enough data"] * 10
    sheet = xlsx_rows(client.get(URL, {**params, "format": "xlsx"}))
    assert next(r for r in sheet if r[0] == "Engineering")[2:] == ["not enough data"] * 10
    body = api.as_(org.hr_admin).get(API, cycle=built.cycle.pk).json()
    eng = api_row(api_table(body, "departments"), "Engineering")
    assert eng["enough_data"] is False and eng["values"]["Meets"] is None
    platform = api_row(api_table(body, "departments"), "Platform")
    csv_platform = next(r for r in lines if r[0] == "Platform")
    assert platform["enough_data"] is True
    assert platform["values"]["Meets"] == int(csv_platform[2 + 2 * 2])


def test_api_fields_match_an_independent_count(org: Org, api: Api) -> None:
    built = build(org)
    body = api.as_(org.hr_admin).get(API, cycle=built.cycle.pk).json()
    finals = Counter(r.final.pk for r in built.rated if r.final)
    befores = Counter(r.before.pk for r in built.rated if r.before)
    assert body["people_rated"] == sum(finals.values()) and body["enough_data"] is True
    assert [
        (d["level_id"], d["after_calibration"], d["before_calibration"])
        for d in body["distribution"]
    ] == [(lv.pk, finals[lv.pk], befores[lv.pk]) for lv in levels_of(built.cycle)]
    movement = body["movement"]
    assert movement["compared_with"]["id"] == built.earlier.pk  # type: ignore[union-attr]
    then = {r.employee.pk: r.final for r in built.earlier_rated if r.final}
    both = [r for r in built.rated if r.final and r.employee.pk in then]
    assert movement["people"] == len(both)
    up = sum(r.final.value > then[r.employee.pk].value for r in both)  # type: ignore[union-attr]
    assert movement["up"] == up


def test_executive_api_counts_released_results_only(org: Org, api: Api) -> None:
    built = build(org)
    body = api.as_(org.executive).get(API, cycle=built.cycle.pk).json()
    released = [r for r in built.rated if r.released and r.employee.department_id == org.sales.pk]
    assert body["people_rated"] == len(released)
    assert [r["label"] for r in api_table(body, "departments")["rows"]] == ["Sales"]


@pytest.mark.parametrize("who", ["employee", "salesperson"])
def test_people_without_reports_get_403_on_page_export_and_api(
    org: Org, api: Api, who: str
) -> None:
    built = build(org, earlier=False)
    person = getattr(org, who)
    client = client_for(person)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"table": "distribution", "format": "xlsx"}).status_code == 403
    assert api.as_(person).get(API, cycle=built.cycle.pk).status_code == 403


def test_compare_chooses_the_cycle_to_compare_with(org: Org, api: Api) -> None:
    built = build(org)
    assert built.earlier is not None
    client = client_for(org.hr_admin)
    response = client.get(URL, {"cycle": built.cycle.pk, "compare": built.earlier.pk})
    assert response.status_code == 200
    # Comparing the earlier cycle with the later one: a backwards look works too.
    backwards = api.as_(org.hr_admin).get(API, cycle=built.earlier.pk, compare=built.cycle.pk)
    assert backwards.status_code == 200
    assert backwards.json()["movement"]["compared_with"]["id"] == built.cycle.pk
    # The earlier cycle has nothing before it: no movement.
    alone = api.as_(org.hr_admin).get(API, cycle=built.earlier.pk).json()
    assert alone["movement"] is None


def test_bad_parameters(org: Org, api: Api) -> None:
    built = build(org)
    other_scale = RatingScale.objects.create(name="Three-point")
    RatingLevel.objects.create(scale=other_scale, value=1, label="Low")
    odd = make_cycle("Odd scale", LAUNCH, period=None)
    odd.template = ReviewTemplateFactory(rating_scale=other_scale)
    odd.save(update_fields=["template"])
    client = client_for(org.hr_admin)
    hr = api.as_(org.hr_admin)
    assert client.get(URL, {"cycle": "nope"}).status_code == 404
    assert client.get(URL, {"cycle": "424242"}).status_code == 404
    assert hr.get(API, cycle="424242").status_code == 404
    for compare, message in (
        ("nope", "compare must be a cycle you may see."),
        ("424242", "compare must be a cycle you may see."),
        (str(built.cycle.pk), "compare must be another cycle than the one shown."),
        (str(odd.pk), "compare must be a cycle rated on the same scale."),
    ):
        page = client.get(URL, {"cycle": built.cycle.pk, "compare": compare})
        assert page.status_code == 400 and message in page.content.decode()
        response = hr.get(API, cycle=built.cycle.pk, compare=compare)
        assert response.status_code == 400
        assert response.json()["errors"] == [{"field": "compare", "message": message}]
    assert client.get(URL, {"cycle": built.cycle.pk, "department": "0"}).status_code == 400
    assert hr.get(API, cycle=built.cycle.pk, department="0").status_code == 400
    assert client.get(URL, {"cycle": built.cycle.pk, "table": "x"}).status_code == 400


BUDGET = 30
# Computing a report also reads and keeps it and its rendered tables in the
# database cache (insights/report_cache.py): a fixed number more.
KEEPING = 7
# Served from what was kept: the sign-in, scope, filters and the kept rows.
KEPT_BUDGET = 12


@pytest.mark.parametrize("size", [1, 4])
def test_page_and_api_query_budget(
    org: Org, api: Api, django_assert_max_num_queries: Any, size: int
) -> None:
    built = build(org, platform=6 * size, engineering=3 * size, sales=7 * size)
    for who in (org.hr_admin, org.manager.user, org.executive):
        client = client_for(who)
        with django_assert_max_num_queries(BUDGET + KEEPING):
            assert client.get(URL, {"cycle": built.cycle.pk}).status_code == 200
        with django_assert_max_num_queries(KEPT_BUDGET):
            assert client.get(URL, {"cycle": built.cycle.pk}).status_code == 200
        with django_assert_max_num_queries(KEPT_BUDGET):
            response = client.get(URL, {"cycle": built.cycle.pk, "table": "attainment"})
            csv_rows(response)
        with django_assert_max_num_queries(BUDGET + KEEPING):
            params = {"cycle": built.cycle.pk, "refresh": "true"}
            assert api.as_(who).get(API, **params).status_code == 200
