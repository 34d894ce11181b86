"""Writes to review results: the computed score (after the manager review
is submitted, or in bulk for a cycle), the manager's proposed rating, the
release to employees, and the employee's acknowledgement. One transaction
per call, permission checked here, every change audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Department, Employee
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.models import (
    Cycle,
    CycleParticipant,
    ParticipantStatus,
    RatingLevel,
    ReviewResult,
    Stage,
)
from cadence.reviews.results import CHUNK, load_sheets, score_of_record, scoring_frame

STALE_MESSAGE = "This result was changed by someone else. Reload it and try again."
RELEASED_MESSAGE = "This result has been released; its ratings can no longer change."
# Stages in which results may be released: the manager reviews are in.
RELEASABLE_STAGES = (Stage.MANAGER_REVIEW, Stage.CALIBRATION, Stage.RELEASED)


def _ready() -> Q:
    """A result is ready to release once it has a rating to show."""
    return Q(manager_level__isnull=False) | Q(computed_level__isnull=False)


def _level_id(level: RatingLevel | None) -> int | None:
    return None if level is None else level.pk


def _score_text(score: Decimal | None) -> str | None:
    return None if score is None else str(score)


# --- computed score --------------------------------------------------------------------


@transaction.atomic
def compute_result(*, cycle: Cycle, employee: Employee, actor: User | None = None) -> ReviewResult:
    """Create or update the employee's result with the score computed from
    their submitted manager review (None when there is none yet). Called
    when a manager review is submitted; `actor` is whoever submitted it. A
    released result is a record: a late recompute leaves it as it is."""
    frame = scoring_frame(cycle)
    sheet = load_sheets(cycle.pk, [employee.pk]).get(employee.pk)
    score, level = score_of_record(sheet, frame)
    result, created = ReviewResult.objects.select_for_update().get_or_create(
        cycle=cycle, employee=employee
    )
    if result.released_at is not None:
        return result
    before = {
        "computed_score": _score_text(result.computed_score),
        "computed_level": result.computed_level_id,
    }
    after = {"computed_score": _score_text(score), "computed_level": _level_id(level)}
    old, new = audit.changed({} if created else before, after)
    if not new and not created:
        return result
    result.computed_score, result.computed_level = score, level
    if not created:
        result.version += 1
    result.save()
    audit.record(actor, "review_result.compute", result, before=old, after=after)
    return result


@dataclass(frozen=True)
class RecomputeSummary:
    created: int
    changed: int
    unchanged: int
    released: int


@transaction.atomic
def recompute_cycle_results(cycle: Cycle, *, actor: User | None = None) -> RecomputeSummary:
    """Compute every active participant's result in the cycle: results are
    created for participants without one and updated where the score moved;
    released results are left alone. Bulk writes, two queries per chunk of
    reviewees to read the ratings, one audit row for the cycle with counts."""
    frame = scoring_frame(cycle)
    employee_ids = list(
        CycleParticipant.objects.filter(cycle=cycle, status=ParticipantStatus.ACTIVE)
        .order_by("employee_id")
        .values_list("employee_id", flat=True)
    )
    existing = {
        r.employee_id: r
        for r in ReviewResult.objects.select_for_update().filter(
            cycle=cycle, employee_id__in=employee_ids
        )
    }
    now = timezone.now()
    created: list[ReviewResult] = []
    changed: list[ReviewResult] = []
    released = unchanged = 0
    for start in range(0, len(employee_ids), CHUNK):
        chunk = employee_ids[start : start + CHUNK]
        sheets = load_sheets(cycle.pk, chunk)
        for employee_id in chunk:
            score, level = score_of_record(sheets[employee_id], frame)
            result = existing.get(employee_id)
            if result is None:
                created.append(
                    ReviewResult(
                        cycle=cycle,
                        employee_id=employee_id,
                        computed_score=score,
                        computed_level=level,
                        created_at=now,
                    )
                )
            elif result.released_at is not None:
                released += 1
            elif (result.computed_score, result.computed_level_id) == (score, _level_id(level)):
                unchanged += 1
            else:
                result.computed_score = score
                result.computed_level = level
                result.version += 1
                result.updated_at = now
                changed.append(result)
    ReviewResult.objects.bulk_create(created, batch_size=500)
    ReviewResult.objects.bulk_update(
        changed, ["computed_score", "computed_level", "version", "updated_at"], batch_size=500
    )
    summary = RecomputeSummary(len(created), len(changed), unchanged, released)
    audit.record(actor, "review_result.recompute", cycle, after=asdict(summary))
    return summary


# --- the manager's proposed rating --------------------------------------------------------------


def can_propose_rating(user: User, result: ReviewResult) -> bool:
    """The reviewee's manager chain and HR admins propose the final rating;
    nobody rates themself. Needs `result.employee`."""
    viewer = viewer_for(user)
    employee = result.employee
    if viewer.is_self(employee.pk):
        return False
    return viewer.is_hr_admin or viewer.manages(employee.reporting_path, employee.pk)


@transaction.atomic
def propose_rating(
    *,
    actor: User,
    result: ReviewResult,
    level: RatingLevel,
    reason: str = "",
    expected_version: int | None = None,
) -> ReviewResult:
    """The manager's proposed final rating. When it differs from the computed
    level (or there is no computed level) a reason is required; the computed
    score and level are kept beside it. Refused once released."""
    result = (
        ReviewResult.objects.select_for_update()
        .select_related("employee", "cycle__template")
        .get(pk=result.pk)
    )
    if not can_propose_rating(actor, result):
        raise PermissionDenied
    if expected_version is not None and expected_version != result.version:
        raise ValidationError({"version": STALE_MESSAGE})
    if result.released_at is not None:
        raise ValidationError({"level": RELEASED_MESSAGE})
    if level.scale_id != result.cycle.template.rating_scale_id:
        raise ValidationError({"level": "Choose a level of this cycle's rating scale."})
    reason = reason.strip()
    if level.pk != result.computed_level_id and not reason:
        computed = "the computed rating" if result.computed_level_id else "a computed rating"
        raise ValidationError(
            {"reason": f"Say why this rating differs from {computed}: it is kept on record."}
        )
    fields = ("manager_level", "override_reason", "manager_rated_by")
    before = audit.snapshot(result, fields)
    result.manager_level = level
    result.override_reason = reason
    result.manager_rated_by = actor
    after = audit.snapshot(result, fields)
    old, new = audit.changed(before, after)
    if not new:
        return result
    result.version += 1
    result.save(update_fields=[*fields, "version", "updated_at"])
    audit.record(
        actor,
        "review_result.propose_rating",
        result,
        before=old,
        after={**new, "computed_level": result.computed_level_id},
    )
    return result


# --- release and acknowledgement ----------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseSummary:
    released: int
    not_ready: int
    cycle_released: bool


def _in_department(department: Department | None) -> Q:
    if department is None:
        return Q()
    return Q(employee__department__path__startswith=department.path)


@transaction.atomic
def release_results(
    *, actor: User, cycle: Cycle, department: Department | None = None
) -> ReleaseSummary:
    """Release the cycle's results to the employees — all of them, or those
    in a department and the departments below it. Only results with a
    rating (the manager's or a computed one) of active participants are
    released; the rest are counted as not ready. The cycle moves to
    "released" once every participant's result is out."""
    if not can_manage_cycles(actor):
        raise PermissionDenied
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage not in RELEASABLE_STAGES:
        raise ValidationError(
            {"cycle": "Results are released after the manager reviews are in, before closing."}
        )
    active = CycleParticipant.objects.filter(cycle=cycle, status=ParticipantStatus.ACTIVE)
    scope = _in_department(department)
    pending = ReviewResult.objects.filter(
        scope, cycle=cycle, released_at__isnull=True, employee_id__in=active.values("employee_id")
    )
    to_release = list(pending.filter(_ready()).select_related("employee", "cycle"))
    participants_in_scope = active.filter(scope).count()
    released_in_scope = (
        ReviewResult.objects.filter(scope, cycle=cycle, released_at__isnull=False)
        .filter(employee_id__in=active.values("employee_id"))
        .count()
    )
    not_ready = participants_in_scope - released_in_scope - len(to_release)
    if not to_release:
        raise ValidationError(
            {"department" if department else "cycle": "No results here are ready to release."}
        )
    now = timezone.now()
    ids = [r.pk for r in to_release]
    for start in range(0, len(ids), 500):
        ReviewResult.objects.filter(pk__in=ids[start : start + 500]).update(
            released_at=now, version=F("version") + 1, updated_at=now
        )
    audit.record_each(actor, "review_result.release", to_release, after={"released_at": now})
    unreleased = active.exclude(
        employee_id__in=ReviewResult.objects.filter(cycle=cycle, released_at__isnull=False).values(
            "employee_id"
        )
    )
    cycle_released = not unreleased.exists()
    if cycle_released and cycle.stage != Stage.RELEASED:
        before_stage = cycle.stage
        cycle.stage = Stage.RELEASED
        cycle.version += 1
        cycle.save(update_fields=["stage", "version", "updated_at"])
        audit.record(
            actor,
            "review_cycle.stage",
            cycle,
            before={"stage": before_stage},
            after={"stage": "released"},
        )
    audit.record(
        actor,
        "review_cycle.release_results",
        cycle,
        after={
            "department": department.pk if department else None,
            "released": len(to_release),
            "not_ready": not_ready,
        },
    )
    return ReleaseSummary(len(to_release), not_ready, cycle_released)


def can_acknowledge(user: User, result: ReviewResult) -> bool:
    """Only the employee, once released, once."""
    return (
        viewer_for(user).is_self(result.employee_id)
        and result.released_at is not None
        and result.acknowledged_at is None
    )


@transaction.atomic
def acknowledge_result(*, actor: User, result: ReviewResult, comment: str = "") -> ReviewResult:
    """The employee acknowledges they have read their released result, with
    an optional comment their manager chain and HR read. Once only."""
    result = ReviewResult.objects.select_for_update().get(pk=result.pk)
    if not viewer_for(actor).is_self(result.employee_id):
        raise PermissionDenied
    if result.released_at is None:
        raise ValidationError({"result": "This result has not been released yet."})
    if result.acknowledged_at is not None:
        raise ValidationError({"result": "You have already acknowledged this result."})
    result.acknowledged_at = timezone.now()
    result.acknowledgement_comment = comment.strip()
    result.version += 1
    result.save(
        update_fields=["acknowledged_at", "acknowledgement_comment", "version", "updated_at"]
    )
    after: dict[str, Any] = {
        "acknowledged_at": result.acknowledged_at,
        "acknowledgement_comment": result.acknowledgement_comment,
    }
    audit.record(actor, "review_result.acknowledge", result, before={}, after=after)
    return result
