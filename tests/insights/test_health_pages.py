"""The programme-health page, its exports and /api/v1/insights/health:
who may see them, suppression in each, bad parameters and query budgets."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadence.reviews.models import Stage
from tests.api_client import Api
from tests.conftest import Org
from tests.insights.health_support import build, client_for

pytestmark = pytest.mark.django_db

URL = "/insights/health/"
API = "/api/v1/insights/health"


def _body(response: Any) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert sheet is not None
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def api_table(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in body["tables"] if t["key"] == key)


def api_row(table: dict[str, Any], label: str) -> dict[str, Any]:
    return next(r for r in table["rows"] if r["label"] == label)


def test_page_shows_every_table_with_its_chart_and_downloads(org: Org) -> None:
    built = build(org)
    response = client_for(org.hr_admin).get(URL, {"cycle": built.cycle.pk})
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("phases", "departments", "managers", "time", "quality", "trend", "goals"):
        assert f'id="{key}-table"' in html, key
        assert f"table={key}&amp;format=csv" in html, key
    assert 'data-insights-chart="trend-chart-data"' in html
    assert 'id="health-filters"' in html and ">Show</button>" in html


def test_suppression_on_page_csv_xlsx_and_api(org: Org, api: Api) -> None:
    built = build(org)
    client = client_for(org.hr_admin)
    html = client.get(URL, {"cycle": built.cycle.pk}).content.decode()
    engineering = html.split('id="departments-table"')[1].split('<th scope="row">Engineering')[1]
    assert engineering.split("</tr>")[0].count("not enough data") == 6
    params = {"cycle": built.cycle.pk, "table": "departments"}
    lines = csv_rows(client.get(URL, {**params, "format": "csv"}))
    assert lines[0][0] == "Department"
    eng = next(r for r in lines if r[0] == "Engineering")
    assert eng[1] == "4" and eng[2:] == ["not enough data"] * 6
    platform = next(r for r in lines if r[0] == "Platform")
    assert "not enough data" not in platform
    sheet = xlsx_rows(client.get(URL, {**params, "format": "xlsx"}))
    eng_x = next(r for r in sheet if r[0] == "Engineering")
    assert eng_x[2:] == ["not enough data"] * 6
    phases = xlsx_rows(
        client.get(URL, {"cycle": built.cycle.pk, "table": "phases", "format": "xlsx"})
    )
    assert phases[0][:2] == ["Phase", "Due"] and phases[1][0] == "Self review"
    body = api.as_(org.hr_admin).get(API, cycle=built.cycle.pk).json()
    row = api_row(api_table(body, "departments"), "Engineering")
    assert row["enough_data"] is False
    assert row["values"]["People"] == 4
    assert row["values"]["Self review: completion (%)"] is None
    shown = api_row(api_table(body, "departments"), "Platform")
    assert shown["enough_data"] is True
    page_platform = next(r for r in lines if r[0] == "Platform")
    assert float(page_platform[2]) == shown["values"]["Self review: completion (%)"]


def test_api_gives_the_same_numbers_as_the_page(org: Org, api: Api) -> None:
    from cadence.insights.access import require_scope
    from cadence.insights.health import programme_health

    built = build(org)
    body = api.as_(org.hr_admin).get(API, cycle=built.cycle.pk).json()
    health = programme_health(org.hr_admin, require_scope(org.hr_admin), built.cycle)
    assert body["cycle"]["id"] == built.cycle.pk
    assert body["completion_rate"] == health.completion_rate
    assert body["min_group_size"] == 5
    for table in health.tables():
        out = api_table(body, table.key)
        assert out["columns"] == table.header
        assert [r["label"] for r in out["rows"]] == [str(r[0]) for r in table.rows]


@pytest.mark.parametrize("who", ["employee", "salesperson"])
def test_people_without_reports_get_403_on_page_export_and_api(
    org: Org, api: Api, who: str
) -> None:
    built = build(org)
    person = getattr(org, who)
    client = client_for(person)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"table": "phases", "format": "csv"}).status_code == 403
    response = api.as_(person).get(API, cycle=built.cycle.pk)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_manager_page_and_api_leave_out_other_teams(org: Org, api: Api) -> None:
    built = build(org)
    html = client_for(org.manager).get(URL, {"cycle": built.cycle.pk}).content.decode()
    assert "Sales" not in html.split('id="departments-table"')[1].split("</table>")[0]
    body = api.as_(org.manager).get(API, cycle=built.cycle.pk).json()
    managers = {r["label"] for r in api_table(body, "managers")["rows"]}
    assert "Otto Other" not in managers and "Lee Lead" in managers
    # The manager's own department filter choices are within their scope.
    assert (
        client_for(org.manager)
        .get(URL, {"cycle": built.cycle.pk, "department": org.sales.pk})
        .status_code
        == 400
    )


def test_bad_parameters(org: Org, api: Api) -> None:
    built = build(org, earlier=False)
    client = client_for(org.hr_admin)
    assert client.get(URL, {"cycle": "abc"}).status_code == 404
    assert client.get(URL, {"cycle": "999999"}).status_code == 404
    response = client.get(URL, {"cycle": built.cycle.pk, "department": "x"})
    assert response.status_code == 400
    assert "department must be one of" in response.content.decode()
    bad_table = client.get(URL, {"cycle": built.cycle.pk, "table": "nope"})
    assert bad_table.status_code == 400
    hr = api.as_(org.hr_admin)
    missing = hr.get(API, cycle="999999")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "cycle"
    assert hr.get(API, cycle="abc").status_code == 404
    bad = hr.get(API, cycle=built.cycle.pk, department="abc")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "department", "message": "department must be one of the departments you may see."}
    ]


def test_no_cycle_is_an_empty_state(org: Org, api: Api) -> None:
    response = client_for(org.hr_admin).get(URL)
    assert response.status_code == 200
    assert 'id="health-empty"' in response.content.decode()
    body = api.as_(org.hr_admin).get(API).json()
    assert body["cycle"] is None and body["tables"] == []


def test_cycle_page_links_to_its_insights(org: Org) -> None:
    built = build(org, earlier=False)
    html = client_for(org.hr_admin).get(f"/reviews/cycles/{built.cycle.pk}/").content.decode()
    assert f"{reverse('insights:health')}?cycle={built.cycle.pk}" in html
    built.cycle.stage = Stage.DRAFT
    built.cycle.save(update_fields=["stage"])
    html = client_for(org.hr_admin).get(f"/reviews/cycles/{built.cycle.pk}/").content.decode()
    assert 'id="cycle-insights-link"' not in html


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
    for who in (org.hr_admin, org.manager.user):
        client = client_for(who)
        with django_assert_max_num_queries(BUDGET + KEEPING):
            assert client.get(URL, {"cycle": built.cycle.pk}).status_code == 200
        with django_assert_max_num_queries(KEPT_BUDGET):
            assert client.get(URL, {"cycle": built.cycle.pk}).status_code == 200
        with django_assert_max_num_queries(BUDGET + KEEPING):
            params = {"cycle": built.cycle.pk, "refresh": "1"}
            assert client.get(URL, params).status_code == 200
        with django_assert_max_num_queries(KEPT_BUDGET):
            response = client.get(URL, {"cycle": built.cycle.pk, "table": "managers"})
            assert response.status_code == 200
            csv_rows(response)
        token = api.as_(who)
        with django_assert_max_num_queries(BUDGET + KEEPING):
            assert token.get(API, cycle=built.cycle.pk, refresh="true").status_code == 200
        with django_assert_max_num_queries(KEPT_BUDGET):
            assert token.get(API, cycle=built.cycle.pk).status_code == 200
