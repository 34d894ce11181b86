"""Writes that design and run a review cycle: create and change it while it
is a draft, set its phase deadlines, launch it (the bulk work runs in a
task, see services_cycles_launch.py), move it forward a stage, and create peer
assignments for approved nominations. The controlled changes to a running
cycle are in services_cycles_changes.py.

One transaction per call (the launch commits a batch at a time, so its
progress is visible and a crash resumes where it stopped), permission
checked here, every write audited with its before and after values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core import audit
from cadence.core.models import User
from cadence.core.services import assign_fields
from cadence.jobs.models import JobLevel
from cadence.people.models import Department, Employee, Location
from cadence.reviews import participants
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.models import (
    STAGE_ORDER,
    Cycle,
    CycleParticipant,
    CyclePhase,
    ParticipantStatus,
    PhaseKind,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from cadence.reviews.services_cycles_launch import bulk_assign

if TYPE_CHECKING:
    from django_tasks.base import TaskResult

DESIGN_FIELDS = (
    "template",
    "goal_period",
    "rule_department_ids",
    "rule_location_ids",
    "rule_job_level_ids",
    "rule_hired_before",
    "rule_include_on_leave",
    "included_employee_ids",
    "excluded_employee_ids",
    "include_self",
    "include_manager",
    "include_peer",
    "include_upward",
    "peers_min",
    "peers_max",
    "peer_nominator",
    "peers_need_approval",
    "peer_anonymous",
    "upward_anonymous",
    "min_group_size",
)
CYCLE_FIELDS = ("name", *DESIGN_FIELDS)
ID_LIST_FIELDS: dict[str, tuple[Any, str]] = {
    "rule_department_ids": (Department, "department"),
    "rule_location_ids": (Location, "location"),
    "rule_job_level_ids": (JobLevel, "job level"),
    "included_employee_ids": (Employee, "employee"),
    "excluded_employee_ids": (Employee, "employee"),
}
PHASE_ORDER: tuple[str, ...] = tuple(PhaseKind.values)
# The stages a running cycle may be moved to by hand (not back to draft).
RUNNING_STAGES: tuple[str, ...] = STAGE_ORDER[STAGE_ORDER.index(Stage.SELF_REVIEW) :]
STALE_MESSAGE = "This cycle was changed by someone else. Reload it and try again."


def check_can_manage(actor: User) -> None:
    """Designing, launching and changing cycles is the HR admin's job."""
    if not can_manage_cycles(actor):
        raise PermissionDenied


# --- design ------------------------------------------------------------------------


def _id_list(name: str, value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError({name: "Give a list of ids."})
    ids: set[int] = set()
    for item in value:
        item_id = getattr(item, "pk", item)
        if isinstance(item_id, bool) or not isinstance(item_id, int) or item_id < 1:
            raise ValidationError({name: "Give a list of ids."})
        ids.add(item_id)
    return sorted(ids)


def _validate_cycle(cycle: Cycle, *, template_changed: bool) -> None:
    """Field rules the model cannot express, all reported at once. An
    archived template is refused when chosen, not when a draft that
    already has it is renamed."""
    for name in ID_LIST_FIELDS:
        setattr(cycle, name, _id_list(name, getattr(cycle, name)))
    # The model's check constraints are checked below, with messages people read.
    cycle.full_clean(
        exclude=["created_by", "version", "launch_task_id"], validate_constraints=False
    )
    errors: dict[str, str] = {}
    if cycle.peers_min > cycle.peers_max:
        errors["peers_max"] = "The most peers per reviewee must be at least the fewest."
    if template_changed and cycle.template.is_archived:
        errors["template"] = "This template is archived: choose a current one."
    kinds = (cycle.include_self, cycle.include_manager, cycle.include_peer, cycle.include_upward)
    if not any(kinds):
        errors["include_self"] = "Choose at least one kind of review."
    for name, (model, label) in ID_LIST_FIELDS.items():
        ids = getattr(cycle, name)
        if not ids:
            continue
        found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            errors[name] = f"There is no {label} with id {', '.join(missing[:10])}."
    both = set(cycle.included_employee_ids) & set(cycle.excluded_employee_ids)
    if both and "excluded_employee_ids" not in errors:
        errors["excluded_employee_ids"] = "Nobody can be both included and excluded."
    if errors:
        raise ValidationError(errors)


PhaseInput = Mapping[str, Any]


def _phase_values(phases: Iterable[PhaseInput]) -> dict[str, tuple[dt.date | None, dt.date]]:
    """{kind: (opens_on, due_on)}, checked: known kinds, once each, opening
    no later than due, and due dates in lifecycle order."""
    values: dict[str, tuple[dt.date | None, dt.date]] = {}
    for phase in phases:
        kind = str(phase.get("kind", ""))
        if kind not in PHASE_ORDER:
            raise ValidationError({"phases": f"There is no phase called “{kind}”."})
        if kind in values:
            label = PhaseKind(kind).label
            raise ValidationError({"phases": f"{label} has more than one deadline."})
        opens_on, due_on = phase.get("opens_on"), phase.get("due_on")
        if not isinstance(due_on, dt.date):
            raise ValidationError({"phases": f"{PhaseKind(kind).label} needs a due date."})
        if opens_on is not None and opens_on > due_on:
            raise ValidationError(
                {"phases": f"{PhaseKind(kind).label} must open on or before its due date."}
            )
        values[kind] = (opens_on, due_on)
    ordered = [(k, values[k][1]) for k in PHASE_ORDER if k in values]
    for (earlier, earlier_due), (later, later_due) in pairwise(ordered):
        if later_due < earlier_due:
            raise ValidationError(
                {
                    "phases": f"{PhaseKind(later).label} is due before {PhaseKind(earlier).label}: "
                    "phases are due in the order of the cycle."
                }
            )
    return values


def _phase_map(cycle: Cycle) -> dict[str, list[str | None]]:
    return {
        p.kind: [p.opens_on.isoformat() if p.opens_on else None, p.due_on.isoformat()]
        for p in cycle.phases.order_by("pk")
    }


def _replace_phases(cycle: Cycle, phases: Iterable[PhaseInput]) -> tuple[dict, dict]:
    """Make the cycle's phases exactly `phases`. On a running cycle only new
    phases may be added: existing deadlines move by `extend_deadline`.
    Returns the (before, after) of what changed."""
    values = _phase_values(phases)
    existing = {p.kind: p for p in cycle.phases.all()}
    if cycle.stage != Stage.DRAFT:
        for kind, phase in existing.items():
            if values.get(kind) != (phase.opens_on, phase.due_on):
                raise ValidationError(
                    {
                        "phases": f"The cycle has been launched: extend {phase.get_kind_display()} "
                        "instead of changing or removing it."
                    }
                )
    before = _phase_map(cycle)
    stale = [p.pk for kind, p in existing.items() if kind not in values]
    if stale:
        CyclePhase.objects.filter(pk__in=stale).delete()
    for kind, (opens_on, due_on) in values.items():
        current = existing.get(kind)
        if current is None:
            CyclePhase.objects.create(cycle=cycle, kind=kind, opens_on=opens_on, due_on=due_on)
        elif (current.opens_on, current.due_on) != (opens_on, due_on):
            current.opens_on, current.due_on = opens_on, due_on
            current.save(update_fields=["opens_on", "due_on"])
    after = _phase_map(cycle)
    # Removed phases count as changes too (audit.changed only sees keys in `after`).
    keys = [k for k in PHASE_ORDER if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@transaction.atomic
def create_cycle(
    *, actor: User, phases: Iterable[PhaseInput] | None = None, **values: Any
) -> Cycle:
    """Design a new cycle (HR admin): name, template, goal period, who takes
    part, which reviews, the peer and anonymity settings and, optionally,
    the phase deadlines. It starts as a draft."""
    check_can_manage(actor)
    cycle = Cycle(created_by=actor)
    assign_fields(cycle, values, CYCLE_FIELDS)
    _validate_cycle(cycle, template_changed=True)
    cycle.save()
    after = audit.snapshot(cycle, CYCLE_FIELDS)
    if phases is not None:
        after["phases"] = _replace_phases(cycle, phases)[1]
    audit.record(actor, "review_cycle.create", cycle, after=after)
    return cycle


@transaction.atomic
def update_cycle(
    *,
    actor: User,
    cycle: Cycle,
    expected_version: int | None = None,
    phases: Iterable[PhaseInput] | None = None,
    **values: Any,
) -> Cycle:
    """Change a cycle (HR admin). Its name can always change; the template,
    rules and settings only while it is a draft (people were promised them
    at launch). With `expected_version`, a concurrent edit is refused.
    `phases`, when given, replaces the deadlines (see set_phase_deadlines)."""
    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().select_related("template").get(pk=cycle.pk)
    if expected_version is not None and expected_version != cycle.version:
        raise ValidationError({"version": STALE_MESSAGE})
    before = audit.snapshot(cycle, CYCLE_FIELDS)
    template_before = cycle.template_id
    assign_fields(cycle, values, CYCLE_FIELDS)
    _validate_cycle(cycle, template_changed=cycle.template_id != template_before)
    old, new = audit.changed(before, audit.snapshot(cycle, CYCLE_FIELDS))
    locked = sorted(set(new) - {"name"})
    if locked and cycle.stage != Stage.DRAFT:
        raise ValidationError(
            dict.fromkeys(locked, "The cycle has been launched: this can no longer change.")
        )
    if phases is not None:
        old_phases, new_phases = _replace_phases(cycle, phases)
        if new_phases or old_phases:
            old["phases"], new["phases"] = old_phases, new_phases
    if not new and not old:
        return cycle
    cycle.version += 1
    cycle.save()
    audit.record(actor, "review_cycle.update", cycle, before=old, after=new)
    return cycle


@transaction.atomic
def set_phase_deadlines(
    *, actor: User, cycle: Cycle, phases: Iterable[PhaseInput]
) -> list[CyclePhase]:
    """Set the cycle's phases and deadlines: [{kind, opens_on, due_on}],
    due dates in lifecycle order (self review, peer nomination, peer and
    upward review, manager review, calibration, release,
    acknowledgement). Phases left out are removed while the cycle is a
    draft; once it runs, phases can only be added (use extend_deadline to
    move one)."""
    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == Stage.CLOSED:
        raise ValidationError({"stage": "The cycle is closed."})
    old, new = _replace_phases(cycle, phases)
    if old or new:
        cycle.version += 1
        cycle.save(update_fields=["version", "updated_at"])
        audit.record(actor, "review_cycle.phases", cycle, before=old, after=new)
    return list(cycle.phases.all())


# --- launch --------------------------------------------------------------------------


def required_phases(cycle: Cycle) -> list[str]:
    """The phases a launch needs a deadline for: one per kind of review the
    cycle includes (calibration, release and acknowledgement can be set
    later)."""
    needed = []
    if cycle.include_self:
        needed.append(PhaseKind.SELF_REVIEW.value)
    if cycle.include_peer:
        needed.append(PhaseKind.PEER_NOMINATION.value)
    if cycle.include_peer or cycle.include_upward:
        needed.append(PhaseKind.PEER_REVIEW.value)
    if cycle.include_manager:
        needed.append(PhaseKind.MANAGER_REVIEW.value)
    return needed


def launch_problems(cycle: Cycle, preview: participants.LaunchPreview) -> dict[str, str]:
    """Why the cycle cannot launch yet, by field (empty: it can)."""
    problems: dict[str, str] = {}
    if cycle.stage not in (Stage.DRAFT, Stage.LAUNCHING):
        problems["stage"] = "This cycle has already been launched."
        return problems
    if cycle.template.is_archived:
        problems["template"] = "The template is archived: choose a current one."
    have = set(cycle.phases.values_list("kind", flat=True))
    missing = [PhaseKind(k).label for k in required_phases(cycle) if k not in have]
    if missing:
        problems["phases"] = f"Set a deadline for: {', '.join(missing)}."
    if preview.in_count == 0:
        problems["participants"] = "Nobody is taking part: widen the rules or include people."
    return problems


@transaction.atomic
def launch_cycle(*, actor: User, cycle: Cycle) -> TaskResult[dict[str, Any]]:
    """Launch a draft cycle (HR admin): it moves to `launching` and a task
    creates the participants and their self, manager and upward
    assignments (see services_cycles_launch.perform_launch); returns the queued task. Launching a
    cycle that is still `launching` (a worker died) queues the task again:
    it creates nothing twice."""
    from cadence.reviews.tasks import run_cycle_launch

    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().select_related("template").get(pk=cycle.pk)
    preview = participants.preview(cycle)
    problems = launch_problems(cycle, preview)
    if problems:
        raise ValidationError(problems)
    before = {"stage": cycle.stage}
    cycle.stage = Stage.LAUNCHING
    cycle.launch_total = preview.in_count
    cycle.launch_done = 0
    cycle.save(update_fields=["stage", "launch_total", "launch_done", "updated_at"])
    audit.record(
        actor,
        "review_cycle.launch",
        cycle,
        before=before,
        after={"stage": cycle.stage, "participants": preview.in_count},
    )
    result = run_cycle_launch.enqueue(cycle.pk, actor.pk)
    # An update, not a save: with the immediate backend the task has already
    # moved the stage on, and this copy of the row would move it back.
    Cycle.objects.filter(pk=cycle.pk).update(launch_task_id=str(result.id))
    return result


# --- running ---------------------------------------------------------------------------


@transaction.atomic
def advance_stage(*, actor: User, cycle: Cycle, to: str, reason: str = "") -> Cycle:
    """Move a launched cycle forward to a later stage (HR admin). Stages may
    be skipped, never gone back to; a draft moves by launching."""
    check_can_manage(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage not in RUNNING_STAGES:
        raise ValidationError({"stage": "Launch the cycle first."})
    if to not in RUNNING_STAGES or STAGE_ORDER.index(to) <= STAGE_ORDER.index(cycle.stage):
        raise ValidationError({"to": "A cycle only moves forward: choose a later stage."})
    before = {"stage": cycle.stage}
    cycle.stage = to
    cycle.version += 1
    cycle.save(update_fields=["stage", "version", "updated_at"])
    audit.record(
        actor,
        "review_cycle.stage",
        cycle,
        before=before,
        after={"stage": to, "reason": reason.strip()},
    )
    return cycle


def _id(person: Employee | int) -> int:
    return person if isinstance(person, int) else person.pk


def _live_peer_count(cycle: Cycle) -> int:
    return (
        ReviewAssignment.objects.filter(cycle=cycle, kind=ReviewerKind.PEER)
        .exclude(status="cancelled")
        .count()
    )


@transaction.atomic
def create_peer_assignments(
    *,
    actor: User | None = None,
    cycle: Cycle,
    pairs: Iterable[tuple[Employee | int, Employee | int]],
) -> int:
    """Peer assignments for approved nominations, as (reviewer, reviewee)
    pairs, in bulk. For the nomination service, which checks who may
    approve: this only checks the pairs. Idempotent: a pair with a live
    peer assignment is skipped. Every reviewee must be taking part, and
    nobody reviews themself. One audit row with the count when an actor is
    given. Returns how many were created."""
    if cycle.stage not in RUNNING_STAGES or cycle.stage in (Stage.RELEASED, Stage.CLOSED):
        raise ValidationError({"stage": "Peer reviews are added only while the cycle runs."})
    rows: set[tuple[int, int]] = {(_id(r), _id(e)) for r, e in pairs}
    if any(reviewer == reviewee for reviewer, reviewee in rows):
        raise ValidationError({"pairs": "Nobody reviews themself as a peer."})
    reviewees = {reviewee for _, reviewee in rows}
    taking_part = set(
        CycleParticipant.objects.filter(
            cycle=cycle, status=ParticipantStatus.ACTIVE, employee_id__in=reviewees
        ).values_list("employee_id", flat=True)
    )
    if reviewees - taking_part:
        raise ValidationError({"pairs": "Every reviewee must be taking part in the cycle."})
    before = _live_peer_count(cycle)
    bulk_assign(cycle, ((r, e, ReviewerKind.PEER.value) for r, e in sorted(rows)))
    created = _live_peer_count(cycle) - before
    if actor is not None and created:
        audit.record(actor, "review_cycle.peer_assignments", cycle, after={"created": created})
    return created
