"""Launching a cycle: the checks, the assignments it creates, progress,
idempotency (launched twice, the task run twice, a crash resumed), the
audit rows, and the peer assignments nominations create."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import NOT_PROVIDED

from cadence.core.models import AuditEntry
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    ReviewAssignment,
    Stage,
)
from cadence.reviews.services_cycles import advance_stage, create_peer_assignments, launch_cycle
from cadence.reviews.services_cycles_launch import (
    ASSIGNMENT_COLUMNS,
    PARTICIPANT_COLUMNS,
    perform_launch,
)
from cadence.reviews.tasks import run_cycle_launch
from tests.conftest import Org
from tests.reviews.cycle_helpers import design, launched

pytestmark = pytest.mark.django_db


def pairs(cycle: Cycle, kind: str | None = None) -> set[tuple[str, str, str]]:
    qs = ReviewAssignment.objects.filter(cycle=cycle).exclude(status="cancelled")
    if kind:
        qs = qs.filter(kind=kind)
    return set(qs.values_list("reviewer__first_name", "reviewee__first_name", "kind"))


def snapshot(cycle: Cycle) -> tuple[int, int]:
    return (
        CycleParticipant.objects.filter(cycle=cycle).count(),
        ReviewAssignment.objects.filter(cycle=cycle).count(),
    )


def test_launch_creates_participants_and_their_reviews(org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk], include_upward=True)
    assert cycle.stage == Stage.SELF_REVIEW and cycle.launched_at is not None
    people = dict(
        CycleParticipant.objects.filter(cycle=cycle).values_list(
            "employee__first_name", "manager__first_name"
        )
    )
    assert people == {"Mona": "Cora", "Lee": "Mona", "Emma": "Lee", "Pat": "Mona"}
    assert pairs(cycle, "self") == {(n, n, "self") for n in people}
    # The CEO is not taking part but still writes their report's manager review.
    assert pairs(cycle, "manager") == {
        ("Cora", "Mona", "manager"),
        ("Mona", "Lee", "manager"),
        ("Lee", "Emma", "manager"),
        ("Mona", "Pat", "manager"),
    }
    # Upward: reports review their manager when that manager takes part.
    assert pairs(cycle, "upward") == {
        ("Lee", "Mona", "upward"),
        ("Emma", "Lee", "upward"),
        ("Pat", "Mona", "upward"),
    }
    assert not pairs(cycle, "peer")  # peers come from approved nominations
    assert (cycle.launch_done, cycle.launch_total) == (4, 4)


def test_no_self_review_starts_at_peer_nomination(org: Org) -> None:
    cycle = launched(org.hr_admin, include_self=False)
    assert cycle.stage == Stage.PEER_NOMINATION
    assert not pairs(cycle, "self")


def test_launch_is_audited_once_with_the_counts(org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    request = AuditEntry.objects.get(action="review_cycle.launch")
    assert request.before == {"stage": "draft"}
    assert request.after == {"stage": "launching", "participants": 4}
    done = AuditEntry.objects.get(action="review_cycle.launched", object_id=str(cycle.pk))
    assert done.actor == org.hr_admin
    assert done.after["participants"] == 4
    assert done.after["assignments"] == {"self": 4, "manager": 4, "peer": 0, "upward": 0}


def test_launching_twice_creates_nothing_twice(org: Org) -> None:
    cycle = design(org.hr_admin)
    first = launch_cycle(actor=org.hr_admin, cycle=cycle)
    # Still `launching` (the worker has not run): a second launch queues the task again.
    second = launch_cycle(actor=org.hr_admin, cycle=cycle)
    assert first.id != second.id
    run_cycle_launch.call(cycle.pk, org.hr_admin.pk)
    counts = snapshot(cycle)
    assert counts == (7, 7 + 6)
    assert run_cycle_launch.call(cycle.pk, org.hr_admin.pk)["skipped"] is True
    assert snapshot(cycle) == counts
    with pytest.raises(ValidationError) as excinfo:
        launch_cycle(actor=org.hr_admin, cycle=cycle)
    assert "stage" in excinfo.value.message_dict
    assert snapshot(cycle) == counts
    assert AuditEntry.objects.filter(action="review_cycle.launched").count() == 1


def test_a_crashed_launch_resumes_without_duplicates(org: Org) -> None:
    cycle = design(org.hr_admin, include_upward=True)
    launch_cycle(actor=org.hr_admin, cycle=cycle)
    perform_launch(cycle_id=cycle.pk, actor=org.hr_admin, batch_size=2)
    counts = snapshot(cycle)
    # As if the worker died before it moved the stage on: the task runs again.
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.LAUNCHING, launch_done=3)
    result = perform_launch(cycle_id=cycle.pk, actor=org.hr_admin, batch_size=3)
    assert result["skipped"] is False
    assert snapshot(cycle) == counts
    cycle.refresh_from_db()
    assert cycle.stage == Stage.SELF_REVIEW and cycle.launch_done == cycle.launch_total == 7


def test_enqueued_with_the_immediate_backend(org: Org, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cycle = design(org.hr_admin)
    result = launch_cycle(actor=org.hr_admin, cycle=cycle)
    assert result.return_value["participants"] == 7
    cycle.refresh_from_db()
    assert cycle.stage == Stage.SELF_REVIEW and cycle.launch_task_id == str(result.id)


@pytest.mark.parametrize("who", ["hrbp", "executive", "auditor"])
def test_only_hr_admins_launch(org: Org, who: str) -> None:
    cycle = design(org.hr_admin)
    with pytest.raises(PermissionDenied):
        launch_cycle(actor=getattr(org, who), cycle=cycle)
    with pytest.raises(PermissionDenied):
        launch_cycle(actor=org.manager.user, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.DRAFT


def test_launch_needs_deadlines_people_and_a_current_template(org: Org) -> None:
    cycle = design(
        org.hr_admin,
        phases=[],
        rule_department_ids=[org.sales.pk],
        excluded_employee_ids=[org.salesperson.pk, org.other_manager.pk],
    )
    cycle.template.is_archived = True
    cycle.template.save()
    with pytest.raises(ValidationError) as excinfo:
        launch_cycle(actor=org.hr_admin, cycle=cycle)
    problems = excinfo.value.message_dict
    assert set(problems) == {"phases", "participants", "template"}
    assert "Self review" in problems["phases"][0] and "Manager review" in problems["phases"][0]
    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.DRAFT


def test_stages_move_forward_only(org: Org) -> None:
    cycle = launched(org.hr_admin)
    advance_stage(actor=org.hr_admin, cycle=cycle, to=Stage.MANAGER_REVIEW, reason="Skip peers")
    entry = AuditEntry.objects.get(action="review_cycle.stage")
    assert entry.before == {"stage": "self_review"}
    assert entry.after == {"stage": "manager_review", "reason": "Skip peers"}
    for back in (Stage.SELF_REVIEW, Stage.MANAGER_REVIEW, Stage.DRAFT, Stage.LAUNCHING):
        with pytest.raises(ValidationError):
            advance_stage(actor=org.hr_admin, cycle=cycle, to=back)
    with pytest.raises(PermissionDenied):
        advance_stage(actor=org.hrbp, cycle=cycle, to=Stage.CALIBRATION)
    draft = design(org.hr_admin, name="Draft")
    with pytest.raises(ValidationError):
        advance_stage(actor=org.hr_admin, cycle=draft, to=Stage.SELF_REVIEW)


def test_peer_assignments_from_nominations_are_idempotent(org: Org) -> None:
    cycle = launched(org.hr_admin)
    approved = [(org.peer, org.employee), (org.lead.pk, org.peer.pk)]
    assert create_peer_assignments(actor=org.hr_admin, cycle=cycle, pairs=approved) == 2
    assert create_peer_assignments(cycle=cycle, pairs=approved) == 0
    assert pairs(cycle, "peer") == {("Pat", "Emma", "peer"), ("Lee", "Pat", "peer")}
    assert AuditEntry.objects.filter(action="review_cycle.peer_assignments").count() == 1
    # A cancelled one does not block a new one.
    ReviewAssignment.objects.filter(cycle=cycle, kind="peer", reviewer=org.peer).update(
        status=AssignmentStatus.CANCELLED
    )
    assert create_peer_assignments(cycle=cycle, pairs=approved) == 1


def test_peer_pairs_are_checked(org: Org) -> None:
    cycle = launched(org.hr_admin, rule_department_ids=[org.engineering.pk])
    with pytest.raises(ValidationError):
        create_peer_assignments(cycle=cycle, pairs=[(org.peer, org.peer)])
    with pytest.raises(ValidationError):  # Sam is not taking part
        create_peer_assignments(cycle=cycle, pairs=[(org.peer, org.salesperson)])
    with pytest.raises(ValidationError):
        create_peer_assignments(cycle=design(org.hr_admin, name="D"), pairs=[])
    assert not pairs(cycle, "peer")


@pytest.mark.parametrize(
    ("model", "columns"),
    [(ReviewAssignment, ASSIGNMENT_COLUMNS), (CycleParticipant, PARTICIPANT_COLUMNS)],
)
def test_the_raw_launch_insert_sets_every_required_column(model: Any, columns: tuple) -> None:
    """The launch inserts rows with raw SQL for speed: a new required field
    on these models must be added to its column list, or this fails."""
    required = {
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.null and f.db_default is NOT_PROVIDED
    }
    assert required <= set(columns) <= {f.name for f in model._meta.concrete_fields}
