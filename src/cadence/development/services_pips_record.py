"""What is recorded on an improvement plan while it runs: the check-ins
held (notes and progress on each expectation) and the employee's
acknowledgement and comments. Opening, editing and moving a plan through
its states are in `services_pips`, whose rules (who may run a plan, the
plan lock) these share.

Who may do what:
- record a check-in: those who run the plan (`services_pips.can_run_plan`);
- acknowledge it and comment on it: the employee alone, while it runs.

The acknowledgement is given once. Extending a plan does not ask for a
second one (the model holds one signature); the extension is audited and
the employee is told about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.development import pip_states
from cadence.development.models import (
    CheckInProgress,
    ExpectationProgress,
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
)
from cadence.development.services_pips import (
    can_run_plan,
    is_plan_employee,
    locked_plan,
    normalised,
    raise_problems,
)
from cadence.people.models import Employee

NAME_MISMATCH = "The name must match your full name as it appears on the plan ({name})."


@dataclass(frozen=True)
class ProgressInput:
    """Progress on one expectation at a check-in."""

    expectation_id: int
    progress: str
    comment: str = ""


# --- check-ins --------------------------------------------------------------------------------


def _require_running(plan: ImprovementPlan, what: str) -> None:
    if plan.state not in pip_states.RUNNING:
        raise ValidationError(
            {
                "state": f"{what} only while the plan is active or extended; this plan is "
                f"{plan.get_state_display().lower()}."
            }
        )


@transaction.atomic
def record_check_in(
    *,
    actor: User,
    plan: ImprovementPlan,
    held_on: dt.date,
    notes: str,
    progress: Sequence[ProgressInput] = (),
    check_in: PlanCheckIn | None = None,
) -> PlanCheckIn:
    """Record a check-in that was held: its notes and the progress on each
    expectation (which becomes the expectation's current progress). It fills
    the scheduled check-in given, or the one scheduled that day, or is added
    as an unscheduled check-in on that day."""
    plan = locked_plan(plan)
    if not can_run_plan(actor, plan):
        raise PermissionDenied
    _require_running(plan, "Check-ins are recorded")
    problems: dict[str, str] = {}
    today = timezone.localdate()
    if held_on < plan.starts_on or held_on > today:
        problems["held_on"] = (
            f"The check-in date must be between the plan's start ({plan.starts_on:%-d %b %Y}) "
            "and today."
        )
    if not notes.strip():
        problems["notes"] = "Write what was discussed."
    expectations = {e.pk: e for e in plan.expectations.all()}
    seen: set[int] = set()
    for item in progress:
        key = f"progress.{item.expectation_id}"
        if item.expectation_id not in expectations or item.expectation_id in seen:
            problems[key] = f"Expectation {item.expectation_id} is not on this plan (or repeated)."
        elif item.progress not in ExpectationProgress.values:
            problems[key] = "Choose a progress value from the list."
        seen.add(item.expectation_id)
    if check_in is not None:
        check_in = PlanCheckIn.objects.select_for_update().filter(pk=check_in.pk, plan=plan).first()
        if check_in is None:
            problems["check_in"] = "That check-in is not on this plan."
    else:
        check_in = (
            PlanCheckIn.objects.select_for_update().filter(plan=plan, scheduled_on=held_on).first()
        )
    if check_in is not None and check_in.held_on is not None:
        problems["check_in"] = (
            f"The check-in of {check_in.scheduled_on:%-d %b %Y} was already recorded on "
            f"{check_in.held_on:%-d %b %Y}."
        )
    raise_problems(problems)
    if check_in is None:
        check_in = PlanCheckIn(plan=plan, scheduled_on=held_on)
    check_in.held_on = held_on
    check_in.notes = notes.strip()
    check_in.recorded_by = actor
    check_in.recorded_at = timezone.now()
    check_in.save()
    before = {str(i.expectation_id): expectations[i.expectation_id].progress for i in progress}
    CheckInProgress.objects.bulk_create(
        [
            CheckInProgress(
                check_in=check_in,
                expectation_id=i.expectation_id,
                progress=i.progress,
                comment=i.comment.strip(),
            )
            for i in progress
        ]
    )
    updated = []
    for i in progress:
        expectation = expectations[i.expectation_id]
        expectation.progress = i.progress
        updated.append(expectation)
    PlanExpectation.objects.bulk_update(updated, ["progress"])
    audit.record(
        actor,
        "pip.check_in",
        plan,
        before={"progress": before},
        after={
            "check_in": check_in.pk,
            "scheduled_on": check_in.scheduled_on,
            "held_on": held_on,
            "notes": check_in.notes,
            "progress": {str(i.expectation_id): i.progress for i in progress},
        },
    )
    return check_in


# --- the employee's acknowledgement and comments ----------------------------------------------


def names_match(typed: str, employee: Employee) -> bool:
    """Whether `typed` is the employee's name: their full name as shown, or
    first and last name, ignoring case and extra spaces."""
    wanted = {
        normalised(employee.full_name).casefold(),
        normalised(f"{employee.first_name} {employee.last_name}").casefold(),
    }
    return normalised(typed).casefold() in wanted


@transaction.atomic
def acknowledge(
    *, actor: User, plan: ImprovementPlan, name: str, comments: str = ""
) -> ImprovementPlan:
    """The employee signs the plan by typing their full name: the name, the
    time and the login are kept, with optional comments. Once only."""
    plan = locked_plan(plan)
    if not is_plan_employee(actor, plan):
        raise PermissionDenied
    _require_running(plan, "A plan can be acknowledged")
    if plan.acknowledged_at is not None:
        raise ValidationError(
            {
                "name": "You acknowledged this plan on "
                f"{timezone.localtime(plan.acknowledged_at):%-d %b %Y at %H:%M}."
            }
        )
    if not names_match(name, plan.employee):
        raise ValidationError({"name": NAME_MISMATCH.format(name=plan.employee.full_name)})
    plan.acknowledged_name = normalised(name)
    plan.acknowledged_at = timezone.now()
    plan.acknowledged_by = actor
    if comments.strip():
        plan.employee_comments = comments.strip()
    plan.version += 1
    plan.save()
    audit.record(
        actor,
        "pip.acknowledge",
        plan,
        after=audit.snapshot(
            plan, ("acknowledged_name", "acknowledged_at", "acknowledged_by", "employee_comments")
        ),
    )
    return plan


@transaction.atomic
def set_employee_comments(*, actor: User, plan: ImprovementPlan, comments: str) -> ImprovementPlan:
    """The employee's own comments on the plan (replacing earlier ones; the
    audit trail keeps every version), while it runs."""
    plan = locked_plan(plan)
    if not is_plan_employee(actor, plan):
        raise PermissionDenied
    _require_running(plan, "Comments can be added")
    before = audit.snapshot(plan, ("employee_comments",))
    plan.employee_comments = comments.strip()
    old, new = audit.changed(before, audit.snapshot(plan, ("employee_comments",)))
    if not new:
        return plan
    plan.version += 1
    plan.save()
    audit.record(actor, "pip.comment", plan, before=old, after=new)
    return plan
