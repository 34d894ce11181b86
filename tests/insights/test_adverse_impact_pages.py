"""The adverse-impact page, its downloads and the API: who may see them,
"not enough data" everywhere, bad parameters, the access log and the query
budget."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cadence.core.models import AccessLogEntry
from tests.conftest import Org
from tests.insights.fairness_support import group, levels_of, released_cycle

pytestmark = pytest.mark.django_db
API = "/api/v1/insights/adverse-impact"
NOT_ENOUGH = "not enough data"


def _client(who: Any) -> Client:
    client = Client()
    client.force_login(who)
    return client


def _page(org: Org, **params: Any) -> Any:
    return _client(org.hr_admin).get(reverse("insights:fairness"), params)


def _small_group_cycle(org: Org) -> Any:
    """Women 30 (9 top), men 40 (20 top), non-binary 4 (3 top)."""
    cycle = released_cycle()
    group(cycle, org.engineering, 30, 9, sex="female")
    group(cycle, org.engineering, 40, 20, sex="male")
    group(cycle, org.engineering, 4, 3, sex="non_binary")
    return cycle


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["manager", "other_manager", "executive", "hrbp", "employee", "auditor"]
)
def test_only_hr_admin_sees_adverse_impact(org: Org, api: Any, who: str) -> None:
    cycle = _small_group_cycle(org)
    person = getattr(org, who)
    user = getattr(person, "user", person)
    client = _client(user)
    url = reverse("insights:fairness")
    assert client.get(url, {"cycle": cycle.pk}).status_code == 403
    export = {"cycle": cycle.pk, "table": "adverse-impact", "format": "csv"}
    assert client.get(url, export).status_code == 403
    response = api.as_(user).get(API, cycle=cycle.pk)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not AccessLogEntry.objects.filter(object_type="insights.report").exists()


def test_hr_admin_page_export_and_api_are_logged(org: Org, api: Any) -> None:
    cycle = _small_group_cycle(org)
    assert _page(org, cycle=cycle.pk, attribute="sex").status_code == 200
    export = _page(org, cycle=cycle.pk, attribute="sex", table="adverse-impact", format="csv")
    assert export.status_code == 200
    assert api.as_(org.hr_admin).get(API, cycle=cycle.pk).status_code == 200
    rows = AccessLogEntry.objects.filter(object_type="insights.report", actor=org.hr_admin)
    assert rows.count() == 3
    assert all(row.fields == ["sex"] for row in rows)
    assert "Adverse impact" in rows.first().object_label  # type: ignore[union-attr]


# --- suppression ---------------------------------------------------------------------------


def test_small_group_is_not_enough_data_on_page_api_and_exports(org: Org, api: Any) -> None:
    cycle = _small_group_cycle(org)
    params = {"cycle": cycle.pk, "attribute": "sex"}
    page = _page(org, **params)
    html = page.content.decode()
    row = next(r for r in page.context["tables"][0].rows if r[0] == "Non-binary")
    assert row[1:] == [NOT_ENOUGH] * (len(row) - 1)  # the count too
    assert "not enough data" in html

    body = api.as_(org.hr_admin).get(API, **params).json()
    small = next(g for g in body["groups"] if g["group"] == "non_binary")
    assert small["enough_data"] is False
    numbers = {k: v for k, v in small.items() if k not in {"group", "label", "enough_data"}}
    assert all(v in (None, False) for v in numbers.values()), numbers

    download = _page(org, **params, table="adverse-impact", format="csv")
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    small_line = next(line for line in lines if line[0] == "Non-binary")
    assert small_line[1:] == [NOT_ENOUGH] * (len(small_line) - 1)
    women_line = next(line for line in lines if line[0] == "Female")
    assert women_line[1:3] == ["30", "9"]

    workbook = _page(org, **params, table="before-after", format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    small_row = next(r for r in values if r[0] == "Non-binary")
    assert set(small_row[1:]) == {NOT_ENOUGH}


def test_min_group_size_setting_is_followed(org: Org, api: Any, settings: Any) -> None:
    cycle = _small_group_cycle(org)
    settings.CADENCE_INSIGHTS_MIN_GROUP_SIZE = 3
    body = api.as_(org.hr_admin).get(API, cycle=cycle.pk).json()
    small = next(g for g in body["groups"] if g["group"] == "non_binary")
    assert small["enough_data"] is True and small["count"] == 4
    # Non-binary (3 of 4) now has the highest rate and is the reference.
    assert small["reference"] is True
    settings.CADENCE_INSIGHTS_MIN_GROUP_SIZE = 50
    body = api.as_(org.hr_admin).get(API, cycle=cycle.pk).json()
    assert all(g["enough_data"] is False for g in body["groups"])
    assert body["people"] == 0 and body["has_results"] is True  # no total to subtract from


# --- bad input and empty states ------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [("outcome", "merit"), ("attribute", "religion"), ("stage", "during")],
)
def test_unknown_parameter_is_a_400_page_and_a_422(
    org: Org, api: Any, param: str, value: str
) -> None:
    cycle = _small_group_cycle(org)
    page = _page(org, cycle=cycle.pk, **{param: value})
    assert page.status_code == 400
    assert f"{param} must be one of" in page.content.decode()
    response = api.as_(org.hr_admin).get(API, cycle=cycle.pk, **{param: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == param


def test_level_of_another_scale_is_refused(org: Org, api: Any) -> None:
    cycle = _small_group_cycle(org)
    other = released_cycle()
    other.template.rating_scale.name = "x"
    foreign = levels_of(other)[-1]
    params = {"cycle": cycle.pk, "outcome": "at_or_above"}
    assert _page(org, **params, level="12x").status_code == 400
    page = _page(org, **params, level=str(foreign.pk + 10_000))
    assert page.status_code == 400 and "level must be" in page.content.decode()
    response = api.as_(org.hr_admin).get(API, **params, level=foreign.pk + 10_000)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "level"
    ok = api.as_(org.hr_admin).get(API, **params, level=levels_of(cycle)[2].pk)
    assert ok.status_code == 200 and ok.json()["level"]["label"] == "Meets"
    # The default for at_or_above is the second-highest level.
    default = api.as_(org.hr_admin).get(API, **params).json()
    assert default["level"]["label"] == "Exceeds"


def test_unknown_cycle_is_404(org: Org, api: Any) -> None:
    _small_group_cycle(org)
    assert _page(org, cycle="999999").status_code == 404
    assert _page(org, cycle="abc").status_code == 404
    response = api.as_(org.hr_admin).get(API, cycle=999999)
    assert response.status_code == 404 and response.json()["detail"]


def test_empty_states(org: Org, api: Any) -> None:
    page = _page(org)
    assert page.status_code == 200
    assert "no review cycle to analyse" in page.content.decode()
    body = api.as_(org.hr_admin).get(API).json()
    assert body["cycle"] is None and body["groups"] == []
    cycle = released_cycle()
    page = _page(org, cycle=cycle.pk)
    assert page.status_code == 200 and 'id="fairness-no-results"' in page.content.decode()


def test_page_shows_form_chart_notes_and_pending_merit(org: Org) -> None:
    cycle = _small_group_cycle(org)
    html = _page(org, cycle=cycle.pk).content.decode()
    for fragment in (
        'id="fairness-show"',
        'data-insights-chart="adverse-impact-chart-data"',
        "Four-fifths of the highest rate",
        "29 CFR 1607.4(D)",
        "screening signal",
        "arrives with the compensation module",
        'id="export-adverse-impact-csv"',
        'id="before-after-table"',
    ):
        assert fragment in html, fragment


# --- query budget --------------------------------------------------------------------------

BUDGET = 12


@pytest.mark.parametrize("size", [10, 120])
@pytest.mark.parametrize("outcome", ["top", "pip_opened"])
def test_query_budget(
    org: Org, api: Any, django_assert_max_num_queries: Any, size: int, outcome: str
) -> None:
    cycle = released_cycle()
    for sex in ("female", "male", "undisclosed"):
        group(cycle, org.engineering, size, size // 3, sex=sex)
    client = _client(org.hr_admin)
    url = reverse("insights:fairness")
    params = {"cycle": cycle.pk, "outcome": outcome}
    client.get(url, params)  # warm caches outside the budget (session, content types)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(url, params).status_code == 200
    with django_assert_max_num_queries(BUDGET):
        assert client.get(url, {**params, "table": "adverse-impact"}).status_code == 200
    token = api.as_(org.hr_admin)
    with django_assert_max_num_queries(BUDGET):
        assert token.get(API, **params).status_code == 200
