"""Improvement plans (PIPs): open and edit a draft and move it through its
states (pip_states). What is recorded while a plan runs — check-ins, the
employee's acknowledgement and comments — is in `services_pips_record`. A
PIP is a legal record: every write is one transaction with its audit row,
and the rules below are the only way in (pages, API, demo).

Who may do what:
- open a plan: a manager in the employee's chain, or an HR admin;
- run it (edit the draft, activate, extend, complete, cancel, record
  check-ins): the employee's manager chain, the plan's HR partner, HR admin;
- acknowledge it and comment on it: the employee alone, while it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import User
from cadence.core.notifications import Notice, notify
from cadence.core.permissions import viewer_for
from cadence.core.services import assign_fields
from cadence.development import pip_states
from cadence.development.models import (
    ImprovementPlan,
    PlanCheckIn,
    PlanExpectation,
    PlanOutcome,
    PlanState,
)
from cadence.people.models import Employee, EmploymentStatus

# What an edit of a draft may change (the employee and manager are fixed).
PLAN_FIELDS = (
    "hr_partner",
    "concerns",
    "support",
    "starts_on",
    "ends_on",
    "check_in_every_days",
)
EXPECTATION_FIELDS = ("description", "success_criterion", "due_on")
MIN_PLAN_DAYS = 14
MAX_PLAN_DAYS = 180
# An extended plan may run at most this long from its start.
MAX_EXTENDED_DAYS = 365
MAX_CHECK_IN_EVERY = 60
MAX_EXPECTATIONS = 20
MIN_CONCERNS = 20
STALE_MESSAGE = "This plan was changed by someone else. Reload it and try again."


@dataclass(frozen=True)
class ExpectationInput:
    """One expectation as a caller gives it; `id` names an existing one
    when editing a draft (without it, a new one is added)."""

    description: str
    success_criterion: str
    due_on: dt.date
    id: int | None = None


# --- who may do what --------------------------------------------------------------------------


def can_open_plan(user: User, employee: Employee) -> bool:
    """A manager above the employee, or an HR admin."""
    viewer = viewer_for(user)
    return viewer.is_hr_admin or viewer.manages(employee.reporting_path, employee.pk)


def can_run_plan(user: User, plan: ImprovementPlan) -> bool:
    """The employee's manager chain, the plan's HR partner and HR admin."""
    viewer = viewer_for(user)
    if viewer.user_id is None:
        return False
    if viewer.is_hr_admin or plan.hr_partner_id == viewer.user_id:
        return not viewer.is_self(plan.employee_id)
    return viewer.manages(plan.employee.reporting_path, plan.employee_id)


def is_plan_employee(user: User, plan: ImprovementPlan) -> bool:
    return viewer_for(user).is_self(plan.employee_id)


def can_acknowledge(user: User, plan: ImprovementPlan) -> bool:
    """The employee, while the plan runs, if not yet acknowledged."""
    return (
        is_plan_employee(user, plan)
        and plan.state in pip_states.RUNNING
        and plan.acknowledged_at is None
    )


def partner_problem(partner: User | None, employee: Employee) -> str | None:
    """Why `partner` cannot be the HR partner of a plan for `employee`."""
    department = employee.department.name if employee.department else "their department"
    message = (
        f"Choose an HR partner who is an HR admin or the HR business partner for {department}."
    )
    if partner is None or not partner.is_active:
        return message
    viewer = viewer_for(partner)
    if viewer.is_self(employee.pk):
        return "The employee cannot be the HR partner of their own plan."
    if viewer.is_hr_admin or employee.department_id in viewer.hrbp_department_ids:
        return None
    return message


# --- checks shared by open and edit -----------------------------------------------------------


def normalised(text: str) -> str:
    """`text` with its white space folded to single spaces."""
    return " ".join(text.split())


def _check_terms(plan: ImprovementPlan) -> dict[str, str]:
    """{field: message} for the plan's own fields."""
    problems: dict[str, str] = {}
    if len(normalised(plan.concerns)) < MIN_CONCERNS:
        problems["concerns"] = (
            "Describe the specific performance concerns, with examples "
            f"(at least {MIN_CONCERNS} characters)."
        )
    if plan.starts_on and plan.ends_on:
        length = (plan.ends_on - plan.starts_on).days
        if length < 0:
            problems["ends_on"] = "The plan must end after it starts."
        elif length < MIN_PLAN_DAYS:
            problems["ends_on"] = f"A plan runs at least {MIN_PLAN_DAYS} days."
        elif length > MAX_PLAN_DAYS:
            problems["ends_on"] = f"A plan runs at most {MAX_PLAN_DAYS} days; extend it later."
    every = plan.check_in_every_days
    if not 1 <= every <= MAX_CHECK_IN_EVERY:
        problems["check_in_every_days"] = (
            f"Check in every 1 to {MAX_CHECK_IN_EVERY} days (e.g. 7 for weekly)."
        )
    partner = plan.hr_partner if plan.hr_partner_id else None
    problem = partner_problem(partner, plan.employee)
    if problem:
        problems["hr_partner"] = problem
    return problems


def _check_expectations(
    plan: ImprovementPlan, expectations: Sequence[ExpectationInput]
) -> dict[str, str]:
    """{"expectations.<n>.<field>": message}, n counting from 0."""
    problems: dict[str, str] = {}
    if len(expectations) > MAX_EXPECTATIONS:
        problems["expectations"] = f"A plan has at most {MAX_EXPECTATIONS} expectations."
    for n, item in enumerate(expectations):
        where = f"expectations.{n}"
        if not item.description.strip():
            problems[f"{where}.description"] = "Say what is expected."
        if not item.success_criterion.strip():
            problems[f"{where}.success_criterion"] = "Say how success will be measured."
        if item.due_on is None:
            problems[f"{where}.due_on"] = "Give a due date."
        elif plan.starts_on and plan.ends_on and not plan.starts_on <= item.due_on <= plan.ends_on:
            problems[f"{where}.due_on"] = (
                f"The due date must be within the plan ({plan.starts_on:%-d %b %Y} to "
                f"{plan.ends_on:%-d %b %Y})."
            )
    return problems


def raise_problems(problems: dict[str, str]) -> None:
    """ValidationError with every {field: message}, if there is any."""
    if problems:
        raise ValidationError(problems)


def _expectations_snapshot(plan: ImprovementPlan) -> list[dict[str, Any]]:
    return [
        {
            "id": e.pk,
            "description": e.description,
            "success_criterion": e.success_criterion,
            "due_on": e.due_on.isoformat(),
        }
        for e in plan.expectations.order_by("position", "id")
    ]


def _save_expectations(plan: ImprovementPlan, expectations: Sequence[ExpectationInput]) -> None:
    """Make the plan's expectations exactly `expectations`, in that order:
    update those named by id, add the rest, delete the ones left out."""
    existing = {e.pk: e for e in plan.expectations.all()}
    unknown = [i.id for i in expectations if i.id is not None and i.id not in existing]
    if unknown:
        raise ValidationError({"expectations": f"No expectation {unknown[0]} on this plan."})
    kept = {i.id for i in expectations if i.id is not None}
    PlanExpectation.objects.filter(plan=plan).exclude(pk__in=kept).delete()
    changed: list[PlanExpectation] = []
    added: list[PlanExpectation] = []
    for position, item in enumerate(expectations):
        row = existing[item.id] if item.id is not None else PlanExpectation(plan=plan)
        row.description = item.description.strip()
        row.success_criterion = item.success_criterion.strip()
        row.due_on = item.due_on
        row.position = position
        (changed if item.id is not None else added).append(row)
    PlanExpectation.objects.bulk_update(changed, [*EXPECTATION_FIELDS, "position"])
    PlanExpectation.objects.bulk_create(added)


def locked_plan(plan: ImprovementPlan) -> ImprovementPlan:
    """The plan re-read and locked for a write, with what the rules read."""
    return (
        ImprovementPlan.objects.select_for_update(of=("self",))
        .select_related("employee", "employee__department", "hr_partner")
        .get(pk=plan.pk)
    )


def _check_version(plan: ImprovementPlan, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != plan.version:
        raise ValidationError({"version": STALE_MESSAGE})


def _plan_url(plan: ImprovementPlan) -> str:
    return reverse("development:pip_detail", args=[plan.pk])


# --- open and edit a draft --------------------------------------------------------------------


@transaction.atomic
def open_plan(
    *,
    actor: User,
    employee: Employee,
    hr_partner: User | None,
    concerns: str,
    starts_on: dt.date,
    ends_on: dt.date,
    support: str = "",
    check_in_every_days: int = 14,
    expectations: Sequence[ExpectationInput] = (),
) -> ImprovementPlan:
    """Open a draft plan for `employee`, with its expectations. The draft is
    hidden from the employee until it is activated."""
    if not can_open_plan(actor, employee):
        raise PermissionDenied
    if employee.status == EmploymentStatus.TERMINATED:
        raise ValidationError({"employee": f"{employee.full_name} no longer works here."})
    viewer = viewer_for(actor)
    if viewer.manages(employee.reporting_path, employee.pk):
        manager_id = viewer.employee_id
    else:  # an HR admin outside the chain opens it on behalf of the line manager
        manager_id = employee.manager_id
    if manager_id is None:
        raise ValidationError(
            {"employee": f"{employee.full_name} has no manager to run the plan with."}
        )
    if ImprovementPlan.objects.filter(
        employee=employee, state__in=[PlanState.DRAFT, *pip_states.RUNNING]
    ).exists():
        raise ValidationError(
            {"employee": f"{employee.full_name} already has an open improvement plan."}
        )
    plan = ImprovementPlan(
        employee=employee,
        manager_id=manager_id,
        hr_partner=hr_partner,
        concerns=concerns.strip(),
        support=support.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        check_in_every_days=check_in_every_days,
        created_by=actor,
    )
    raise_problems({**_check_terms(plan), **_check_expectations(plan, expectations)})
    plan.save()
    _save_expectations(plan, expectations)
    audit.record(
        actor,
        "pip.open",
        plan,
        after={
            **audit.snapshot(plan, ("employee", "manager", *PLAN_FIELDS)),
            "expectations": _expectations_snapshot(plan),
        },
    )
    return plan


@transaction.atomic
def update_plan(
    *,
    actor: User,
    plan: ImprovementPlan,
    expected_version: int | None = None,
    expectations: Sequence[ExpectationInput] | None = None,
    **values: Any,
) -> ImprovementPlan:
    """Change a draft's terms and (when given) replace its expectations.
    Only a draft can be edited: once active, the plan is what the employee
    was given."""
    plan = locked_plan(plan)
    if not can_run_plan(actor, plan):
        raise PermissionDenied
    _check_version(plan, expected_version)
    if plan.state != PlanState.DRAFT:
        raise ValidationError(
            {
                "state": f"This plan is {plan.get_state_display().lower()}; only a draft can be "
                "edited. Extend, complete or cancel it instead."
            }
        )
    before = {
        **audit.snapshot(plan, PLAN_FIELDS),
        "expectations": _expectations_snapshot(plan),
    }
    assign_fields(plan, values, PLAN_FIELDS)
    if isinstance(values.get("concerns"), str):
        plan.concerns = values["concerns"].strip()
    if isinstance(values.get("support"), str):
        plan.support = values["support"].strip()
    if expectations is None:
        current = [
            ExpectationInput(e.description, e.success_criterion, e.due_on, e.pk)
            for e in plan.expectations.all()
        ]
        # Moving the dates must keep the existing expectations inside them.
        raise_problems({**_check_terms(plan), **_check_expectations(plan, current)})
    else:
        raise_problems({**_check_terms(plan), **_check_expectations(plan, expectations)})
        _save_expectations(plan, expectations)
    after = {**audit.snapshot(plan, PLAN_FIELDS), "expectations": _expectations_snapshot(plan)}
    old, new = audit.changed(before, after)
    if not new:
        return plan
    plan.version += 1
    plan.save()
    audit.record(actor, "pip.update", plan, before=old, after=new)
    return plan


# --- transitions ------------------------------------------------------------------------------


def check_in_days(starts_on: dt.date, ends_on: dt.date, every: int) -> list[dt.date]:
    """The check-in schedule: every `every` days after `starts_on` up to
    `ends_on`, and a closing check-in on `ends_on` itself."""
    days = []
    day = starts_on + dt.timedelta(days=every)
    while day < ends_on:
        days.append(day)
        day += dt.timedelta(days=every)
    days.append(ends_on)
    return days


def _schedule(plan: ImprovementPlan, days: Sequence[dt.date]) -> None:
    # ignore_conflicts: a day that already has a check-in keeps it (one per day).
    PlanCheckIn.objects.bulk_create(
        [PlanCheckIn(plan=plan, scheduled_on=day) for day in days], ignore_conflicts=True
    )


def _begin_move(
    actor: User, plan: ImprovementPlan, to: PlanState, expected_version: int | None
) -> tuple[ImprovementPlan, dict[str, Any]]:
    """The locked plan after the permission, version and state checks, and
    its state fields before the move."""
    plan = locked_plan(plan)
    if not can_run_plan(actor, plan):
        raise PermissionDenied
    _check_version(plan, expected_version)
    pip_states.check_move(plan.state, to)
    return plan, audit.snapshot(plan, _STATE_FIELDS)


_STATE_FIELDS = (
    "state",
    "ends_on",
    "original_ends_on",
    "extended_reason",
    "outcome",
    "outcome_summary",
    "cancel_reason",
    "activated_at",
    "closed_at",
)


def _finish_move(
    actor: User, plan: ImprovementPlan, action: str, before: dict[str, Any], **extra: Any
) -> ImprovementPlan:
    plan.version += 1
    plan.save()
    old, new = audit.changed(before, audit.snapshot(plan, _STATE_FIELDS))
    audit.record(actor, f"pip.{action}", plan, before=old, after={**new, **extra})
    return plan


def _tell_employee(plan: ImprovementPlan, kind: str, key: str, title: str, body: str) -> None:
    notify([Notice(plan.employee_id, kind, key, title, body, _plan_url(plan))])


@transaction.atomic
def activate(
    *, actor: User, plan: ImprovementPlan, expected_version: int | None = None
) -> ImprovementPlan:
    """Start the plan: the employee can now read it, the check-in schedule
    is generated and the employee is asked to acknowledge it."""
    plan, before = _begin_move(actor, plan, PlanState.ACTIVE, expected_version)
    expectations = [
        ExpectationInput(e.description, e.success_criterion, e.due_on, e.pk)
        for e in plan.expectations.all()
    ]
    if not expectations:
        raise ValidationError(
            {"expectations": "Add at least one expectation before activating the plan."}
        )
    raise_problems({**_check_terms(plan), **_check_expectations(plan, expectations)})
    plan.state = PlanState.ACTIVE
    plan.activated_at = timezone.now()
    plan.original_ends_on = plan.ends_on
    days = check_in_days(plan.starts_on, plan.ends_on, plan.check_in_every_days)
    _schedule(plan, days)
    _finish_move(actor, plan, "activate", before, check_ins=[d.isoformat() for d in days])
    _tell_employee(
        plan,
        "pip.activated",
        f"pip.activated:{plan.pk}",
        "An improvement plan has been opened with you",
        f"Please read it and acknowledge it. It runs from {plan.starts_on:%-d %b %Y} to "
        f"{plan.ends_on:%-d %b %Y}.",
    )
    return plan


@transaction.atomic
def extend(
    *,
    actor: User,
    plan: ImprovementPlan,
    ends_on: dt.date | None,
    reason: str,
    expected_version: int | None = None,
) -> ImprovementPlan:
    """Move the end date later, with a reason; check-ins continue on the
    same rhythm up to the new end."""
    plan, before = _begin_move(actor, plan, PlanState.EXTENDED, expected_version)
    problems: dict[str, str] = {}
    if ends_on is None or ends_on <= plan.ends_on:
        problems["ends_on"] = f"The new end date must be after {plan.ends_on:%-d %b %Y}."
    elif (ends_on - plan.starts_on).days > MAX_EXTENDED_DAYS:
        problems["ends_on"] = f"A plan runs at most {MAX_EXTENDED_DAYS} days in all."
    if not reason.strip():
        problems["reason"] = "Say why the plan is extended."
    raise_problems(problems)
    assert ends_on is not None
    old_end = plan.ends_on
    entry = f"{timezone.localdate():%-d %b %Y}, to {ends_on:%-d %b %Y}: {reason.strip()}"
    # Each extension is kept: the reasons accumulate, newest last.
    plan.extended_reason = f"{plan.extended_reason}\n\n{entry}".strip()
    plan.ends_on = ends_on
    plan.state = PlanState.EXTENDED
    days = check_in_days(old_end, ends_on, plan.check_in_every_days)
    _schedule(plan, days)
    _finish_move(actor, plan, "extend", before, check_ins=[d.isoformat() for d in days])
    _tell_employee(
        plan,
        "pip.extended",
        f"pip.extended:{plan.pk}:{ends_on.isoformat()}",
        "Your improvement plan has been extended",
        f"It now ends on {ends_on:%-d %b %Y}. Reason: {reason.strip()}",
    )
    return plan


@transaction.atomic
def complete(
    *,
    actor: User,
    plan: ImprovementPlan,
    outcome: str,
    summary: str,
    expected_version: int | None = None,
) -> ImprovementPlan:
    """Close the plan with its outcome (successful or unsuccessful) and a
    summary of how it went."""
    plan, before = _begin_move(actor, plan, PlanState.COMPLETED, expected_version)
    problems: dict[str, str] = {}
    if outcome not in PlanOutcome.values:
        problems["outcome"] = "Choose the outcome: successful or unsuccessful."
    if not summary.strip():
        problems["summary"] = "Summarise the outcome: what was met and what was not."
    raise_problems(problems)
    plan.state = PlanState.COMPLETED
    plan.outcome = outcome
    plan.outcome_summary = summary.strip()
    plan.closed_at = timezone.now()
    _finish_move(actor, plan, "complete", before)
    _tell_employee(
        plan,
        "pip.completed",
        f"pip.completed:{plan.pk}",
        "Your improvement plan is complete",
        f"Outcome: {PlanOutcome(outcome).label.lower()}.",
    )
    return plan


@transaction.atomic
def cancel(
    *, actor: User, plan: ImprovementPlan, reason: str, expected_version: int | None = None
) -> ImprovementPlan:
    """Withdraw the plan, with a reason. A cancelled plan stays on record."""
    plan, before = _begin_move(actor, plan, PlanState.CANCELLED, expected_version)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan is cancelled."})
    was_draft = plan.state == PlanState.DRAFT
    plan.state = PlanState.CANCELLED
    plan.cancel_reason = reason.strip()
    plan.closed_at = timezone.now()
    _finish_move(actor, plan, "cancel", before)
    if not was_draft:  # the employee never saw a draft
        _tell_employee(
            plan,
            "pip.cancelled",
            f"pip.cancelled:{plan.pk}",
            "Your improvement plan has been cancelled",
            reason.strip(),
        )
    return plan


@transaction.atomic
def transition(
    *,
    actor: User,
    plan: ImprovementPlan,
    to: str,
    expected_version: int | None = None,
    ends_on: dt.date | None = None,
    reason: str = "",
    outcome: str = "",
    summary: str = "",
) -> ImprovementPlan:
    """Move the plan to the state `to` with what that move needs (see
    pip_states.MOVES): the one entry point of the pages and the API."""
    locked = locked_plan(plan)
    if not can_run_plan(actor, locked):
        raise PermissionDenied
    if to not in PlanState.values:
        raise ValidationError(
            {"to": f"Unknown state {to!r}: use one of {', '.join(PlanState.values)}."}
        )
    move = pip_states.check_move(locked.state, to)
    common: dict[str, Any] = {"actor": actor, "plan": locked, "expected_version": expected_version}
    if move is pip_states.ACTIVATE:
        return activate(**common)
    if move is pip_states.EXTEND:
        return extend(**common, ends_on=ends_on, reason=reason)
    if move is pip_states.COMPLETE:
        return complete(**common, outcome=outcome, summary=summary)
    return cancel(**common, reason=reason)
