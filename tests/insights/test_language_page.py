"""The review-language page (/insights/language/) and its downloads: HR
admins only, numbers equal to an independent computation (SciPy and
statsmodels), suppression below the minimum, never a review text, one
access-log row per read, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportions_ztest

from cadence.core.models import AccessLogEntry, User
from cadence.insights.access import NOT_ENOUGH
from cadence.insights.attributes import ATTRIBUTES
from cadence.insights.language_report import (
    LanguageReport,
    language_report,
    language_tables,
    language_themes,
)
from cadence.insights.tables import Table
from cadence.people.models import Department, Employee
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    ReviewAssignment,
    SectionKind,
    Stage,
)
from tests.conftest import Org
from tests.review_factories import CycleFactory

pytestmark = pytest.mark.django_db

URL = "/insights/language/"
# Every test text carries a marker word, so a leak of any text is easy to find.
MARKER = "Zanzibar"
PERSONAL = f"She can be abrasive in the {MARKER} sync."
CLEAN = f"Shipped the {MARKER} importer two weeks early, which cut costs by 8%."
VAGUE = f"Great job this year, {MARKER.lower()}!"
_numbers = itertools.count(1)


def _people(department: Department, count: int, sex: str) -> list[Employee]:
    made = []
    for _ in range(count):
        n = next(_numbers)
        made.append(
            Employee(
                employee_number=f"L{n:07d}",
                first_name=f"Lang{n}",
                last_name="Person",
                email=f"lang{n}@example.com",
                department=department,
                sex=sex,
            )
        )
    created = Employee.objects.bulk_create(made)
    for employee in created:
        employee.reporting_path = f"/{employee.pk}/"
    Employee.objects.bulk_update(created, ["reporting_path"])
    return created


def _write(
    cycle: Cycle,
    reviewer: Employee,
    reviewee: Employee,
    texts: Sequence[str],
    *,
    kind: str = "peer",
    status: str = AssignmentStatus.SUBMITTED,
) -> None:
    assignment = ReviewAssignment.objects.create(
        cycle=cycle,
        reviewer=reviewer,
        reviewee=reviewee,
        kind=kind,
        status=status,
        submitted_at=timezone.now() if status == AssignmentStatus.SUBMITTED else None,
    )
    section = cycle.template.sections.get(kind=SectionKind.QUESTIONS)
    Answer.objects.bulk_create(
        Answer(assignment=assignment, section=section, item=f"t{i}", text=text)
        for i, text in enumerate(texts)
    )


@dataclass
class Scenario:
    cycle: Cycle
    big: Employee  # writes 24 texts
    small: Employee  # writes 2 texts (under the minimum)
    women_texts: int
    women_personal: int
    men_texts: int
    men_personal: int


def _scenario(org: Org, size: int = 6) -> Scenario:
    """`size` women and `size` men reviewed by one peer, two texts each:
    women receive personality criticism in size+1 of their 2*size texts,
    men in 1. Two non-binary people (under the minimum) are reviewed by a
    second peer who writes two texts. A self review and an unsubmitted
    review with personality words are there to be left out."""
    cycle = cast(Cycle, CycleFactory(name=f"Language cycle {next(_numbers)}", stage=Stage.RELEASED))
    department = org.engineering
    big, small = _people(department, 2, "male")
    women = _people(department, size, "female")
    men = _people(department, size, "male")
    others = _people(department, 2, "non_binary")
    for index, person in enumerate(women):
        _write(cycle, big, person, [PERSONAL, PERSONAL if index == 0 else CLEAN])
    for index, person in enumerate(men):
        _write(cycle, big, person, [PERSONAL if index == 0 else VAGUE, CLEAN])
    for person in others:
        _write(cycle, small, person, [CLEAN])
    _write(cycle, women[1], women[1], [PERSONAL] * 3, kind="self")
    _write(cycle, small, women[2], [PERSONAL] * 3, status=AssignmentStatus.IN_PROGRESS)
    return Scenario(
        cycle=cycle,
        big=big,
        small=small,
        women_texts=2 * size,
        women_personal=size + 1,
        men_texts=2 * size,
        men_personal=1,
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response: Any) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _xlsx_cells(response: Any) -> list[str]:
    content = _body(response)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
    ]


# --- the numbers -------------------------------------------------------------------------


def test_group_numbers_equal_scipy_and_statsmodels(org: Org) -> None:
    s = _scenario(org)
    report = language_report(org.hr_admin, cycle=s.cycle, attribute=ATTRIBUTES["sex"], kind="")
    groups = {g.group: g for g in report.groups}
    women, men = groups["female"], groups["male"]
    assert (women.people, women.texts, women.personality) == (6, s.women_texts, s.women_personal)
    assert (men.people, men.texts, men.personality) == (6, s.men_texts, s.men_personal)
    # Men (the two reviewers are men but wrote, not received) have the lowest share.
    assert men.reference and not women.reference
    table = [
        [s.women_personal, s.women_texts - s.women_personal],
        [s.men_personal, s.men_texts - s.men_personal],
    ]
    expected_p = scipy_stats.fisher_exact(table, alternative="two-sided").pvalue
    assert women.p_fisher == pytest.approx(expected_p, abs=1e-9)
    z, p_z = proportions_ztest([s.women_personal, s.men_personal], [s.women_texts, s.men_texts])
    assert women.z == pytest.approx(z, abs=1e-9)
    assert women.p_z == pytest.approx(p_z, abs=1e-9)
    assert expected_p < 0.05 and women.flagged
    assert not groups["non_binary"].enough and groups["non_binary"].p_fisher is None
    assert report.texts == s.women_texts + s.men_texts + 2  # no self review, no draft


def test_men_count_people_received_not_written(org: Org) -> None:
    s = _scenario(org)
    report = language_report(org.hr_admin, cycle=s.cycle, attribute=ATTRIBUTES["sex"], kind="")
    men = next(g for g in report.groups if g.group == "male")
    # The reviewers are men too, but received nothing: 6 reviewees, not 8.
    assert men.people == 6


def test_per_reviewer_shares_and_suppression(org: Org) -> None:
    s = _scenario(org)
    report = language_report(org.hr_admin, cycle=s.cycle, attribute=ATTRIBUTES["sex"], kind="")
    by_id = {r.reviewer_id: r for r in report.reviewers}
    big, small = by_id[s.big.pk], by_id[s.small.pk]
    assert big.texts == 24 and small.texts == 2
    assert big.flagged["personality"] == s.women_personal + s.men_personal
    assert big.flagged["vague"] == 5
    assert big.share("personality") == pytest.approx(100 * 8 / 24)
    rows = {row[0]: row for row in _tables(report)["reviewers"].rows}
    assert rows[big.name][2] == round(100 * 8 / 24, 1)
    assert rows[small.name][1] == 2 and rows[small.name][2:] == [NOT_ENOUGH] * 3


def test_kind_filter_shows_self_reviews_alone(org: Org) -> None:
    s = _scenario(org)
    report = language_report(org.hr_admin, cycle=s.cycle, attribute=ATTRIBUTES["sex"], kind="self")
    assert report.texts == 3 and report.totals["personality"] == 3


def _tables(report: LanguageReport) -> dict[str, Table]:
    return {t.key: t for t in language_tables(report)}


# --- the page and its downloads ------------------------------------------------------------


def test_hr_admin_page_shows_groups_reviewers_and_no_text(org: Org) -> None:
    s = _scenario(org)
    response = _client(org.hr_admin).get(URL, {"cycle": str(s.cycle.pk), "attribute": "sex"})
    assert response.status_code == 200
    page = response.content.decode()
    assert MARKER not in page and MARKER.lower() not in page
    assert "not enough data" in page  # the non-binary group and the small reviewer
    assert 'id="groups-table"' in page and 'id="reviewers-table"' in page
    assert "groups-chart-data" in page
    assert "significantly more personality criticism" in page


def test_csv_and_xlsx_have_the_same_suppression_and_no_text(org: Org) -> None:
    s = _scenario(org)
    client = _client(org.hr_admin)
    params: dict[str, Any] = {"cycle": str(s.cycle.pk), "attribute": "sex"}
    groups = _csv(client.get(URL, {**params, "table": "groups", "format": "csv"}))
    assert groups[0][0] == "Sex / gender"
    rows = {row[0]: row for row in groups[1:]}
    assert rows["Non-binary"][1:] == [NOT_ENOUGH] * 8
    table = [[7, 5], [1, 11]]
    expected = scipy_stats.fisher_exact(table).pvalue
    assert float(rows["Female"][7]) == pytest.approx(expected, rel=1e-3)
    assert rows["Female"][8] == "yes" and rows["Male"][8] == "reference group"
    reviewers = _csv(client.get(URL, {**params, "table": "reviewers", "format": "csv"}))
    small = next(row for row in reviewers if row[0] == s.small.full_name)
    assert small[2:] == [NOT_ENOUGH] * 3
    for key in ("groups", "reviewers", "totals"):
        for fmt in ("csv", "xlsx"):
            response = client.get(URL, {**params, "table": key, "format": fmt})
            assert response.status_code == 200
            cells = (
                _xlsx_cells(response)
                if fmt == "xlsx"
                else [c for row in _csv(response) for c in row]
            )
            assert not any(MARKER.lower() in cell.lower() for cell in cells), (key, fmt)
    xlsx = _xlsx_cells(client.get(URL, {**params, "table": "groups", "format": "xlsx"}))
    # Non-binary (2 people) and Not disclosed (nobody): 8 cells each, as in the CSV.
    assert xlsx.count(NOT_ENOUGH) == 16 == sum(row.count(NOT_ENOUGH) for row in groups)


def test_each_read_is_one_access_log_row(org: Org) -> None:
    s = _scenario(org)
    client = _client(org.hr_admin)
    before = AccessLogEntry.objects.count()
    client.get(URL, {"cycle": str(s.cycle.pk), "attribute": "age_band"})
    client.get(URL, {"cycle": str(s.cycle.pk), "attribute": "age_band", "table": "groups"})
    rows = list(AccessLogEntry.objects.order_by("-id")[:2])
    assert AccessLogEntry.objects.count() == before + 2
    assert all(row.fields == ["age_band"] and row.actor_id == org.hr_admin.pk for row in rows)


@pytest.mark.parametrize("who", ["manager", "executive", "hrbp", "employee", "auditor"])
def test_only_hr_admins_reach_the_page_and_exports(org: Org, who: str) -> None:
    s = _scenario(org)
    person = getattr(org, who)
    client = _client(person if who in {"executive", "hrbp", "auditor"} else person.user)
    assert client.get(URL, {"cycle": str(s.cycle.pk)}).status_code == 403
    export = client.get(URL, {"cycle": str(s.cycle.pk), "table": "groups", "format": "csv"})
    assert export.status_code == 403
    assert MARKER not in export.content.decode(errors="replace")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"attribute": "shoe_size"}, 400),
        ({"kind": "gossip"}, 400),
        ({"cycle": "999999"}, 404),
        ({"cycle": "abc"}, 404),
        ({"table": "nope"}, 400),
    ],
)
def test_bad_parameters_are_clear_errors(org: Org, params: dict[str, str], status: int) -> None:
    _scenario(org)
    response = _client(org.hr_admin).get(URL, params)
    assert response.status_code == status


def test_no_cycle_yet(org: Org) -> None:
    response = _client(org.hr_admin).get(URL)
    assert response.status_code == 200
    assert "no review cycle to analyse" in response.content.decode()


KEPT = 10


@pytest.mark.parametrize("size", [6, 30])
def test_query_budget_is_fixed(org: Org, django_assert_max_num_queries: Any, size: int) -> None:
    s = _scenario(org, size=size)
    client = _client(org.hr_admin)
    client.get(URL)  # warm the session
    # Checking the texts: 11 queries, and 9 more to keep the report and its
    # rendered tables in the database cache (insights/report_cache.py).
    with django_assert_max_num_queries(11 + 9):
        params = {"cycle": str(s.cycle.pk), "refresh": "1"}
        assert client.get(URL, params).status_code == 200
    # Served from what was kept (the access log is written all the same).
    with django_assert_max_num_queries(KEPT):
        assert client.get(URL, {"cycle": str(s.cycle.pk)}).status_code == 200
    with django_assert_max_num_queries(KEPT):
        response = client.get(URL, {"cycle": str(s.cycle.pk), "table": "reviewers"})
        assert response.status_code == 200


# --- themes for the executive summary --------------------------------------------------


def test_language_themes_counts_texts_per_category(org: Org) -> None:
    s = _scenario(org)
    themes = language_themes(org.hr_admin, cycle=s.cycle)
    assert themes == {
        "texts": 26,
        "people": 14,
        "personality": s.women_personal + s.men_personal,
        "vague": 5,
        "gender_coded": 0,
    }
    # Nobody in the manager's reports was reviewed: not enough people.
    assert language_themes(cast(User, org.manager.user), cycle=s.cycle) == {}
    assert language_themes(org.outsider, cycle=s.cycle) == {}
