"""Writes to goals: objectives, key results, alignment, approval and
check-ins. One transaction per call, permission checked here, every change
audited with its before and after values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
from cadence.goals.models import (
    Approval,
    CheckIn,
    Confidence,
    GoalPeriod,
    KeyResult,
    KeyResultType,
    Objective,
    Scope,
)
from cadence.goals.rules import OPEN_APPROVALS, can_approve_objective, can_edit_objective

OBJECTIVE_FIELDS = (
    "period",
    "scope",
    "owner_employee",
    "owner_department",
    "title",
    "description",
    "weight",
    "kind",
    "visibility",
    "status",
    "parent",
)
KEY_RESULT_FIELDS = (
    "title",
    "result_type",
    "direction",
    "unit",
    "start_value",
    "target_value",
    "current_value",
    "done",
    "due_date",
    "weight",
)
PERIOD_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "setting_opens_on",
    "setting_closes_on",
    "requires_approval",
    "check_in_reminder_days",
)
STALE_MESSAGE = "This goal was changed by someone else. Reload it and try again."
STALE_PERIOD_MESSAGE = "This period was changed by someone else. Reload it and try again."
STALE_KEY_RESULT_MESSAGE = "This key result was changed by someone else. Reload it and try again."


def _check_setting_window(actor: User, objective: Objective, today: dt.date | None) -> None:
    """Outside the period's goal-setting window only HR (an HR admin, or the
    HRBP for the goal's department) sets new goals: the window is how HR
    keeps goal setting to a season, and HR must still fix mistakes."""
    period = objective.period
    if period.setting_is_open(today or timezone.localdate()):
        return
    viewer = viewer_for(actor)
    department_id = (
        objective.owner_department_id
        if objective.scope == Scope.DEPARTMENT
        else getattr(objective.owner_employee, "department_id", None)
    )
    if viewer.is_hr_admin or (
        department_id is not None and department_id in viewer.hrbp_department_ids
    ):
        return
    raise ValidationError(
        {
            "period": f"Goal setting for {period.name} is open {period.setting_window_text}. "
            "Ask HR if a goal must be set outside that window."
        }
    )


def _check_parent(objective: Objective, actor: User) -> None:
    """The parent must be visible to the actor and must not sit below this
    objective (alignment is a tree)."""
    parent = objective.parent if objective.parent_id else None
    if parent is None:
        return
    if not Objective.objects.visible_to(actor).filter(pk=parent.pk).exists():
        raise ValidationError({"parent": "Choose a goal you can see."})
    seen: set[int] = set()
    node: Objective | None = parent
    while node is not None:
        if objective.pk is not None and node.pk == objective.pk:
            raise ValidationError(
                {"parent": "This would make a loop: that goal already contributes to this one."}
            )
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent if node.parent_id else None


# --- periods ------------------------------------------------------------------------


@transaction.atomic
def save_period(
    *,
    actor: User,
    period: GoalPeriod | None = None,
    expected_version: int | None = None,
    **values: Any,
) -> GoalPeriod:
    """Create or change a goal period (HR admin). With `expected_version`,
    a concurrent edit is refused."""
    if not viewer_for(actor).is_hr_admin:
        raise PermissionDenied
    creating = period is None
    if period is None:
        period = GoalPeriod()
    else:
        period = GoalPeriod.objects.select_for_update().get(pk=period.pk)
        if expected_version is not None and expected_version != period.version:
            raise ValidationError({"version": STALE_PERIOD_MESSAGE})
    before = {} if creating else audit.snapshot(period, PERIOD_FIELDS)
    assign_fields(period, values, PERIOD_FIELDS)
    period.full_clean(exclude=["version"])
    if period.ends_on < period.starts_on:
        raise ValidationError({"ends_on": "The period must end after it starts."})
    opens, closes = period.setting_opens_on, period.setting_closes_on
    if opens is not None and closes is not None and closes < opens:
        raise ValidationError(
            {"setting_closes_on": "Goal setting must close on or after the day it opens."}
        )
    if closes is not None and closes > period.ends_on:
        raise ValidationError(
            {"setting_closes_on": "Goal setting must close by the end of the period."}
        )
    old, new = audit.changed(before, audit.snapshot(period, PERIOD_FIELDS))
    if not new:
        return period
    if not creating:
        period.version += 1
    period.save()
    action = "goal_period.create" if creating else "goal_period.update"
    audit.record(actor, action, period, before=old, after=new)
    return period


# --- objectives -------------------------------------------------------------------------


@transaction.atomic
def create_objective(*, actor: User, today: dt.date | None = None, **values: Any) -> Objective:
    """Set a goal: for yourself, for a report (managers), for a department
    (HRBP, HR admin) or for the company (HR admin). Outside the period's
    goal-setting window only HR may; in a period that requires approval a
    personal goal waits for the owner's manager."""
    objective = Objective(created_by=actor)
    assign_fields(objective, values, OBJECTIVE_FIELDS)
    if not can_edit_objective(actor, objective):
        raise PermissionDenied
    objective.full_clean(exclude=["created_by"])
    _check_setting_window(actor, objective, today)
    if objective.period.requires_approval and objective.scope == Scope.PERSONAL:
        objective.approval = Approval.PENDING
    _check_parent(objective, actor)
    objective.save()
    audit.record(actor, "goal.create", objective, after=audit.snapshot(objective, OBJECTIVE_FIELDS))
    return objective


@transaction.atomic
def update_objective(
    *,
    actor: User,
    objective: Objective,
    expected_version: int | None = None,
    today: dt.date | None = None,
    **values: Any,
) -> Objective:
    """Change a goal. With `expected_version`, a concurrent edit is refused.
    Moving a goal into another period obeys that period's goal-setting
    window. When the owner reworks a goal their manager sent back, it goes
    back to the manager for approval."""
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    if not can_edit_objective(actor, objective):
        raise PermissionDenied
    if expected_version is not None and expected_version != objective.version:
        raise ValidationError({"version": STALE_MESSAGE})
    before = audit.snapshot(objective, OBJECTIVE_FIELDS)
    before_period = objective.period_id
    assign_fields(objective, values, OBJECTIVE_FIELDS)
    if not can_edit_objective(actor, objective):  # e.g. handing it to someone out of reach
        raise PermissionDenied
    objective.full_clean(exclude=["created_by"])
    if objective.period_id != before_period:
        _check_setting_window(actor, objective, today)
    _check_parent(objective, actor)
    old, new = audit.changed(before, audit.snapshot(objective, OBJECTIVE_FIELDS))
    if not new:
        return objective
    owner_id = objective.owner_employee_id
    reworked_by_owner = owner_id is not None and viewer_for(actor).is_self(owner_id)
    if objective.approval == Approval.CHANGES_REQUESTED and reworked_by_owner:
        old["approval"], new["approval"] = objective.approval, Approval.PENDING.value
        objective.approval = Approval.PENDING
    objective.version += 1
    objective.save()
    audit.record(actor, "goal.update", objective, before=old, after=new)
    return objective


@transaction.atomic
def decide_approval(
    *, actor: User, objective: Objective, approve: bool, comment: str = ""
) -> Objective:
    """A manager (or HR admin) approves a report's goal, or sends it back
    with a comment saying what to change. Nobody approves their own goal."""
    objective = (
        # of=self: PostgreSQL cannot lock the nullable side of the owner join.
        Objective.objects.select_for_update(of=("self",))
        .select_related("owner_employee")
        .get(pk=objective.pk)
    )
    if not can_approve_objective(viewer_for(actor), objective):
        raise PermissionDenied
    if objective.approval not in OPEN_APPROVALS:
        state = (
            "needs no approval" if objective.approval == Approval.NOT_REQUIRED else "is approved"
        )
        raise ValidationError({"approval": f"This goal {state}; there is nothing to decide."})
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Say what should change, so the owner knows."})
    before = {"approval": objective.approval}
    objective.approval = Approval.APPROVED if approve else Approval.CHANGES_REQUESTED
    objective.approval_comment = comment
    objective.version += 1
    objective.save(update_fields=["approval", "approval_comment", "version", "updated_at"])
    audit.record(
        actor,
        "goal.approval",
        objective,
        before=before,
        after={"approval": objective.approval, "comment": comment},
    )
    return objective


# --- key results -------------------------------------------------------------------------


def _validate_key_result(kr: KeyResult) -> None:
    kr.full_clean(exclude=["objective"])
    if kr.result_type == KeyResultType.METRIC and kr.target_value is None:
        raise ValidationError({"target_value": "A metric key result needs a target."})


@transaction.atomic
def add_key_result(*, actor: User, objective: Objective, **values: Any) -> KeyResult:
    """Add a measurable key result (a metric or a milestone) to a goal."""
    if not can_edit_objective(actor, objective):
        raise PermissionDenied
    kr = KeyResult(objective=objective)
    assign_fields(kr, values, KEY_RESULT_FIELDS)
    if kr.current_value is None and kr.result_type == KeyResultType.METRIC:
        kr.current_value = kr.start_value
    _validate_key_result(kr)
    kr.save()
    audit.record(actor, "goal.key_result.create", kr, after=audit.snapshot(kr, KEY_RESULT_FIELDS))
    return kr


@transaction.atomic
def update_key_result(
    *, actor: User, key_result: KeyResult, expected_version: int | None = None, **values: Any
) -> KeyResult:
    """Change a key result's definition (title, target, weight, …). With
    `expected_version` (the edit form always sends it), a save over someone
    else's edit is refused instead of silently overwriting it."""
    kr = KeyResult.objects.select_for_update().select_related("objective").get(pk=key_result.pk)
    if not can_edit_objective(actor, kr.objective):
        raise PermissionDenied
    if expected_version is not None and expected_version != kr.version:
        raise ValidationError({"version": STALE_KEY_RESULT_MESSAGE})
    before = audit.snapshot(kr, KEY_RESULT_FIELDS)
    assign_fields(kr, values, KEY_RESULT_FIELDS)
    _validate_key_result(kr)
    old, new = audit.changed(before, audit.snapshot(kr, KEY_RESULT_FIELDS))
    if new:
        kr.version += 1
        kr.save()
        audit.record(actor, "goal.key_result.update", kr, before=old, after=new)
    return kr


@transaction.atomic
def delete_key_result(*, actor: User, key_result: KeyResult) -> None:
    """Remove a key result and its check-in history."""
    if not can_edit_objective(actor, key_result.objective):
        raise PermissionDenied
    audit.record(
        actor,
        "goal.key_result.delete",
        key_result,
        before=audit.snapshot(key_result, KEY_RESULT_FIELDS),
    )
    key_result.delete()


@transaction.atomic
def check_in(
    *,
    actor: User,
    key_result: KeyResult,
    confidence: Confidence | str,
    value: Decimal | None = None,
    done: bool | None = None,
    comment: str = "",
) -> CheckIn:
    """Record progress on a key result. Only those who may edit the goal may
    check in; the history is kept."""
    kr = KeyResult.objects.select_for_update().select_related("objective").get(pk=key_result.pk)
    if not can_edit_objective(actor, kr.objective):
        raise PermissionDenied
    if confidence not in Confidence.values:
        raise ValidationError({"confidence": "Choose on track, at risk or off track."})
    if kr.result_type == KeyResultType.METRIC:
        if value is None:
            raise ValidationError({"value": "Enter the current value."})
        before: dict[str, Any] = {"current_value": kr.current_value}
        kr.current_value = value
        after: dict[str, Any] = {"current_value": value}
    else:
        if done is None:
            raise ValidationError({"done": "Say whether the milestone is done."})
        before, after = {"done": kr.done}, {"done": done}
        kr.done = done
    kr.last_check_in_at = timezone.now()
    kr.save(update_fields=["current_value", "done", "last_check_in_at", "updated_at"])
    entry = CheckIn.objects.create(
        key_result=kr,
        author=actor,
        value=kr.current_value if value is not None else None,
        done=kr.done,
        confidence=confidence,
        comment=comment,
    )
    audit.record(
        actor, "goal.check_in", kr, before=before, after={**after, "confidence": str(confidence)}
    )
    return entry
