"""Goals export: only what the viewer may see, the same progress the pages
show, both formats, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from cadence.core.exports import csv_text
from cadence.goals.exporting import HEADERS, export_rows
from cadence.goals.models import KeyResultType, Scope, Visibility
from tests.conftest import Org
from tests.factories import EmployeeFactory, GoalPeriodFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_has_visible_goals_with_progress(org: Org) -> None:
    period = GoalPeriodFactory()
    ObjectiveFactory(
        period=period, scope=Scope.COMPANY, owner_employee=None, title="Win the market"
    )
    secret_parent = ObjectiveFactory(
        period=period, owner_employee=org.employee, visibility=Visibility.PRIVATE, title="Secret"
    )
    mine = ObjectiveFactory(
        period=period, owner_employee=org.peer, title="Ship search", parent=secret_parent
    )
    KeyResultFactory(
        objective=mine, title="Queries", start_value=0, target_value=200, current_value=50
    )
    KeyResultFactory(
        objective=mine,
        title="Launch",
        result_type=KeyResultType.MILESTONE,
        target_value=None,
        done=True,
        weight=3,
    )
    ObjectiveFactory(
        period=GoalPeriodFactory(name="Other"), owner_employee=org.peer, title="Other period"
    )

    rows = {r["Title"]: r for r in rows_of(csv_text(export_rows(org.salesperson.user, period)))}
    assert set(rows) == {"Win the market", "Ship search"}
    search = rows["Ship search"]
    # (0.25 * 1 + 1.0 * 3) / 4 = 0.8125
    assert search["Progress (%)"] == "81.2"  # 81.25 to one decimal, half to even
    assert search["Owner"] == "Pat Peer" and search["Department"] == "Engineering"
    assert search["Contributes to"] == "" and search["Contributes to (ID)"] == ""
    assert "Queries: 25.0%" in search["Key results"] and "Launch: 100.0%" in search["Key results"]
    assert rows["Win the market"]["Scope"] == "Company"

    # The private parent's owner's manager chain sees it, so it is named.
    manager_rows = {r["Title"]: r for r in rows_of(csv_text(export_rows(org.manager.user, period)))}
    assert manager_rows["Ship search"]["Contributes to"] == "Secret"
    assert manager_rows["Secret"]["Visibility"].startswith("Private")


def test_download_in_both_formats(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    ObjectiveFactory(period=period, owner_employee=org.employee, title="Ship search")
    ObjectiveFactory(
        period=period,
        owner_employee=org.employee,
        title="Private one",
        visibility=Visibility.PRIVATE,
    )
    client.force_login(org.peer.user)
    resp = client.get("/goals/export/", {"period": period.pk, "format": "csv"})
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    assert resp["Content-Disposition"].startswith('attachment; filename="goals-2027-q1-')
    text = b"".join(resp.streaming_content).decode()  # type: ignore[attr-defined]
    assert [r["Title"] for r in rows_of(text)] == ["Ship search"]

    resp = client.get("/goals/export/", {"period": period.pk, "format": "xlsx"})
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active  # type: ignore[attr-defined]
    values = list(sheet.values)
    assert list(values[0]) == list(HEADERS)
    assert [row[6] for row in values[1:]] == ["Ship search"]
    assert sheet.title == "Goals"


def test_bad_format_and_no_access(client: Client, org: Org) -> None:
    period = GoalPeriodFactory()
    client.force_login(org.employee.user)
    resp = client.get("/goals/export/", {"period": period.pk, "format": "pdf"})
    assert resp.status_code == 400
    client.force_login(org.auditor)
    assert client.get("/goals/export/", {"period": period.pk}).status_code == 404
    assert Client().get("/goals/export/").status_code == 302  # to the sign-in page


def test_filters_apply(org: Org) -> None:
    period = GoalPeriodFactory()
    ObjectiveFactory(period=period, scope=Scope.COMPANY, owner_employee=None, title="Company")
    ObjectiveFactory(period=period, owner_employee=org.employee, title="Personal")
    from cadence.goals.selectors import GoalFilters

    rows = rows_of(csv_text(export_rows(org.hr_admin, period, GoalFilters(scope="company"))))
    assert [r["Title"] for r in rows] == ["Company"]


@pytest.mark.parametrize("size", [10, 200])
def test_export_query_budget(
    client: Client, org: Org, django_assert_max_num_queries: Any, size: int
) -> None:
    period = GoalPeriodFactory()
    parent = ObjectiveFactory(period=period, scope=Scope.COMPANY, owner_employee=None)
    for _ in range(size):
        owner = EmployeeFactory(manager=org.lead, department=org.platform)
        goal = ObjectiveFactory(period=period, owner_employee=owner, parent=parent)
        KeyResultFactory(objective=goal)
    client.force_login(org.manager.user)
    with django_assert_max_num_queries(12):
        resp = client.get("/goals/export/", {"period": period.pk, "format": "csv"})
        text = b"".join(resp.streaming_content).decode()  # type: ignore[attr-defined]
    assert len(rows_of(text)) == size + 1
