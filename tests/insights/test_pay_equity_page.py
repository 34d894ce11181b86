"""The pay-equity page, its downloads and /api/v1/insights/pay-equity: HR
admins only, small groups suppressed everywhere, bad input answered with a
clear 400/422, a fixed number of queries, and one access-log row per read."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cadence.core.models import AccessLogEntry
from cadence.insights.access import NOT_ENOUGH
from cadence.insights.pay_equity_options import RATING_WARNING
from cadence.people.models import Employee
from tests.api_client import Api
from tests.conftest import Org
from tests.insights.pay_support import build, rated_cycle

pytestmark = pytest.mark.django_db
PAGE = reverse("insights:pay_equity")
API = "/api/v1/insights/pay-equity"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_page_shows_raw_and_adjusted_gaps_with_the_small_group_suppressed(org: Org) -> None:
    data = build(200)
    response = _client(data.hr_admin).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    gaps = next(t for t in response.context["tables"] if t.key == "gaps")
    rows = {row[0]: row for row in gaps.rows}
    assert rows["Non-binary"][1:] == [NOT_ENOUGH] * 7
    assert rows["Male"][3] == "reference group"
    female = rows["Female"]
    assert isinstance(female[3], float) and isinstance(female[4], float)
    assert female[5] < female[4] < female[6]  # the interval around the adjusted gap
    # The chart has no bar for the suppressed group.
    assert gaps.chart is not None and "Non-binary" not in gaps.chart.labels
    assert "not enough data" in html and 'id="gaps-chart-data"' in html
    # Who was left out, in words, and what the model controls for.
    assert "people left out — No salary recorded (or zero): 5 /" in html
    assert "What the model controls for" in html and "L3 Senior" in html
    assert RATING_WARNING in html  # always beside the option


def test_every_export_keeps_the_suppression(org: Org) -> None:
    data = build(120)
    client = _client(data.hr_admin)
    rows = _csv(client.get(PAGE, {"table": "gaps", "format": "csv"}))
    assert rows[0][:2] == ["Group", "People"]
    non_binary = next(r for r in rows if r[0] == "Non-binary")
    assert non_binary[1:] == [NOT_ENOUGH] * 7
    factors = _csv(client.get(PAGE, {"table": "factors", "format": "csv"}))
    executive = next(r for r in factors if r[1] == "L6 Executive")
    assert executive[3:] == [NOT_ENOUGH] * 6
    left_out = _csv(client.get(PAGE, {"table": "left-out", "format": "csv"}))
    assert ["Paid in another currency", "6"] in left_out
    assert _csv(client.get(PAGE, {"table": "model", "format": "csv"}))[1][0] == "Currency analysed"
    workbook = client.get(PAGE, {"table": "gaps", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(_body(workbook))).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert next(r for r in cells if r[0] == "Non-binary")[1:] == [NOT_ENOUGH] * 7


def test_api_gives_nulls_for_the_small_group(org: Org, api: Api) -> None:
    data = build(200)
    response = api.as_(data.hr_admin).get(API)
    assert response.status_code == 200, response.content
    body = response.json()
    groups = {g["key"]: g for g in body["groups"]}
    small = groups["non_binary"]
    assert small["enough_data"] is False
    numbers = ["n", "mean_salary", "raw_gap", "adjusted_gap", "ci_low", "ci_high", "p_value"]
    assert all(small[k] is None for k in [*numbers, "coefficient", "se"])
    women = groups["female"]
    assert women["enough_data"] and women["ci_low"] < women["adjusted_gap"] < women["ci_high"]
    assert body["reference"] == "male" and body["currency"] == "GBP" and body["enough_data"]
    assert body["model"]["n"] == body["analysed"] == len(data.analysed())
    executive = next(c for c in body["coefficients"] if c["term"] == "L6 Executive")
    assert executive["enough_data"] is False and executive["coefficient"] is None
    assert {"reason": "Paid in another currency", "people": 6} in body["left_out"]
    assert RATING_WARNING not in body["warnings"]
    assert any("EUR 6" in w for w in body["warnings"])


def test_controlling_for_ratings_warns_on_page_and_in_api(org: Org, api: Api) -> None:
    data = build(120, rating=True)
    cycle = rated_cycle(data)
    params = {"control_rating": "1", "cycle": str(cycle.pk)}
    body = api.as_(data.hr_admin).get(API, **params).json()
    assert body["control_rating"] is True and body["cycle"]["id"] == cycle.pk
    assert RATING_WARNING in body["warnings"]
    assert any(c["factor"] == "Final rating" for c in body["coefficients"])
    html = _client(data.hr_admin).get(PAGE, params).content.decode()
    assert 'id="pay-rating-on"' in html and "Ratings of Pay cycle are controlled for." in html


def test_empty_state_when_nobody_has_a_salary(org: Org, api: Api) -> None:
    Employee.objects.update(salary=None)
    response = _client(org.hr_admin).get(PAGE)
    assert response.status_code == 200
    assert 'id="pay-empty"' in response.content.decode()
    body = api.as_(org.hr_admin).get(API).json()
    assert body["currency"] is None and body["groups"] == [] and body["enough_data"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"attribute": "shoe_size"}, "attribute"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "12"}, "currency"),
        ({"reference": "undisclosed"}, "reference"),
        ({"reference": "martian"}, "reference"),
        ({"reference": "non_binary"}, "reference"),
        ({"control_rating": "maybe"}, "control_rating"),
        ({"control_rating": "1", "cycle": "999999"}, "cycle"),
        ({"cycle": "abc"}, "cycle"),
    ],
)
def test_bad_input_is_a_clear_400_on_the_page_and_422_in_the_api(
    org: Org, api: Api, params: dict[str, str], field: str
) -> None:
    data = build(60)
    page = _client(data.hr_admin).get(PAGE, params)
    assert page.status_code == 400
    assert 'id="pay-error"' in page.content.decode()
    response = api.as_(data.hr_admin).get(API, **params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_no_cycle_to_control_for(org: Org, api: Api) -> None:
    data = build(40)
    response = api.as_(data.hr_admin).get(API, control_rating="1")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cycle"


@pytest.mark.parametrize("who", ["manager", "executive", "hrbp", "employee", "auditor"])
def test_only_hr_admins_see_pay_equity(org: Org, api: Api, who: str) -> None:
    build(40)
    found = getattr(org, who)
    user = found.user if isinstance(found, Employee) else found
    client = _client(user)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE, {"table": "gaps", "format": "csv"}).status_code == 403
    assert client.get(PAGE, {"table": "gaps", "format": "xlsx"}).status_code == 403
    response = api.as_(user).get(API)
    assert response.status_code == 403
    assert response.json()["detail"] and "groups" not in response.json()
    assert not AccessLogEntry.objects.filter(object_type="insights.report").exists()


def test_each_read_writes_one_access_log_row(org: Org, api: Api) -> None:
    data = build(40)
    client = _client(data.hr_admin)
    rows = AccessLogEntry.objects.filter(object_type="insights.report", actor=data.hr_admin)
    client.get(PAGE, {"attribute": "race_ethnicity"})
    assert rows.count() == 1
    entry = rows.get()
    assert entry.fields == sorted(["salary", "race_ethnicity"])
    assert "Pay equity by Race / ethnicity (GBP)" in entry.object_label
    client.get(PAGE, {"table": "gaps", "format": "csv"})
    api.as_(data.hr_admin).get(API)
    assert rows.count() == 3
    assert all(sorted(e.fields) == ["salary", "sex"] for e in rows[:2])


@pytest.mark.parametrize("size", [30, 150])
def test_query_budget_is_the_same_at_two_sizes(
    org: Org, api: Api, django_assert_max_num_queries: Any, size: int
) -> None:
    data = build(size, rating=True)
    cycle = rated_cycle(data)
    client = _client(data.hr_admin)
    params = {"control_rating": "1", "cycle": str(cycle.pk)}
    with django_assert_max_num_queries(12):
        assert client.get(PAGE, params).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(PAGE, {**params, "table": "gaps"}).status_code == 200
    token = api.as_(data.hr_admin)
    with django_assert_max_num_queries(12):
        assert token.get(API, **params).status_code == 200


def test_rank_deficiency_is_explained_on_the_page(org: Org) -> None:
    data = build(60, with_extras=False)
    Employee.objects.filter(pk__in=[p.employee.pk for p in data.people if p.employee]).update(
        hire_date=data.people[0].hire_date
    )
    html = _client(data.hr_admin).get(PAGE).content.decode()
    assert "Dropped from the model: Tenure (per year) (no variation" in html
    assert "dropped: no variation" in html
