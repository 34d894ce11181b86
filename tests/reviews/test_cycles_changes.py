"""Controlled changes to a running cycle: each one's rule, its audit row
with the reason, and that submitted answers (and the audit of their
submission) survive it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import AuditEntry
from cadence.people.models import Employee, EmploymentStatus
from cadence.people.paths import rebuild_reporting_paths
from cadence.reviews.models import (
    Answer,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    ParticipantStatus,
    ReviewAssignment,
    Stage,
)
from cadence.reviews.services_cycles import advance_stage
from cadence.reviews.services_cycles_changes import (
    add_participant,
    extend_deadline,
    follow_manager_change,
    remove_participant,
    reopen_assignment,
    replace_reviewer,
)
from tests.conftest import Org
from tests.review_factories import AnswerFactory
from tests.reviews.cycle_helpers import design, launched

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(org: Org) -> Cycle:
    return launched(org.hr_admin, rule_department_ids=[org.engineering.pk], include_upward=True)


def review(cycle: Cycle, reviewee: Employee, kind: str, reviewer: Employee | None = None):
    qs = ReviewAssignment.objects.filter(cycle=cycle, reviewee=reviewee, kind=kind)
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return qs.exclude(status="cancelled").get()


def write(assignment: ReviewAssignment, submit: bool) -> None:
    """Answer (and maybe submit) it, with the audit row a submission writes."""
    section = assignment.cycle.template.sections.first()
    AnswerFactory(assignment=assignment, section=section, item="q1", text="Solid year")
    if submit:
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.submitted_at = timezone.now()
        with transaction.atomic():
            audit.record(None, "review_assignment.submit", assignment)
    else:
        assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save()


def survived(assignment: ReviewAssignment) -> bool:
    assignment.refresh_from_db()
    kept = Answer.objects.filter(assignment=assignment, text="Solid year").exists()
    return kept and (
        assignment.status != AssignmentStatus.SUBMITTED
        or AuditEntry.objects.filter(
            action="review_assignment.submit", object_id=str(assignment.pk)
        ).exists()
    )


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


# --- add ---------------------------------------------------------------------------------


def test_add_participant_creates_their_reviews(org: Org, cycle: Cycle) -> None:
    add_participant(actor=org.hr_admin, cycle=cycle, employee=org.ceo, reason="Board asked")
    joined = CycleParticipant.objects.get(cycle=cycle, employee=org.ceo)
    assert joined.status == ParticipantStatus.ACTIVE and joined.manager is None
    assert review(cycle, org.ceo, "self").reviewer == org.ceo
    # Their report Mona takes part, so she now reviews them upward; no manager review.
    assert review(cycle, org.ceo, "upward").reviewer == org.manager
    assert not ReviewAssignment.objects.filter(cycle=cycle, reviewee=org.ceo, kind="manager")
    entry = last("review_cycle.participant.add")
    assert entry.after == {"employee": org.ceo.pk, "manager": None, "reason": "Board asked"}


def test_add_refuses_leavers_people_already_in_and_no_reason(org: Org, cycle: Cycle) -> None:
    for employee, reason in ((org.former, "x"), (org.employee, "x"), (org.salesperson, " ")):
        with pytest.raises(ValidationError):
            add_participant(actor=org.hr_admin, cycle=cycle, employee=employee, reason=reason)
    assert not CycleParticipant.objects.filter(cycle=cycle, employee=org.salesperson)


def test_removed_then_added_again_keeps_the_submitted_self_review(org: Org, cycle: Cycle) -> None:
    own = review(cycle, org.employee, "self")
    write(own, submit=True)
    remove_participant(actor=org.hr_admin, cycle=cycle, employee=org.employee, reason="Leave")
    add_participant(actor=org.hr_admin, cycle=cycle, employee=org.employee, reason="Back")
    assert review(cycle, org.employee, "self") == own and survived(own)
    assert review(cycle, org.employee, "manager").status == AssignmentStatus.PENDING


# --- remove ------------------------------------------------------------------------------


def test_remove_cancels_open_reviews_and_keeps_submitted_ones(org: Org, cycle: Cycle) -> None:
    own = review(cycle, org.employee, "self")
    write(own, submit=True)
    managers = review(cycle, org.employee, "manager")
    write(managers, submit=False)
    upward = review(cycle, org.lead, "upward", reviewer=org.employee)
    remove_participant(actor=org.hr_admin, cycle=cycle, employee=org.employee, reason="Moved on")
    managers.refresh_from_db()
    upward.refresh_from_db()
    assert managers.status == upward.status == AssignmentStatus.CANCELLED
    assert managers.cancelled_reason == "Moved on"
    assert survived(own) and own.status == AssignmentStatus.SUBMITTED
    assert survived(managers)  # cancelled, its answers kept
    p = CycleParticipant.objects.get(cycle=cycle, employee=org.employee)
    assert (p.status, p.note) == (ParticipantStatus.REMOVED, "Moved on")
    entry = last("review_cycle.participant.remove")
    assert entry.after["cancelled"] == 2 and entry.after["kept_submitted"] == 1
    with pytest.raises(ValidationError):
        remove_participant(actor=org.hr_admin, cycle=cycle, employee=org.employee, reason="x")


# --- replace a reviewer ------------------------------------------------------------------


def test_replace_reviewer_cancels_the_old_with_the_reason(org: Org, cycle: Cycle) -> None:
    old = review(cycle, org.employee, "manager")
    write(old, submit=False)
    new = replace_reviewer(
        actor=org.hr_admin, assignment=old, new_reviewer=org.manager, reason="Lead on leave"
    )
    old.refresh_from_db()
    assert (old.status, old.cancelled_reason) == (AssignmentStatus.CANCELLED, "Lead on leave")
    assert survived(old)
    assert (new.reviewer, new.reviewee, new.kind, new.status) == (
        org.manager,
        org.employee,
        "manager",
        AssignmentStatus.PENDING,
    )
    entry = last("review_assignment.replace_reviewer")
    assert entry.before["reviewer"] == org.lead.pk
    assert entry.after["replacement"] == new.pk and entry.after["reason"] == "Lead on leave"


@pytest.mark.parametrize(
    ("kind", "new_reviewer", "submitted", "field"),
    [
        ("self", "peer", False, "assignment"),
        ("manager", "employee", False, "reviewer"),  # the reviewee
        ("manager", "lead", False, "reviewer"),  # already the reviewer
        ("manager", "former", False, "reviewer"),  # has left
        ("manager", "peer", True, "assignment"),  # submitted work stays
    ],
)
def test_replace_reviewer_refusals(
    org: Org, cycle: Cycle, kind: str, new_reviewer: str, submitted: bool, field: str
) -> None:
    target = review(cycle, org.employee, kind)
    if submitted:
        write(target, submit=True)
    with pytest.raises(ValidationError) as excinfo:
        replace_reviewer(
            actor=org.hr_admin,
            assignment=target,
            new_reviewer=getattr(org, new_reviewer),
            reason="Because",
        )
    assert field in excinfo.value.message_dict
    target.refresh_from_db()
    assert target.status != AssignmentStatus.CANCELLED


def test_replace_reviewer_refuses_a_duplicate(org: Org, cycle: Cycle) -> None:
    upward = review(cycle, org.manager, "upward", reviewer=org.lead)
    with pytest.raises(ValidationError) as excinfo:
        replace_reviewer(
            actor=org.hr_admin, assignment=upward, new_reviewer=org.peer, reason="Because"
        )
    assert "already writes" in excinfo.value.message_dict["reviewer"][0]


# --- manager change ----------------------------------------------------------------------


def move(employee: Employee, manager: Employee) -> None:
    employee.manager = manager
    employee.save()
    rebuild_reporting_paths()


@pytest.mark.parametrize("old_review_submitted", [False, True])
def test_follow_manager_change(org: Org, cycle: Cycle, old_review_submitted: bool) -> None:
    old = review(cycle, org.employee, "manager")
    write(old, submit=old_review_submitted)
    move(org.employee, org.peer)
    participant = CycleParticipant.objects.get(cycle=cycle, employee=org.employee)
    follow_manager_change(actor=org.hr_admin, participant=participant, reason="Reorg")
    participant.refresh_from_db()
    assert participant.manager == org.peer
    assert review(cycle, org.employee, "manager", reviewer=org.peer).status == "pending"
    old.refresh_from_db()
    assert survived(old)
    if old_review_submitted:  # kept, and it still counts
        assert old.status == AssignmentStatus.SUBMITTED
    else:
        assert (old.status, old.cancelled_reason) == (AssignmentStatus.CANCELLED, "Reorg")
    # Upward follows too: Emma now reviews Pat, not Lee.
    assert review(cycle, org.peer, "upward", reviewer=org.employee)
    assert not ReviewAssignment.objects.filter(
        cycle=cycle, reviewer=org.employee, reviewee=org.lead, kind="upward"
    ).exclude(status="cancelled")
    entry = last("review_cycle.participant.manager_change")
    assert entry.before == {"manager": org.lead.pk}
    assert entry.after["manager"] == org.peer.pk
    assert entry.after["kept_submitted"] == int(old_review_submitted)
    with pytest.raises(ValidationError):  # nothing left to follow
        follow_manager_change(actor=org.hr_admin, participant=participant, reason="Again")


def test_manager_who_left_cancels_the_open_review(org: Org, cycle: Cycle) -> None:
    Employee.objects.filter(pk=org.lead.pk).update(status=EmploymentStatus.TERMINATED)
    participant = CycleParticipant.objects.get(cycle=cycle, employee=org.employee)
    follow_manager_change(actor=org.hr_admin, participant=participant, reason="Lee left")
    participant.refresh_from_db()
    assert participant.manager is None
    assert not ReviewAssignment.objects.filter(
        cycle=cycle, reviewee=org.employee, kind="manager"
    ).exclude(status="cancelled")


# --- deadlines and reopening --------------------------------------------------------------


def test_extend_deadline_later_only(org: Org, cycle: Cycle) -> None:
    phase = cycle.phases.get(kind="self_review")
    with pytest.raises(ValidationError) as excinfo:
        extend_deadline(actor=org.hr_admin, phase=phase, due_on=dt.date(2027, 1, 10), reason="x")
    assert "due_on" in excinfo.value.message_dict
    extend_deadline(actor=org.hr_admin, phase=phase, due_on=dt.date(2027, 1, 22), reason="Flu")
    phase.refresh_from_db()
    assert phase.due_on == dt.date(2027, 1, 22)
    entry = last("review_cycle.phase.extend")
    assert entry.before == {"due_on": "2027-01-15"}
    assert entry.after == {"due_on": "2027-01-22", "reason": "Flu"}


def test_extend_deadline_not_on_a_draft(org: Org) -> None:
    draft = design(org.hr_admin, name="Draft")
    with pytest.raises(ValidationError):
        extend_deadline(
            actor=org.hr_admin,
            phase=draft.phases.get(kind="self_review"),
            due_on=dt.date(2027, 6, 1),
            reason="x",
        )


def test_reopen_a_submitted_review_keeps_its_answers(org: Org, cycle: Cycle) -> None:
    own = review(cycle, org.employee, "self")
    write(own, submit=True)
    with pytest.raises(ValidationError) as excinfo:
        reopen_assignment(actor=org.hr_admin, assignment=own, reason="")
    assert "reason" in excinfo.value.message_dict
    reopened = reopen_assignment(actor=org.hr_admin, assignment=own, reason="Wrong goals")
    assert reopened.status == AssignmentStatus.IN_PROGRESS and reopened.submitted_at is None
    assert survived(own)
    entry = last("review_assignment.reopen")
    assert entry.before["status"] == "submitted"
    assert entry.after == {"status": "in_progress", "reason": "Wrong goals"}
    with pytest.raises(ValidationError):  # no longer submitted
        reopen_assignment(actor=org.hr_admin, assignment=own, reason="Again")


# --- who and when ------------------------------------------------------------------------


def each_change(org: Org, cycle: Cycle) -> list[Callable[..., object]]:
    manager_review = review(cycle, org.employee, "manager")
    participant = CycleParticipant.objects.get(cycle=cycle, employee=org.employee)
    return [
        lambda actor: add_participant(
            actor=actor, cycle=cycle, employee=org.salesperson, reason="r"
        ),
        lambda actor: remove_participant(
            actor=actor, cycle=cycle, employee=org.employee, reason="r"
        ),
        lambda actor: replace_reviewer(
            actor=actor, assignment=manager_review, new_reviewer=org.manager, reason="r"
        ),
        lambda actor: follow_manager_change(actor=actor, participant=participant, reason="r"),
        lambda actor: reopen_assignment(actor=actor, assignment=manager_review, reason="r"),
    ]


@pytest.mark.parametrize("change", range(5))
def test_only_hr_admins_change_a_running_cycle(org: Org, cycle: Cycle, change: int) -> None:
    before = AuditEntry.objects.count()
    for actor in (org.hrbp, org.manager.user, org.executive):
        with pytest.raises(PermissionDenied):
            each_change(org, cycle)[change](actor)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("change", range(5))
def test_no_changes_once_results_are_released(org: Org, cycle: Cycle, change: int) -> None:
    advance_stage(actor=org.hr_admin, cycle=cycle, to=Stage.RELEASED)
    with pytest.raises(ValidationError) as excinfo:
        each_change(org, cycle)[change](org.hr_admin)
    assert "stage" in excinfo.value.message_dict
