"""Controlled changes to a running cycle (HR admin): add or remove a
participant, replace a reviewer, follow a manager change, extend a
deadline, reopen a submitted review. Each needs a reason, is audited with
it, and keeps submitted work: a cancelled assignment keeps its answers, a
submitted one is never cancelled by these changes.

Decisions (DESIGN §4 leaves them open):
- Removing a participant cancels the open reviews about them and the open
  upward reviews they were to write (upward reviewers are drawn from the
  participants); their submitted reviews stay submitted. Reviews they write
  as someone's manager or as a nominated peer are not theirs to drop.
- Following a manager change gives the current manager (from the reporting
  line) a manager review. An open review by the old manager is cancelled;
  a submitted one is kept as it is and still counts, next to the new
  manager's. With upward reviews, the participant's open upward review of
  the old manager is cancelled and one of the new manager is added when
  the new manager takes part.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from cadence.core import audit
from cadence.core.models import User
from cadence.people.models import Employee, EmploymentStatus
from cadence.reviews.models import (
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    ParticipantStatus,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from cadence.reviews.services_cycles import check_can_manage
from cadence.reviews.services_cycles_launch import bulk_assign, launch_assignments

# Stages in which people and reviewers may change: after launch, before
# results are released.
CHANGEABLE_STAGES = (
    Stage.SELF_REVIEW,
    Stage.PEER_NOMINATION,
    Stage.PEER_REVIEW,
    Stage.MANAGER_REVIEW,
    Stage.CALIBRATION,
)
REASON_MAX = 300


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: it is kept in the audit trail."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return reason


def _changeable(actor: User, cycle_id: int) -> Cycle:
    """The cycle, locked, when the actor may change it now."""
    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    if cycle.stage not in CHANGEABLE_STAGES:
        raise ValidationError(
            {
                "stage": "Participants and reviewers change only while the cycle runs, "
                "before results are released."
            }
        )
    return cycle


def _current_manager_id(employee: Employee) -> int | None:
    """Who writes the employee's manager review now: their manager from the
    reporting line, unless that manager has left."""
    manager = employee.manager
    if manager is None or manager.status == EmploymentStatus.TERMINATED:
        return None
    return manager.pk


def _cancel(assignments: Any, reason: str) -> int:
    """Cancel open assignments in bulk (answers stay with them)."""
    return int(
        assignments.filter(status__in=OPEN_ASSIGNMENT).update(
            status=AssignmentStatus.CANCELLED, cancelled_reason=reason, version=F("version") + 1
        )
    )


def _active_participant_ids(cycle: Cycle) -> set[int]:
    return set(
        CycleParticipant.objects.filter(cycle=cycle, status=ParticipantStatus.ACTIVE).values_list(
            "employee_id", flat=True
        )
    )


@transaction.atomic
def add_participant(
    *, actor: User, cycle: Cycle, employee: Employee, reason: str
) -> CycleParticipant:
    """Bring someone into a running cycle with the reviews a launch would
    have given them: a self review, a manager review by their current
    manager, and with upward reviews, theirs of their manager and their
    reports' of them (when those take part). Someone removed earlier is
    taken back; their earlier submitted reviews still count."""
    reason = _reason(reason)
    cycle = _changeable(actor, cycle.pk)
    employee = Employee.objects.select_related("manager").get(pk=employee.pk)
    if employee.status == EmploymentStatus.TERMINATED:
        raise ValidationError({"employee": f"{employee} has left the organisation."})
    participant = (
        CycleParticipant.objects.select_for_update().filter(cycle=cycle, employee=employee).first()
    )
    if participant is not None and participant.status == ParticipantStatus.ACTIVE:
        raise ValidationError({"employee": f"{employee} already takes part in this cycle."})
    manager_id = _current_manager_id(employee)
    if participant is None:
        participant = CycleParticipant(cycle=cycle, employee=employee)
    participant.manager_id = manager_id
    participant.status = ParticipantStatus.ACTIVE
    participant.note = reason
    participant.save()
    taking_part = _active_participant_ids(cycle)
    rows = launch_assignments(cycle, [(employee.pk, manager_id)], taking_part)
    if cycle.include_upward:
        reports = CycleParticipant.objects.filter(
            cycle=cycle, status=ParticipantStatus.ACTIVE, manager_id=employee.pk
        ).values_list("employee_id", flat=True)
        rows += [(report, employee.pk, ReviewerKind.UPWARD.value) for report in reports]
    bulk_assign(cycle, rows)
    audit.record(
        actor,
        "review_cycle.participant.add",
        participant,
        after={"employee": employee.pk, "manager": manager_id, "reason": reason},
    )
    return participant


@transaction.atomic
def remove_participant(
    *, actor: User, cycle: Cycle, employee: Employee, reason: str
) -> CycleParticipant:
    """Take someone out of a running cycle: open reviews about them and the
    open upward reviews they were to write are cancelled with the reason;
    submitted ones are kept. The participant stays, marked removed."""
    reason = _reason(reason)
    cycle = _changeable(actor, cycle.pk)
    participant = (
        CycleParticipant.objects.select_for_update().filter(cycle=cycle, employee=employee).first()
    )
    if participant is None or participant.status != ParticipantStatus.ACTIVE:
        raise ValidationError({"employee": f"{employee} does not take part in this cycle."})
    theirs = ReviewAssignment.objects.filter(cycle=cycle).filter(
        Q(reviewee=employee) | Q(reviewer=employee, kind=ReviewerKind.UPWARD)
    )
    kept = theirs.filter(status=AssignmentStatus.SUBMITTED).count()
    cancelled = _cancel(theirs, reason)
    participant.status = ParticipantStatus.REMOVED
    participant.note = reason
    participant.save(update_fields=["status", "note"])
    audit.record(
        actor,
        "review_cycle.participant.remove",
        participant,
        before={"status": ParticipantStatus.ACTIVE.value},
        after={
            "status": participant.status,
            "reason": reason,
            "cancelled": cancelled,
            "kept_submitted": kept,
        },
    )
    return participant


@transaction.atomic
def replace_reviewer(
    *, actor: User, assignment: ReviewAssignment, new_reviewer: Employee, reason: str
) -> ReviewAssignment:
    """Give a review not yet submitted to someone else: the old assignment
    is cancelled with the reason (what was written stays with it) and a new
    pending one is created. Not for self reviews, and never to the reviewee.
    Returns the new assignment."""
    reason = _reason(reason)
    cycle = _changeable(actor, assignment.cycle_id)
    old = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if old.kind == ReviewerKind.SELF:
        raise ValidationError({"assignment": "A self review is always written by the reviewee."})
    if old.status == AssignmentStatus.SUBMITTED:
        raise ValidationError(
            {"assignment": "This review is submitted: it stays with who wrote it."}
        )
    if old.status == AssignmentStatus.CANCELLED:
        raise ValidationError({"assignment": "This review is cancelled."})
    if new_reviewer.pk == old.reviewee_id:
        raise ValidationError({"reviewer": "Nobody writes this kind of review about themself."})
    if new_reviewer.pk == old.reviewer_id:
        raise ValidationError({"reviewer": "That is already the reviewer."})
    if new_reviewer.status == EmploymentStatus.TERMINATED:
        raise ValidationError({"reviewer": f"{new_reviewer} has left the organisation."})
    duplicate = (
        ReviewAssignment.objects.filter(
            cycle=cycle, reviewer=new_reviewer, reviewee_id=old.reviewee_id, kind=old.kind
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {"reviewer": f"{new_reviewer} already writes this review for this person."}
        )
    before = {"reviewer": old.reviewer_id, "status": old.status}
    old.status = AssignmentStatus.CANCELLED
    old.cancelled_reason = reason
    old.version += 1
    old.save(update_fields=["status", "cancelled_reason", "version", "updated_at"])
    new = ReviewAssignment.objects.create(
        cycle=cycle, reviewer=new_reviewer, reviewee_id=old.reviewee_id, kind=old.kind
    )
    audit.record(
        actor,
        "review_assignment.replace_reviewer",
        old,
        before=before,
        after={
            "reviewer": new_reviewer.pk,
            "status": old.status,
            "replacement": new.pk,
            "reason": reason,
        },
    )
    return new


@transaction.atomic
def follow_manager_change(
    *, actor: User, participant: CycleParticipant, reason: str
) -> CycleParticipant:
    """Give the participant's manager review to their current manager (see
    the module docstring for what happens to the old manager's)."""
    reason = _reason(reason)
    cycle = _changeable(actor, participant.cycle_id)
    participant = CycleParticipant.objects.select_for_update().get(pk=participant.pk)
    if participant.status != ParticipantStatus.ACTIVE:
        raise ValidationError({"employee": "This person no longer takes part in the cycle."})
    employee = Employee.objects.select_related("manager").get(pk=participant.employee_id)
    new_manager = _current_manager_id(employee)
    reviews = ReviewAssignment.objects.filter(
        cycle=cycle, reviewee=employee, kind=ReviewerKind.MANAGER
    )
    has_review = (
        new_manager is None
        or not cycle.include_manager
        or reviews.filter(reviewer_id=new_manager)
        .exclude(status=AssignmentStatus.CANCELLED)
        .exists()
    )
    if new_manager == participant.manager_id and has_review:
        raise ValidationError(
            {"manager": "The manager has not changed: there is nothing to follow."}
        )
    old_manager = participant.manager_id
    kept = reviews.filter(status=AssignmentStatus.SUBMITTED).count()
    cancelled = _cancel(reviews.exclude(reviewer_id=new_manager), reason)
    rows: list[tuple[int, int, str]] = []
    if cycle.include_manager and new_manager is not None:
        rows.append((new_manager, employee.pk, ReviewerKind.MANAGER.value))
    if cycle.include_upward:
        upward = ReviewAssignment.objects.filter(
            cycle=cycle, reviewer=employee, kind=ReviewerKind.UPWARD
        ).exclude(reviewee_id=new_manager)
        cancelled += _cancel(upward, reason)
        if new_manager is not None and new_manager in _active_participant_ids(cycle):
            rows.append((employee.pk, new_manager, ReviewerKind.UPWARD.value))
    bulk_assign(cycle, rows)
    participant.manager_id = new_manager
    participant.save(update_fields=["manager"])
    audit.record(
        actor,
        "review_cycle.participant.manager_change",
        participant,
        before={"manager": old_manager},
        after={
            "manager": new_manager,
            "reason": reason,
            "cancelled": cancelled,
            "kept_submitted": kept,
        },
    )
    return participant


@transaction.atomic
def extend_deadline(*, actor: User, phase: CyclePhase, due_on: dt.date, reason: str) -> CyclePhase:
    """Move a running cycle's phase deadline later (never earlier: people
    planned around it)."""
    reason = _reason(reason)
    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().get(pk=phase.cycle_id)
    if not cycle.is_running:
        raise ValidationError(
            {"stage": "Only a running cycle's deadlines are extended; edit a draft's instead."}
        )
    phase = CyclePhase.objects.select_for_update().get(pk=phase.pk)
    if due_on <= phase.due_on:
        raise ValidationError(
            {"due_on": f"Choose a day after the current deadline ({phase.due_on:%d %b %Y})."}
        )
    before = {"due_on": phase.due_on}
    phase.due_on = due_on
    phase.save(update_fields=["due_on"])
    audit.record(
        actor,
        "review_cycle.phase.extend",
        phase,
        before=before,
        after={"due_on": due_on, "reason": reason},
    )
    return phase


@transaction.atomic
def reopen_assignment(
    *, actor: User, assignment: ReviewAssignment, reason: str
) -> ReviewAssignment:
    """Let the reviewer change a submitted review again: submitted → in
    progress, answers kept, the reason in the audit trail."""
    reason = _reason(reason)
    _changeable(actor, assignment.cycle_id)
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise ValidationError({"assignment": "Only a submitted review can be reopened."})
    before = {"status": assignment.status, "submitted_at": assignment.submitted_at}
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.submitted_at = None
    assignment.version += 1
    assignment.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    audit.record(
        actor,
        "review_assignment.reopen",
        assignment,
        before=before,
        after={"status": assignment.status, "reason": reason},
    )
    return assignment
