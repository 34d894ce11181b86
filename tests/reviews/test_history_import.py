"""The historical results import: every bad row reported by line and
column with nothing saved; a dry run that saves nothing; closed cycles on
one "Historical import" template per scale; released results with the
file's rating as the final one; one audit row; re-importing updates or
leaves alone, never duplicates; cycles run in Cadence are refused; HR
admins only; the pages; bounded queries."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import Workbook

from cadence.core.models import AuditEntry
from cadence.people.models import Employee
from cadence.reviews.history_import import (
    TEMPLATE_PREFIX,
    HistoryImportResult,
    import_history,
    is_historical,
)
from cadence.reviews.models import Cycle, RatingScale, ReviewResult, ReviewTemplate, Stage
from tests.conftest import Org
from tests.review_factories import CycleFactory, five_point_scale

pytestmark = pytest.mark.django_db

HEADER = "cycle,employee_number,rating,date,comment\n"


@pytest.fixture
def scale() -> RatingScale:
    return five_point_scale("History scale")


def run(actor: Any, scale: RatingScale, text: str, *, dry_run: bool = False) -> HistoryImportResult:
    return import_history(
        actor=actor,
        fileobj=io.BytesIO(text.encode()),
        filename="history.csv",
        scale=scale,
        dry_run=dry_run,
    )


def good_file(org: Org) -> str:
    e, lead, sales = (
        org.employee.employee_number,
        org.lead.employee_number,
        org.salesperson.employee_number,
    )
    return (
        HEADER
        + f"2023 annual,{e},3,2023-12-10,Solid year\n"
        + f"2023 annual,{lead},5,,\n"
        + f"2024 annual,{e},Exceeds,2024-12-12,\n"
        + f"2024 annual,{sales},2,2024-12-01,\n"
    )


def label_of(scale: RatingScale, value: int) -> str:
    return str(scale.levels.get(value=value).label)


def test_a_good_file_creates_closed_cycles_and_released_results(
    org: Org, scale: RatingScale
) -> None:
    text = good_file(org).replace("Exceeds", label_of(scale, 4))
    result = run(org.hr_admin, scale, text)
    assert result.ok and result.saved, result.errors
    assert (result.rows, result.cycles_created, result.created) == (4, 2, 4)
    cycles = {c.name: c for c in Cycle.objects.select_related("template")}
    assert set(cycles) == {"2023 annual", "2024 annual"}
    for cycle in cycles.values():
        assert cycle.stage == Stage.CLOSED and is_historical(cycle)
        assert cycle.template.rating_scale_id == scale.pk and cycle.template.is_archived
    assert ReviewTemplate.objects.filter(name__startswith=TEMPLATE_PREFIX).count() == 1
    mine = ReviewResult.objects.get(cycle=cycles["2023 annual"], employee=org.employee)
    assert mine.final_level is not None and mine.final_level.value == 3
    assert mine.manager_level == mine.final_level and mine.computed_level is None
    assert mine.override_reason == "Solid year"
    assert mine.released_at is not None and mine.released_at.date().isoformat() == "2023-12-10"
    # A row without a date takes its cycle's (the latest given for it).
    lead = ReviewResult.objects.get(cycle=cycles["2023 annual"], employee=org.lead)
    assert lead.released_at == mine.released_at
    assert ReviewResult.objects.get(cycle=cycles["2024 annual"], employee=org.employee).final_level
    entries = AuditEntry.objects.filter(action="review.history.import")
    assert entries.count() == 1
    after = entries.get().after
    assert after["rows"] == 4 and after["cycles_created"] == 2 and after["results_created"] == 4


def test_every_bad_row_is_reported_and_nothing_is_saved(org: Org, scale: RatingScale) -> None:
    e = org.employee.employee_number
    text = (
        HEADER
        + f"2023 annual,{e},3,2023-12-10,\n"  # line 2: fine
        + ",NOPE404,9,2023-13-01,\n"  # line 3: four problems
        + f"2023 annual,{e},4,,\n"  # line 4: same person twice in a cycle
        + f"2023 annual,{org.lead.employee_number},,2999-01-01,\n"  # line 5: no rating, future
        + f"2023 annual,{org.peer.employee_number},Superb,,{'x' * 2001}\n"  # line 6
    )
    result = run(org.hr_admin, scale, text)
    assert not result.ok and not result.saved
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "cycle"),
        (3, "employee_number"),
        (3, "rating"),
        (3, "date"),
        (4, "employee_number"),
        (5, "rating"),
        (5, "date"),
        (6, "rating"),
        (6, "comment"),
    }
    assert any("NOPE404" in str(e) for e in result.errors)
    assert any("line 2" in e.message for e in result.errors if e.line == 4)
    assert not Cycle.objects.exists() and not ReviewResult.objects.exists()
    assert not AuditEntry.objects.filter(action="review.history.import").exists()


def test_missing_columns_and_unreadable_files_are_reported(org: Org, scale: RatingScale) -> None:
    result = run(org.hr_admin, scale, "cycle,rating\nX,3\n")
    assert [(e.line, e.column) for e in result.errors] == [(1, "employee_number")]
    bad = import_history(
        actor=org.hr_admin, fileobj=io.BytesIO(b"x"), filename="a.pdf", scale=scale
    )
    assert bad.errors and bad.errors[0].line == 0
    assert run(org.hr_admin, scale, HEADER).errors[0].message == "The file has no ratings."


def test_a_new_cycle_needs_a_date_on_one_of_its_rows(org: Org, scale: RatingScale) -> None:
    text = HEADER + f"2023 annual,{org.employee.employee_number},3,,\n"
    result = run(org.hr_admin, scale, text)
    assert [(e.line, e.column) for e in result.errors] == [(2, "date")]
    assert not Cycle.objects.exists()


def test_the_dry_run_counts_and_saves_nothing(org: Org, scale: RatingScale) -> None:
    result = run(org.hr_admin, scale, good_file(org).replace("Exceeds", "4"), dry_run=True)
    assert result.ok and not result.saved
    assert (result.rows, result.cycles_created, result.created, result.updated) == (4, 2, 4, 0)
    assert not Cycle.objects.exists() and not ReviewTemplate.objects.exists()
    assert not ReviewResult.objects.exists()
    assert not AuditEntry.objects.filter(action="review.history.import").exists()


def test_importing_the_same_file_twice_duplicates_nothing(org: Org, scale: RatingScale) -> None:
    text = good_file(org).replace("Exceeds", "4")
    assert run(org.hr_admin, scale, text).created == 4
    again = run(org.hr_admin, scale, text)
    assert again.ok
    assert (again.cycles_created, again.cycles_existing) == (0, 2)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Cycle.objects.count() == 2 and ReviewResult.objects.count() == 4
    assert ReviewTemplate.objects.count() == 1


def test_a_changed_rating_on_reimport_updates_the_result(org: Org, scale: RatingScale) -> None:
    e = org.employee.employee_number
    run(org.hr_admin, scale, HEADER + f"2023 annual,{e},3,2023-12-10,\n")
    before = ReviewResult.objects.get()
    changed = run(org.hr_admin, scale, HEADER + f"2023 annual,{e},2,2023-12-10,Corrected\n")
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    after = ReviewResult.objects.get()
    assert after.pk == before.pk and after.version == before.version + 1
    assert after.final_level is not None and after.final_level.value == 2
    assert after.override_reason == "Corrected"
    audit = AuditEntry.objects.filter(action="review.history.import").order_by("-id").first()
    assert audit is not None and audit.after["updates"][0]["result"] == after.pk


def test_a_cycle_run_in_cadence_is_refused(org: Org, scale: RatingScale) -> None:
    CycleFactory(name="2025 annual", stage=Stage.CLOSED)
    text = HEADER + f"2025 Annual,{org.employee.employee_number},3,2025-01-01,\n"
    result = run(org.hr_admin, scale, text)
    assert [(e.line, e.column) for e in result.errors] == [(2, "cycle")]
    assert "run in Cadence" in result.errors[0].message
    assert not ReviewResult.objects.exists()


def test_an_imported_cycle_stays_on_its_scale(org: Org, scale: RatingScale) -> None:
    text = HEADER + f"2023 annual,{org.employee.employee_number},3,2023-12-10,\n"
    run(org.hr_admin, scale, text)
    other = five_point_scale("Other scale")
    result = run(org.hr_admin, other, text)
    assert [(e.line, e.column) for e in result.errors] == [(2, "cycle")]
    assert "another scale" in result.errors[0].message


@pytest.mark.parametrize("who", ["hrbp", "executive", "manager"])
def test_only_hr_admins_import(org: Org, scale: RatingScale, who: str) -> None:
    actor = getattr(org, who)
    with pytest.raises(PermissionDenied):
        run(getattr(actor, "user", actor), scale, good_file(org))


def test_xlsx_files_are_read(org: Org, scale: RatingScale) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cycle name", "Employee number", "Rating", "Date"])
    sheet.append(["2022 annual", org.employee.employee_number, 4, "2022-12-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_history(
        actor=org.hr_admin, fileobj=buffer, filename="history.xlsx", scale=scale
    )
    assert result.ok and result.created == 1, result.errors


# --- the pages -------------------------------------------------------------------------


def upload(client: Client, scale: RatingScale, text: str, name: str = "history.csv") -> Any:
    data = io.BytesIO(text.encode())
    data.name = name
    return client.post("/reviews/admin/history/", {"scale": scale.pk, "file": data})


def test_the_pages_check_then_import(org: Org, client: Client, scale: RatingScale) -> None:
    client.force_login(org.hr_admin)
    assert client.get("/reviews/admin/history/").status_code == 200
    preview = upload(client, scale, good_file(org).replace("Exceeds", "4"))
    assert preview.status_code == 200 and b'id="history-counts"' in preview.content
    assert not ReviewResult.objects.exists()
    token = preview.context["token"]
    done = client.post("/reviews/admin/history/apply/", {"token": token})
    assert done.status_code == 302 and ReviewResult.objects.count() == 4
    # The same token again duplicates nothing either.
    assert client.post("/reviews/admin/history/apply/", {"token": token}).status_code == 302
    assert ReviewResult.objects.count() == 4


def test_the_page_lists_bad_rows(org: Org, client: Client, scale: RatingScale) -> None:
    client.force_login(org.hr_admin)
    page = upload(client, scale, HEADER + ",NOPE404,9,,\n")
    assert page.status_code == 400
    assert b"line 2, column &quot;employee_number&quot;" in page.content
    assert not Cycle.objects.exists()


def test_a_token_is_bound_to_its_uploader(org: Org, client: Client, scale: RatingScale) -> None:
    client.force_login(org.hr_admin)
    token = upload(client, scale, good_file(org).replace("Exceeds", "4")).context["token"]
    other = Employee.objects.get(pk=org.ceo.pk)
    from cadence.core.models import Role
    from tests.factories import grant

    grant(other.user, Role.HR_ADMIN)
    client.force_login(other.user)
    assert client.post("/reviews/admin/history/apply/", {"token": token}).status_code == 404
    assert client.post("/reviews/admin/history/apply/", {"token": token + "x"}).status_code == 404
    assert not ReviewResult.objects.exists()


@pytest.mark.parametrize("who", ["hrbp", "manager", "employee"])
def test_the_pages_are_404_for_anyone_but_hr_admins(
    org: Org, client: Client, scale: RatingScale, who: str
) -> None:
    actor = getattr(org, who)
    client.force_login(getattr(actor, "user", actor))
    assert client.get("/reviews/admin/history/").status_code == 404
    assert upload(client, scale, good_file(org)).status_code == 404


@pytest.mark.parametrize("size", [5, 60])
def test_the_import_costs_a_bounded_number_of_queries(
    org: Org, scale: RatingScale, size: int, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"H{i:05d}",
            first_name=f"Past{i}",
            last_name="Person",
            email=f"past{i}@example.com",
        )
        for i in range(size)
    )
    rows = "".join(
        f"{year} annual,{p.employee_number},{1 + i % 5},{year}-12-01,\n"
        for year in (2022, 2023)
        for i, p in enumerate(people)
    )
    with django_assert_max_num_queries(16):
        result = run(org.hr_admin, scale, HEADER + rows)
    assert result.created == 2 * size
    with django_assert_max_num_queries(16):
        again = run(org.hr_admin, scale, HEADER + rows.replace(",1,", ",2,"))
    assert again.unchanged + again.updated == 2 * size and again.updated > 0
