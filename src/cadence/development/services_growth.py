"""Writes on development plans: create and change a plan, add development
goals (a competency from the employee's job profile, or free text) and
actions, submit for approval, the manager's decision, comments, action
progress and completion. Every write is one transaction with its audit row.

Who does what:
- reads: `DevelopmentPlan.objects.visible_to` (the employee, their manager
  chain, HR admin, the HRBP for the department);
- changes (the plan, its goals and actions, submitting, completing,
  commenting): the employee, their manager chain, HR admin and the HRBP for
  the employee's department;
- approving or asking for changes: the employee's manager chain only —
  never the employee themself, whatever other role they hold, and not HR
  unless they are in the chain.

States: draft → submitted → approved → completed, with submitted →
changes_requested (a comment is required) → submitted again, and
submitted → draft when the plan is withdrawn to rework it. The plan, its
goals and its actions' details change only in draft or changes_requested;
once approved, only the actions' status moves (to done, with the day)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
from cadence.development.models import (
    ActionKind,
    ActionStatus,
    DevelopmentAction,
    DevelopmentComment,
    DevelopmentGoal,
    DevelopmentPlan,
    DevelopmentPlanStatus,
)
from cadence.development.selectors_growth import competency_sources
from cadence.jobs.models import Competency
from cadence.people.models import Employee, EmploymentStatus

Decision = Literal["approve", "request_changes"]

PLAN_FIELDS = ("title", "starts_on", "ends_on")
GOAL_FIELDS = ("competency", "description", "current_level", "target_level")
ACTION_FIELDS = ("kind", "title", "due_on", "status")
STALE_MESSAGE = "This development plan was changed by someone else. Reload it and try again."
# Free-text goals have no framework to bound their levels.
MAX_FREE_LEVEL = 10
TITLE_MAX = 200
EDITABLE = (DevelopmentPlanStatus.DRAFT, DevelopmentPlanStatus.CHANGES_REQUESTED)
LOCKED_MESSAGES: dict[str, str] = {
    DevelopmentPlanStatus.SUBMITTED: "This plan is waiting for approval: withdraw it to change it.",
    DevelopmentPlanStatus.APPROVED: "This plan is approved: only its actions' progress can change.",
    DevelopmentPlanStatus.COMPLETED: "This plan is completed and can no longer change.",
}


# --- permissions -------------------------------------------------------------------------


def can_change_plan(user: User, plan: DevelopmentPlan) -> bool:
    """The employee, their manager chain, HR admin, or the HRBP for the
    employee's department (needs `plan.employee`)."""
    return _can_work_on(user, plan.employee)


def can_decide_plan(user: User, plan: DevelopmentPlan) -> bool:
    """Someone above the employee in the reporting tree: never the employee."""
    employee = plan.employee
    return viewer_for(user).manages(employee.reporting_path, employee.pk)


def _can_work_on(user: User, employee: Employee) -> bool:
    viewer = viewer_for(user)
    return (
        viewer.is_hr_admin
        or viewer.is_self(employee.pk)
        or viewer.manages(employee.reporting_path, employee.pk)
        or employee.department_id in viewer.hrbp_department_ids
    )


def _locked(plan: DevelopmentPlan, *, version: int | None = None) -> DevelopmentPlan:
    """The plan re-read under a row lock, its version checked."""
    locked = (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("employee")
        .get(pk=plan.pk)
    )
    if version is not None and version != locked.version:
        raise ValidationError({"version": STALE_MESSAGE})
    return locked


def _require_change(actor: User, plan: DevelopmentPlan) -> None:
    if not can_change_plan(actor, plan):
        raise PermissionDenied


def _require_editable(plan: DevelopmentPlan) -> None:
    if plan.status not in EDITABLE:
        raise ValidationError({"status": LOCKED_MESSAGES.get(plan.status, "Not editable.")})


def _bump(plan: DevelopmentPlan, *fields: str) -> None:
    plan.version += 1
    plan.save(update_fields=[*fields, "version", "updated_at"])


# --- the plan -------------------------------------------------------------------------------


def _validate_plan(plan: DevelopmentPlan) -> None:
    errors: dict[str, str] = {}
    plan.title = (plan.title or "").strip()
    if not plan.title:
        errors["title"] = "Give the plan a title."
    elif len(plan.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to at most {TITLE_MAX} characters."
    if not isinstance(plan.starts_on, dt.date):
        errors["starts_on"] = "Give the day the plan starts."
    if not isinstance(plan.ends_on, dt.date):
        errors["ends_on"] = "Give the day the plan ends."
    if not errors and plan.ends_on < plan.starts_on:
        errors["ends_on"] = "The plan must end on or after the day it starts."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_plan(
    *, actor: User, employee: Employee, title: str, starts_on: dt.date, ends_on: dt.date
) -> DevelopmentPlan:
    """Start a draft plan for `employee` (themself, their manager chain or HR)."""
    if not _can_work_on(actor, employee):
        raise PermissionDenied
    if employee.status == EmploymentStatus.TERMINATED:
        raise ValidationError({"employee": "This person has left: a plan cannot be started."})
    plan = DevelopmentPlan(
        employee=employee, title=title, starts_on=starts_on, ends_on=ends_on, created_by=actor
    )
    _validate_plan(plan)
    plan.save()
    audit.record(
        actor,
        "development_plan.create",
        plan,
        after=audit.snapshot(plan, ("employee", *PLAN_FIELDS, "status")),
    )
    return plan


@transaction.atomic
def update_plan(
    *, actor: User, plan: DevelopmentPlan, expected_version: int | None = None, **values: Any
) -> DevelopmentPlan:
    """Change the title or dates, while the plan is a draft or being reworked.
    With `expected_version`, a concurrent change is refused."""
    plan = _locked(plan, version=expected_version)
    _require_change(actor, plan)
    _require_editable(plan)
    before = audit.snapshot(plan, PLAN_FIELDS)
    assign_fields(plan, values, PLAN_FIELDS)
    _validate_plan(plan)
    old, new = audit.changed(before, audit.snapshot(plan, PLAN_FIELDS))
    if not new:
        return plan
    _bump(plan, *PLAN_FIELDS)
    audit.record(actor, "development_plan.update", plan, before=old, after=new)
    return plan


def _check_level(name: str, value: Any, top: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
        return f"Choose a level from 1 to {top}."
    return None


@transaction.atomic
def add_goal(
    *,
    actor: User,
    plan: DevelopmentPlan,
    competency: Competency | None = None,
    description: str = "",
    current_level: int | None = None,
    target_level: int | None = None,
) -> DevelopmentGoal:
    """Add a development goal. With a competency (one the employee's job
    profile expects, not already in the plan), an empty target is the job
    profile's expected level and an empty current level the latest review's
    rating, when there is one; without, the description says what to grow."""
    plan = _locked(plan)
    _require_change(actor, plan)
    _require_editable(plan)
    description = (description or "").strip()
    errors: dict[str, str] = {}
    top = MAX_FREE_LEVEL
    if competency is not None:
        sources = competency_sources(plan.employee)
        if competency.pk not in sources.expected:
            errors["competency"] = "Choose a competency the person's job profile expects."
        elif plan.goals.filter(competency=competency).exists():
            errors["competency"] = "This competency already has a goal in the plan."
        else:
            top = sources.top_levels.get(competency.framework_id) or MAX_FREE_LEVEL
            if target_level is None:
                target_level = sources.expected_level(competency.pk)
            if current_level is None:
                current_level = sources.review_level(competency.pk)
            description = description or f"Grow in {competency.name}"
    elif not description:
        errors["description"] = "Say what to develop, or choose a competency."
    for name, value in (("current_level", current_level), ("target_level", target_level)):
        problem = _check_level(name, value, top)
        if problem:
            errors[name] = problem
    if errors:
        raise ValidationError(errors)
    position = plan.goals.count()
    goal = DevelopmentGoal.objects.create(
        plan=plan,
        competency=competency,
        description=description,
        current_level=current_level,
        target_level=target_level,
        position=position,
    )
    _bump(plan)
    audit.record(actor, "development_plan.goal_add", goal, after=audit.snapshot(goal, GOAL_FIELDS))
    return goal


def _validate_action(action: DevelopmentAction) -> None:
    errors: dict[str, str] = {}
    action.title = (action.title or "").strip()
    if not action.title:
        errors["title"] = "Say what the action is."
    elif len(action.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to at most {TITLE_MAX} characters."
    if action.kind not in ActionKind.values:
        errors["kind"] = "Choose course, project, mentoring, reading or other."
    if action.status not in ActionStatus.values:
        errors["status"] = "Choose planned, in progress, done or dropped."
    if action.due_on is not None and not isinstance(action.due_on, dt.date):
        errors["due_on"] = "Give a date."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_action(
    *,
    actor: User,
    goal: DevelopmentGoal,
    kind: str,
    title: str,
    due_on: dt.date | None = None,
) -> DevelopmentAction:
    """Add an action (a course, a project, mentoring, reading…) to a goal."""
    plan = _locked(goal.plan)
    _require_change(actor, plan)
    _require_editable(plan)
    action = DevelopmentAction(goal=goal, kind=kind, title=title, due_on=due_on)
    _validate_action(action)
    action.save()
    _bump(plan)
    audit.record(
        actor, "development_plan.action_add", action, after=audit.snapshot(action, ACTION_FIELDS)
    )
    return action


@transaction.atomic
def update_action(*, actor: User, action: DevelopmentAction, **values: Any) -> DevelopmentAction:
    """Change an action. Its kind, title and due date change while the plan
    is a draft or being reworked; its status until the plan is completed.
    Done records the day (`completed_on`); any other status clears it."""
    plan = _locked(action.goal.plan)
    _require_change(actor, plan)
    action = DevelopmentAction.objects.select_for_update().get(pk=action.pk)
    if plan.status == DevelopmentPlanStatus.COMPLETED:
        raise ValidationError({"status": LOCKED_MESSAGES[DevelopmentPlanStatus.COMPLETED]})
    before = audit.snapshot(action, (*ACTION_FIELDS, "completed_on"))
    assign_fields(action, values, ACTION_FIELDS)
    details = audit.changed(
        {k: before[k] for k in ("kind", "title", "due_on")},
        audit.snapshot(action, ("kind", "title", "due_on")),
    )[1]
    if details:
        _require_editable(plan)
    _validate_action(action)
    if action.status == ActionStatus.DONE:
        action.completed_on = action.completed_on or timezone.localdate()
    else:
        action.completed_on = None
    old, new = audit.changed(before, audit.snapshot(action, (*ACTION_FIELDS, "completed_on")))
    if not new:
        return action
    action.save()
    _bump(plan)
    audit.record(actor, "development_plan.action_update", action, before=old, after=new)
    return action


# --- approval ---------------------------------------------------------------------------------


def _move(
    actor: User, plan: DevelopmentPlan, status: str, verb: str, **extra: Any
) -> DevelopmentPlan:
    before = {"status": plan.status}
    plan.status = status
    for name, value in extra.items():
        setattr(plan, name, value)
    _bump(plan, "status", *extra)
    audit.record(
        actor,
        f"development_plan.{verb}",
        plan,
        before=before,
        after={"status": status, **extra},
    )
    return plan


@transaction.atomic
def submit_plan(
    *, actor: User, plan: DevelopmentPlan, expected_version: int | None = None
) -> DevelopmentPlan:
    """Send a draft (or a reworked plan) to the manager chain for approval.
    A plan needs at least one goal, and every goal an action."""
    plan = _locked(plan, version=expected_version)
    _require_change(actor, plan)
    if plan.status not in EDITABLE:
        raise ValidationError({"status": "Only a draft or a plan being reworked can be submitted."})
    goals = list(plan.goals.all())
    if not goals:
        raise ValidationError({"goals": "Add at least one development goal before submitting."})
    with_actions = set(
        DevelopmentAction.objects.filter(goal__plan=plan).values_list("goal_id", flat=True)
    )
    bare = [g.description for g in goals if g.pk not in with_actions]
    if bare:
        raise ValidationError({"goals": f"Add an action to every goal first (“{bare[0][:60]}”)."})
    if plan.employee.manager_id is None:
        raise ValidationError({"status": "This person has no manager to approve the plan."})
    return _move(actor, plan, DevelopmentPlanStatus.SUBMITTED, "submit")


@transaction.atomic
def withdraw_plan(
    *, actor: User, plan: DevelopmentPlan, expected_version: int | None = None
) -> DevelopmentPlan:
    """Take a submitted plan back to draft to rework it."""
    plan = _locked(plan, version=expected_version)
    _require_change(actor, plan)
    if plan.status != DevelopmentPlanStatus.SUBMITTED:
        raise ValidationError({"status": "Only a plan waiting for approval can be withdrawn."})
    return _move(actor, plan, DevelopmentPlanStatus.DRAFT, "withdraw")


@transaction.atomic
def decide_plan(
    *,
    actor: User,
    plan: DevelopmentPlan,
    decision: Decision,
    comment: str = "",
    expected_version: int | None = None,
) -> DevelopmentPlan:
    """The manager chain approves a submitted plan or asks for changes (with
    a comment saying what to change). Nobody decides on their own plan."""
    plan = _locked(plan, version=expected_version)
    if not can_decide_plan(actor, plan):
        raise PermissionDenied
    if plan.status != DevelopmentPlanStatus.SUBMITTED:
        raise ValidationError({"status": "Only a plan waiting for approval can be decided on."})
    comment = (comment or "").strip()
    if decision == "request_changes":
        if not comment:
            raise ValidationError({"comment": "Say what should change in the plan."})
        _comment(actor, plan, comment)
        return _move(actor, plan, DevelopmentPlanStatus.CHANGES_REQUESTED, "request_changes")
    if decision != "approve":
        raise ValidationError({"decision": "Choose approve or request changes."})
    if comment:
        _comment(actor, plan, comment)
    return _move(
        actor,
        plan,
        DevelopmentPlanStatus.APPROVED,
        "approve",
        approved_by=actor,
        approved_at=timezone.now(),
    )


@transaction.atomic
def complete_plan(
    *, actor: User, plan: DevelopmentPlan, expected_version: int | None = None
) -> DevelopmentPlan:
    """Close an approved plan."""
    plan = _locked(plan, version=expected_version)
    _require_change(actor, plan)
    if plan.status != DevelopmentPlanStatus.APPROVED:
        raise ValidationError({"status": "Only an approved plan can be completed."})
    return _move(actor, plan, DevelopmentPlanStatus.COMPLETED, "complete")


def _comment(actor: User, plan: DevelopmentPlan, body: str) -> DevelopmentComment:
    entry = DevelopmentComment.objects.create(plan=plan, author=actor, body=body)
    audit.record(actor, "development_plan.comment", entry, after={"plan": plan.pk, "body": body})
    return entry


@transaction.atomic
def add_comment(*, actor: User, plan: DevelopmentPlan, body: str) -> DevelopmentComment:
    """A comment on the plan, by anyone who may change it or decide on it."""
    plan = _locked(plan)
    if not (can_change_plan(actor, plan) or can_decide_plan(actor, plan)):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment."})
    if len(body) > 10_000:
        raise ValidationError({"body": "Keep the comment to at most 10,000 characters."})
    return _comment(actor, plan, body)
