"""The cycle pages: list, design form, cycle page (preview, launch,
progress, stage, monitoring), preview lists, and the controlled-change
pages. Everything but the list and the cycle page is 404 for non-HR."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client

from cadence.core.models import AuditEntry
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    ParticipantStatus,
    ReviewAssignment,
    Stage,
)
from tests.conftest import Org
from tests.review_factories import simple_template
from tests.reviews.cycle_helpers import design, launched

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Mid-year",
        "template": simple_template().pk,
        "include_self": "on",
        "include_manager": "on",
        "peers_min": 0,
        "peers_max": 3,
        "peer_nominator": "reviewee",
        "min_group_size": 3,
        "self_review_due_on": "2027-06-15",
        "manager_review_due_on": "2027-06-30",
    }
    data.update(overrides)
    return data


def manage_urls(cycle: Cycle, org: Org) -> list[str]:
    a = ReviewAssignment.objects.filter(cycle=cycle).first()
    base = f"/reviews/cycles/{cycle.pk}"
    return [
        "/reviews/cycles/new/",
        f"{base}/edit/",
        f"{base}/preview/",
        f"{base}/progress/",
        f"{base}/participants/",
        f"{base}/participants/{org.employee.pk}/",
        f"{base}/participants/{org.employee.pk}/remove/",
        f"{base}/participants/{org.employee.pk}/manager/",
        f"{base}/assignments/{a.pk if a else 1}/replace/",
        f"{base}/assignments/{a.pk if a else 1}/reopen/",
        f"{base}/phases/self_review/extend/",
    ]


@pytest.mark.parametrize("who", ["hrbp", "executive", "manager", "employee"])
def test_managing_pages_are_404_for_non_hr_admins(client: Client, org: Org, who: str) -> None:
    cycle = launched(org.hr_admin)
    person = getattr(org, who)
    client.force_login(getattr(person, "user", person))
    for url in manage_urls(cycle, org):
        assert client.get(url).status_code == 404, url
    for url in ("launch/", "stage/", "participants/add/"):
        assert client.post(f"/reviews/cycles/{cycle.pk}/{url}").status_code == 404
    post = client.post(
        f"/reviews/cycles/{cycle.pk}/participants/{org.employee.pk}/remove/", {"reason": "x"}
    )
    assert post.status_code == 404
    assert CycleParticipant.objects.get(cycle=cycle, employee=org.employee).status == "active"


def test_cycle_list_for_hr_and_for_a_participant(client: Client, org: Org) -> None:
    mine = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    other = design(org.hr_admin, name="Sales only", rule_department_ids=[org.sales.pk])
    client.force_login(org.hr_admin)
    resp = client.get("/reviews/cycles/")
    assert {r.cycle for r in resp.context["rows"]} == {mine, other}
    row = next(r for r in resp.context["rows"] if r.cycle == mine)
    assert row.participants == 4 and row.completion.total == 8
    assert b"New cycle" in resp.content
    client.force_login(org.employee.user)
    resp = client.get("/reviews/cycles/")
    assert [r.cycle for r in resp.context["rows"]] == [mine]
    assert resp.context["rows"][0].participants is None
    assert b"New cycle" not in resp.content
    assert client.get(f"/reviews/cycles/{other.pk}/").status_code == 404
    client.force_login(org.outsider)
    assert client.get("/reviews/cycles/").status_code == 404


def test_create_from_the_form(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    assert client.get("/reviews/cycles/new/").status_code == 200
    data = form_data(
        departments=[org.engineering.pk],
        include=f"{org.salesperson.employee_number}, {org.ceo.employee_number}",
        exclude=org.peer.employee_number,
    )
    resp = client.post("/reviews/cycles/new/", data)
    cycle = Cycle.objects.get(name="Mid-year")
    assert resp.status_code == 302 and resp["Location"] == f"/reviews/cycles/{cycle.pk}/"
    assert cycle.rule_department_ids == [org.engineering.pk]
    assert cycle.included_employee_ids == sorted([org.salesperson.pk, org.ceo.pk])
    assert cycle.excluded_employee_ids == [org.peer.pk]
    assert [p.kind for p in cycle.phases.order_by("due_on")] == ["self_review", "manager_review"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"peers_min": 4}, "peers_max"),
        ({"include": "NOPE-1"}, "include"),
        ({"exclude": "NOPE-2"}, "exclude"),
        ({"min_group_size": 2}, "min_group_size"),
        ({"self_review_opens_on": "2027-05-01", "self_review_due_on": ""}, "self_review_due_on"),
    ],
)
def test_form_errors_land_on_their_field(
    client: Client, org: Org, overrides: dict, field: str
) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/reviews/cycles/new/", form_data(**overrides))
    assert resp.status_code == 200 and field in resp.context["form"].errors
    assert not Cycle.objects.exists()


def test_deadlines_out_of_order_are_reported(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    resp = client.post("/reviews/cycles/new/", form_data(manager_review_due_on="2027-06-01"))
    assert "due before" in str(resp.context["form"].non_field_errors())


def test_edit_a_draft_then_only_the_name(client: Client, org: Org) -> None:
    cycle = design(org.hr_admin)
    client.force_login(org.hr_admin)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/edit/")
    assert resp.context["form"]["self_review_due_on"].value() == dt.date(2027, 1, 15)
    data = form_data(name="Renamed", template=cycle.template_id, version=cycle.version)
    assert client.post(f"/reviews/cycles/{cycle.pk}/edit/", data).status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Renamed" and cycle.peers_max == 3
    stale = client.post(f"/reviews/cycles/{cycle.pk}/edit/", {**data, "version": 1})
    assert "changed by someone else" in str(stale.context["form"].non_field_errors())
    running = launched(org.hr_admin, name="Running")
    resp = client.get(f"/reviews/cycles/{running.pk}/edit/")
    assert list(resp.context["form"].fields) == ["name", "version"]
    client.post(
        f"/reviews/cycles/{running.pk}/edit/", {"name": "Running 2", "version": running.version}
    )
    assert Cycle.objects.get(pk=running.pk).name == "Running 2"


def test_cycle_page_preview_launch_and_progress(client: Client, org: Org, settings: Any) -> None:
    cycle = design(org.hr_admin, excluded_employee_ids=[org.peer.pk])
    client.force_login(org.hr_admin)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert resp.context["preview"].in_count == 6 and not resp.context["problems"]
    assert b"launch-button" in resp.content
    resp = client.get(f"/reviews/cycles/{cycle.pk}/preview/", {"show": "out"})
    assert [(p.first_name, label) for p, label in resp.context["rows"]] == [
        ("Fay", "Inactive / terminated"),
        ("Pat", "Excluded by HR"),
    ]
    resp = client.get(f"/reviews/cycles/{cycle.pk}/preview/", {"show": "no_manager"})
    assert [p.first_name for p, _ in resp.context["rows"]] == ["Cora"]

    # The default (database) backend queues the task: the page shows progress.
    assert client.post(f"/reviews/cycles/{cycle.pk}/launch/").status_code == 302
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert b'id="launch-progress" hx-get' in resp.content
    resp = client.get(f"/reviews/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in resp and b"0 of 6" in resp.content

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.post(f"/reviews/cycles/{cycle.pk}/launch/")  # queued again: runs now
    resp = client.get(f"/reviews/cycles/{cycle.pk}/progress/", HTTP_HX_REQUEST="true")
    assert resp["HX-Refresh"] == "true"
    cycle.refresh_from_db()
    assert cycle.stage == Stage.SELF_REVIEW


def test_a_cycle_that_cannot_launch_says_why(client: Client, org: Org) -> None:
    cycle = design(org.hr_admin, phases=[])
    client.force_login(org.hr_admin)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert "phases" in resp.context["problems"] and b"launch-button" not in resp.content
    resp = client.post(f"/reviews/cycles/{cycle.pk}/launch/", follow=True)
    assert b"Set a deadline for" in resp.content
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.DRAFT


def test_cycle_page_for_a_participant_and_an_hrbp(client: Client, org: Org) -> None:
    cycle = launched(org.hr_admin)
    client.force_login(org.employee.user)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert resp.status_code == 200
    assert "by_kind" not in resp.context and "stage_form" not in resp.context
    client.force_login(org.hrbp)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert {r.label for r in resp.context["by_department"]} == {"Engineering", "Platform"}
    assert "stage_form" not in resp.context


def test_monitoring_counts_overdue_reviews(client: Client, org: Org) -> None:
    cycle = launched(org.hr_admin)
    ReviewAssignment.objects.filter(cycle=cycle, kind="self", reviewee=org.peer).update(
        status=AssignmentStatus.SUBMITTED
    )
    cycle.phases.filter(kind="self_review").update(due_on=dt.date(2020, 1, 1))
    client.force_login(org.hr_admin)
    resp = client.get(f"/reviews/cycles/{cycle.pk}/")
    by_kind = {r.key: (r.submitted, r.total) for r in resp.context["by_kind"]}
    assert by_kind == {"self": (1, 7), "manager": (0, 6)}
    overdue = {s.phase.kind: (s.open, s.overdue) for s in resp.context["phase_statuses"]}
    assert overdue["self_review"] == (6, 6)
    assert overdue["manager_review"] == (6, 0)
    assert overdue["calibration"] == (None, None)


def test_stage_move_from_the_page(client: Client, org: Org) -> None:
    cycle = launched(org.hr_admin)
    client.force_login(org.hr_admin)
    client.post(f"/reviews/cycles/{cycle.pk}/stage/", {"to": "peer_review", "reason": ""})
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.PEER_REVIEW
    resp = client.post(f"/reviews/cycles/{cycle.pk}/stage/", {"to": "self_review"}, follow=True)
    assert b"Choose a later stage" in resp.content
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.PEER_REVIEW


def test_change_pages_confirm_and_need_a_reason(client: Client, org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    client.force_login(org.hr_admin)
    base = f"/reviews/cycles/{cycle.pk}"
    url = f"{base}/participants/{org.employee.pk}/remove/"
    resp = client.get(url)
    assert resp.status_code == 200 and b"btn-danger" in resp.content
    assert client.post(url, {"reason": ""}).status_code == 400
    assert CycleParticipant.objects.get(cycle=cycle, employee=org.employee).status == "active"
    assert client.post(url, {"reason": "Left the team"}).status_code == 302
    p = CycleParticipant.objects.get(cycle=cycle, employee=org.employee)
    assert (p.status, p.note) == (ParticipantStatus.REMOVED, "Left the team")

    resp = client.post(
        f"{base}/participants/add/",
        {"employee": org.salesperson.employee_number, "reason": "Transferred in"},
    )
    assert resp.status_code == 302
    assert ReviewAssignment.objects.filter(cycle=cycle, reviewee=org.salesperson).count() == 2
    bad = client.post(f"{base}/participants/add/", {"employee": "NOPE", "reason": "x"})
    assert bad.status_code == 400 and "employee" in bad.context["form"].errors

    review = ReviewAssignment.objects.get(cycle=cycle, reviewee=org.peer, kind="manager")
    assert client.get(f"{base}/participants/{org.peer.pk}/").status_code == 200
    resp = client.post(
        f"{base}/assignments/{review.pk}/replace/",
        {"employee": org.peer.employee_number, "reason": "x"},
    )
    assert resp.status_code == 400 and "employee" in resp.context["form"].errors
    resp = client.post(
        f"{base}/assignments/{review.pk}/replace/",
        {"employee": org.lead.employee_number, "reason": "Mona is away"},
    )
    assert resp.status_code == 302
    assert ReviewAssignment.objects.get(pk=review.pk).status == AssignmentStatus.CANCELLED

    own = ReviewAssignment.objects.get(cycle=cycle, reviewee=org.peer, kind="self")
    ReviewAssignment.objects.filter(pk=own.pk).update(status=AssignmentStatus.SUBMITTED)
    resp = client.post(f"{base}/assignments/{own.pk}/reopen/", {"reason": "Typo"})
    assert resp.status_code == 302
    assert ReviewAssignment.objects.get(pk=own.pk).status == AssignmentStatus.IN_PROGRESS

    resp = client.post(
        f"{base}/phases/self_review/extend/", {"due_on": "2027-01-10", "reason": "x"}
    )
    assert resp.status_code == 400 and "due_on" in resp.context["form"].errors
    resp = client.post(
        f"{base}/phases/self_review/extend/", {"due_on": "2027-02-01", "reason": "Holidays"}
    )
    assert resp.status_code == 302
    assert client.get(f"{base}/phases/release/extend/").status_code == 404

    org.peer.manager = org.lead
    org.peer.save()
    resp = client.get(f"{base}/participants/", {"changed": "1"})
    assert [p.employee for p, _, moved in resp.context["items"]] == [org.peer]
    resp = client.post(f"{base}/participants/{org.peer.pk}/manager/", {"reason": "Reorg"})
    assert resp.status_code == 302
    assert CycleParticipant.objects.get(cycle=cycle, employee=org.peer).manager == org.lead
    assert AuditEntry.objects.filter(action__startswith="review_").count() >= 7


def test_completion_by_department_is_by_name_with_no_department_first(org: Org) -> None:
    from cadence.people.models import Department, Employee
    from cadence.reviews.selectors_cycles import completion_by_department

    # Names that sort differently from the departments' ids.
    Department.objects.filter(pk=org.platform.pk).update(name="Aardvark team")
    cycle = launched(org.hr_admin)
    Employee.objects.filter(pk=org.peer.pk).update(department=None)
    ReviewAssignment.objects.filter(cycle=cycle, reviewee=org.employee, kind="self").update(
        status=AssignmentStatus.SUBMITTED
    )
    expected = []
    by_name = [
        (None, "No department"),
        *Department.objects.order_by("name").values_list("pk", "name"),
    ]
    for pk, name in by_name:
        about = ReviewAssignment.objects.filter(cycle=cycle).filter(
            Q(reviewee__department__isnull=True) if pk is None else Q(reviewee__department=pk)
        )
        if about.exists():
            submitted = about.filter(status=AssignmentStatus.SUBMITTED).count()
            expected.append((str(pk or ""), name, submitted, about.count()))
    assert expected[0][1] == "No department" and expected[1][1] == "Aardvark team"
    rows = completion_by_department(org.hr_admin, cycle)
    assert [(r.key, r.label, r.submitted, r.total) for r in rows] == expected


def test_monitoring_block_agrees_with_each_count_read_alone(org: Org) -> None:
    from django.utils import timezone

    from cadence.reviews import selectors_cycles as selectors

    cycle = launched(org.hr_admin)
    cycle.phases.filter(kind="self_review").update(due_on=dt.date(2020, 1, 1))
    ReviewAssignment.objects.filter(cycle=cycle, kind="self", reviewee=org.peer).update(
        status=AssignmentStatus.SUBMITTED
    )
    today = timezone.localdate()
    phases = list(cycle.phases.order_by("due_on", "id"))
    for user in (org.hr_admin, org.hrbp):
        block = selectors.cycle_monitoring(user, cycle, today, phases)
        assert block.by_kind == selectors.completion_by_kind(user, cycle)
        assert block.phase_statuses == selectors.phase_statuses(user, cycle, today, phases)
        assert block.by_department == selectors.completion_by_department(user, cycle)
        alone = selectors.overdue_reviews(user, cycle, today, phases)
        assert block.overdue.total == alone.total > 0
        assert block.overdue.shown == alone.shown
