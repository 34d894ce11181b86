"""Reports: the executive summary PDF and the workbook of every table. Both
come from the same tables as the pages, for the same viewer: a manager's
PDF covers their reports only and never holds a protected-attribute
breakdown; groups under the minimum are "not enough data" there too."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadence.insights.access import require_scope
from cadence.insights.summary import executive_summary, render_summary_html
from tests.conftest import Org
from tests.insights.health_support import build, client_for

pytestmark = pytest.mark.django_db

PAGE = reverse("insights:reports")
PDF = reverse("insights:summary_pdf")
WORKBOOK = reverse("insights:workbook")
HR_ONLY_HEADINGS = ("Adverse impact", "Review language")


def _summary_html(user: Any, cycle: Any) -> str:
    return render_summary_html(executive_summary(user, require_scope(user), cycle))


def test_reports_page_links_the_pdf_and_the_workbook(org: Org) -> None:
    built = build(org)
    html = client_for(org.hr_admin).get(PAGE, {"cycle": built.cycle.pk}).content.decode()
    assert f'href="{PDF}?cycle={built.cycle.pk}"' in html
    assert f'href="{WORKBOOK}?cycle={built.cycle.pk}"' in html


def test_the_pdf_is_a_pdf_and_never_cached(org: Org) -> None:
    built = build(org)
    response = client_for(org.hr_admin).get(PDF, {"cycle": built.cycle.pk})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "executive-summary-mid-year-2025.pdf" in response["Content-Disposition"]


def test_summary_has_completion_distribution_and_calibration_effect(org: Org) -> None:
    built = build(org)
    html = _summary_html(org.hr_admin, built.cycle)
    for heading in ("Completion", "Rating distribution", "Calibration effect", *HR_ONLY_HEADINGS):
        assert f"<h2>{heading}</h2>" in html, heading
    assert "<svg" in html  # charts drawn without JavaScript
    # Engineering has 4 reviewees under a minimum of 5: its rates are suppressed.
    engineering = html.split("<td>Engineering</td>")[1].split("</tr>")[0]
    assert "not enough data" in engineering


def test_a_managers_summary_covers_their_reports_and_no_protected_groups(org: Org) -> None:
    built = build(org)
    html = _summary_html(org.manager.user, built.cycle)
    for heading in HR_ONLY_HEADINGS:
        assert heading not in html
    assert "Sales" not in html  # another team's department
    assert "Female" not in html and "Male" not in html


@pytest.mark.parametrize("who", ["employee", "salesperson", "auditor", "outsider"])
def test_people_without_insights_get_403(org: Org, who: str) -> None:
    built = build(org)
    person = getattr(org, who)
    client = client_for(person)
    for url in (PAGE, PDF, WORKBOOK):
        assert client.get(url, {"cycle": built.cycle.pk}).status_code == 403, url


def test_unknown_cycle_is_404(org: Org) -> None:
    build(org)
    client = client_for(org.hr_admin)
    for url in (PAGE, PDF, WORKBOOK):
        assert client.get(url, {"cycle": "²"}).status_code == 404
        assert client.get(url, {"cycle": "999999"}).status_code == 404


def test_workbook_has_a_sheet_per_table_with_the_same_suppression(org: Org) -> None:
    built = build(org)
    response = client_for(org.hr_admin).get(WORKBOOK, {"cycle": built.cycle.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    names = book.sheetnames
    assert any(name.startswith("Health - ") for name in names)
    assert any(name.startswith("Ratings - ") for name in names)
    departments = book[next(n for n in names if n.startswith("Health - Completion by dep"))]
    rows = [list(row) for row in departments.iter_rows(values_only=True)]
    engineering = next(row for row in rows if row[0] == "Engineering")
    assert "not enough data" in engineering


def test_a_managers_workbook_leaves_out_other_teams(org: Org) -> None:
    built = build(org)
    response = client_for(org.manager.user).get(WORKBOOK, {"cycle": built.cycle.pk})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cells = {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    }
    assert "Sales" not in cells


@pytest.mark.parametrize("size", [1, 3])
def test_pdf_and_workbook_run_a_fixed_number_of_queries(
    org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    built = build(org, platform=6 * size, engineering=3 * size, sales=7 * size)
    client = client_for(org.hr_admin)
    with django_assert_max_num_queries(90):
        html = _summary_html(org.hr_admin, built.cycle)
    assert "<h2>Completion</h2>" in html
    with django_assert_max_num_queries(70):
        response = client.get(WORKBOOK, {"cycle": built.cycle.pk})
        b"".join(response.streaming_content)
