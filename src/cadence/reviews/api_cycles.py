"""/api/v1 endpoints of the reviews app for cycles; mounted by reviews/api.py.

Design (create, change, deadlines), launch preview and launch (202: the
work runs in a task; poll the cycle for progress), stage moves, monitoring,
and the controlled changes to a running cycle. Thin: visibility comes from
`visible_to`, rules from the services. A cycle or assignment the caller
may not see answers 404; one they may see but not change, 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from cadence.api.errors import DETAIL_ERRORS, READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, responses
from cadence.api.fields import MAX_ID
from cadence.api.pagination import Page, PageParams, paginate
from cadence.api.related import resolve_related
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals.models import GoalPeriod
from cadence.people.models import Employee
from cadence.reviews import participants, selectors_cycles, services_cycles
from cadence.reviews import services_cycles_changes as changes
from cadence.reviews.access import can_manage_cycles
from cadence.reviews.models import (
    Cycle,
    CycleParticipant,
    CyclePhase,
    PhaseKind,
    ReviewAssignment,
    ReviewTemplate,
)
from cadence.reviews.schemas_cycles import (
    CycleAssignmentOut,
    CycleCompletionOut,
    CycleCreate,
    CycleExtendIn,
    CycleFilters,
    CycleLaunchStarted,
    CycleOut,
    CycleParticipantIn,
    CycleParticipantOut,
    CyclePatch,
    CyclePhaseOut,
    CyclePreviewOut,
    CyclePreviewParams,
    CycleReasonIn,
    CycleReasonParams,
    CycleReplaceReviewerIn,
    CycleStageIn,
    assignment_out,
    completion_row,
    cycle_out,
    participant_out,
    phase_out,
    phase_status_out,
)

router = Router(tags=["reviews"])

# Reads and writes on a cycle that exists: 404 when it is not visible, 403
# when it is visible but not the caller's to read this way or change.
MANAGE_READ_ERRORS = responses(401, 403, 404, 422)
CHANGE_ERRORS = responses(400, 401, 403, 404, 422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    """The cycle, or 404 when the caller may not see it."""
    if not 0 < cycle_id <= MAX_ID:
        raise Http404
    return selectors_cycles.get_visible_cycle(_user(request), cycle_id)


def _managed_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    """The cycle when the caller manages cycles: 404 if they may not see
    it, 403 if they may see it but not manage it."""
    cycle = _cycle(request, cycle_id)
    services_cycles.check_can_manage(_user(request))
    return cycle


def _assignment(request: HttpRequest, assignment_id: int) -> ReviewAssignment:
    if not 0 < assignment_id <= MAX_ID:
        raise Http404
    return ReviewAssignment.objects.visible_to(_user(request)).get(pk=assignment_id)


def _cycle_json(user: User, cycle_id: int) -> dict[str, Any]:
    cycle = selectors_cycles.get_visible_cycle(user, cycle_id)
    return cycle_out(cycle, list(cycle.phases.all()), with_rules=can_manage_cycles(user))


def _design_values(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """Template and goal period ids as the records (an unknown id is an
    error on that field)."""
    sources = {
        "template": ReviewTemplate.objects.all(),
        "goal_period": GoalPeriod.objects.all(),
    }
    resolved = resolve_related(values, sources, blank_text=())
    if resolved.get("phases") is not None:
        resolved["phases"] = [dict(p) for p in resolved["phases"]]
    return resolved


def _employee(user: User, employee_id: int, field: str) -> Employee:
    found = resolve_related({field: employee_id}, {field: Employee.objects.visible_to(user)})
    employee: Employee = found[field]
    return employee


# --- cycles ------------------------------------------------------------------------


@router.get(
    "/cycles",
    response={200: Page[CycleOut], **READ_ERRORS},
    summary="List review cycles",
    exclude_unset=True,
)
def list_cycles(request: HttpRequest, filters: Query[CycleFilters], page: Query[PageParams]) -> Any:
    """The cycles the caller may see (HR and executives: all; anyone else
    those they take part or write a review in), newest first."""
    user = _user(request)
    count, cycles = paginate(
        selectors_cycles.cycles_for(user, filters.stage).prefetch_related("phases"), page
    )
    with_rules = can_manage_cycles(user)
    return {
        "count": count,
        "items": [cycle_out(c, list(c.phases.all()), with_rules=with_rules) for c in cycles],
    }


@router.post(
    "/cycles",
    response={201: CycleOut, **WRITE_ERRORS},
    summary="Design a review cycle",
    exclude_unset=True,
)
def create_cycle(request: HttpRequest, payload: CycleCreate) -> Any:
    """HR admins only. The cycle starts as a draft."""
    user = _user(request)
    services_cycles.check_can_manage(user)
    values = _design_values(user, payload.dict())
    cycle = services_cycles.create_cycle(actor=user, **values)
    return Status(201, _cycle_json(user, cycle.pk))


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleOut, **DETAIL_ERRORS},
    summary="Read a review cycle",
    exclude_unset=True,
)
def get_cycle(request: HttpRequest, cycle_id: int) -> Any:
    """The cycle with its stage, deadlines and launch progress (poll it
    while the stage is `launching`)."""
    cycle = _cycle(request, cycle_id)
    return _cycle_json(_user(request), cycle.pk)


@router.patch(
    "/cycles/{cycle_id}",
    response={200: CycleOut, **UPDATE_ERRORS},
    summary="Change a review cycle",
    exclude_unset=True,
)
def update_cycle(request: HttpRequest, cycle_id: int, payload: CyclePatch) -> Any:
    """HR admins. Template, rules and settings only while a draft."""
    user = _user(request)
    cycle = _managed_cycle(request, cycle_id)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    services_cycles.update_cycle(
        actor=user, cycle=cycle, expected_version=version, **_design_values(user, values)
    )
    return _cycle_json(user, cycle.pk)


@router.get(
    "/cycles/{cycle_id}/preview",
    response={200: CyclePreviewOut, **MANAGE_READ_ERRORS},
    summary="Preview who a launch takes in and leaves out",
)
def preview_cycle(
    request: HttpRequest,
    cycle_id: int,
    params: Query[CyclePreviewParams],
    page: Query[PageParams],
) -> Any:
    """The counts, and one list a page at a time: `show=in`, `out` (with
    the reason for each) or `no_manager` (in, but no manager review)."""
    cycle = _managed_cycle(request, cycle_id)
    preview = participants.preview(cycle)
    count, people = paginate(preview.listing(params.show, params.reason), page)
    items = [
        {
            "id": e.pk,
            "employee_number": e.employee_number,
            "name": e.full_name,
            "department": {"id": e.department.pk, "name": e.department.name}
            if e.department
            else None,
            "reason": e.reason,
            "reason_label": participants.reason_label(e.reason, e.no_manager),
            "no_manager": e.no_manager,
        }
        for e in people
    ]
    return {"counts": preview.counts(), "show": params.show, "count": count, "items": items}


@router.post(
    "/cycles/{cycle_id}/launch",
    response={202: CycleLaunchStarted, **CHANGE_ERRORS},
    summary="Launch a review cycle",
)
def launch_cycle(request: HttpRequest, cycle_id: int) -> Any:
    """HR admins. Queues the launch (participants and their self, manager
    and upward reviews) and answers 202 with the task id; follow progress
    with GET /cycles/{id}. 422 when the cycle cannot launch (already
    launched, missing deadlines, nobody taking part)."""
    cycle = _managed_cycle(request, cycle_id)
    result = services_cycles.launch_cycle(actor=_user(request), cycle=cycle)
    cycle.refresh_from_db()
    return Status(
        202,
        {
            "task_id": str(result.id),
            "stage": cycle.stage,
            "launch_done": cycle.launch_done,
            "launch_total": cycle.launch_total,
        },
    )


@router.post(
    "/cycles/{cycle_id}/stage",
    response={200: CycleOut, **CHANGE_ERRORS},
    summary="Move a review cycle to a later stage",
    exclude_unset=True,
)
def advance_stage(request: HttpRequest, cycle_id: int, payload: CycleStageIn) -> Any:
    """HR admins; forward only."""
    user = _user(request)
    cycle = _managed_cycle(request, cycle_id)
    services_cycles.advance_stage(actor=user, cycle=cycle, to=payload.to, reason=payload.reason)
    return _cycle_json(user, cycle.pk)


@router.get(
    "/cycles/{cycle_id}/completion",
    response={200: CycleCompletionOut, **MANAGE_READ_ERRORS},
    summary="Completion of a review cycle",
)
def cycle_completion(request: HttpRequest, cycle_id: int) -> Any:
    """HR (admins, and HRBPs over the reviews they may see): submitted out
    of live reviews by kind and by department, and open and overdue
    reviews per phase."""
    user = _user(request)
    cycle = _cycle(request, cycle_id)
    if not viewer_for(user).is_hr:
        raise PermissionDenied
    today = timezone.localdate()
    counts = selectors_cycles.status_counts(user, cycle)
    return {
        "by_kind": [
            completion_row(r) for r in selectors_cycles.completion_by_kind(user, cycle, counts)
        ],
        "by_department": [
            completion_row(r) for r in selectors_cycles.completion_by_department(user, cycle)
        ],
        "phases": [
            phase_status_out(s)
            for s in selectors_cycles.phase_statuses(user, cycle, today, counts=counts)
        ],
    }


# --- controlled changes ------------------------------------------------------------------


@router.get(
    "/cycles/{cycle_id}/participants",
    response={200: Page[CycleParticipantOut], **MANAGE_READ_ERRORS},
    summary="List a cycle's participants",
)
def list_participants(request: HttpRequest, cycle_id: int, page: Query[PageParams]) -> Any:
    """HR admins: everyone taking part or removed, by name."""
    cycle = _managed_cycle(request, cycle_id)
    count, rows = paginate(selectors_cycles.participant_list(cycle), page)
    return {"count": count, "items": [participant_out(p) for p in rows]}


@router.post(
    "/cycles/{cycle_id}/participants",
    response={201: CycleParticipantOut, **CHANGE_ERRORS},
    summary="Add a participant to a running cycle",
)
def add_participant(request: HttpRequest, cycle_id: int, payload: CycleParticipantIn) -> Any:
    """HR admins. Creates their self, manager and upward reviews."""
    user = _user(request)
    cycle = _managed_cycle(request, cycle_id)
    employee = _employee(user, payload.employee_id, "employee_id")
    participant = changes.add_participant(
        actor=user, cycle=cycle, employee=employee, reason=payload.reason
    )
    return Status(201, participant_out(_participant(cycle, participant.employee_id)))


def _participant(cycle: Cycle, employee_id: int) -> CycleParticipant:
    if not 0 < employee_id <= MAX_ID:
        raise Http404
    return CycleParticipant.objects.select_related("employee", "manager").get(
        cycle=cycle, employee_id=employee_id
    )


@router.delete(
    "/cycles/{cycle_id}/participants/{employee_id}",
    response={200: CycleParticipantOut, **CHANGE_ERRORS},
    summary="Remove a participant from a running cycle",
)
def remove_participant(
    request: HttpRequest, cycle_id: int, employee_id: int, params: Query[CycleReasonParams]
) -> Any:
    """HR admins, with a `reason`. Open reviews about them are cancelled;
    submitted ones are kept. 404 if they never took part."""
    cycle = _managed_cycle(request, cycle_id)
    participant = _participant(cycle, employee_id)
    changes.remove_participant(
        actor=_user(request), cycle=cycle, employee=participant.employee, reason=params.reason
    )
    return participant_out(_participant(cycle, employee_id))


@router.post(
    "/cycles/{cycle_id}/participants/{employee_id}/follow-manager",
    response={200: CycleParticipantOut, **CHANGE_ERRORS},
    summary="Give a participant's manager review to their current manager",
)
def follow_manager_change(
    request: HttpRequest, cycle_id: int, employee_id: int, payload: CycleReasonIn
) -> Any:
    """HR admins. The open review by the old manager is cancelled; a
    submitted one is kept and still counts."""
    cycle = _managed_cycle(request, cycle_id)
    participant = _participant(cycle, employee_id)
    changes.follow_manager_change(
        actor=_user(request), participant=participant, reason=payload.reason
    )
    return participant_out(_participant(cycle, employee_id))


@router.post(
    "/cycles/{cycle_id}/phases/{kind}/extend",
    response={200: CyclePhaseOut, **CHANGE_ERRORS},
    summary="Extend a phase's deadline",
)
def extend_deadline(
    request: HttpRequest, cycle_id: int, kind: PhaseKind, payload: CycleExtendIn
) -> Any:
    """HR admins; later only. 404 when the cycle has no such phase."""
    cycle = _managed_cycle(request, cycle_id)
    phase = CyclePhase.objects.get(cycle=cycle, kind=kind)
    phase = changes.extend_deadline(
        actor=_user(request), phase=phase, due_on=payload.due_on, reason=payload.reason
    )
    return phase_out(phase)


@router.post(
    "/assignments/{assignment_id}/replace-reviewer",
    response={201: CycleAssignmentOut, **CHANGE_ERRORS},
    summary="Give a review to another reviewer",
)
def replace_reviewer(
    request: HttpRequest, assignment_id: int, payload: CycleReplaceReviewerIn
) -> Any:
    """HR admins. The old assignment is cancelled with the reason (what was
    written stays with it); answers 201 with the new one."""
    user = _user(request)
    assignment = _assignment(request, assignment_id)
    services_cycles.check_can_manage(user)
    reviewer = _employee(user, payload.reviewer_id, "reviewer_id")
    new = changes.replace_reviewer(
        actor=user, assignment=assignment, new_reviewer=reviewer, reason=payload.reason
    )
    new = ReviewAssignment.objects.select_related("reviewer", "reviewee").get(pk=new.pk)
    return Status(201, assignment_out(new))


@router.post(
    "/assignments/{assignment_id}/reopen",
    response={200: CycleAssignmentOut, **CHANGE_ERRORS},
    summary="Reopen a submitted review",
)
def reopen_assignment(request: HttpRequest, assignment_id: int, payload: CycleReasonIn) -> Any:
    """HR admins, with a reason: submitted → in progress, answers kept."""
    user = _user(request)
    assignment = _assignment(request, assignment_id)
    services_cycles.check_can_manage(user)
    changes.reopen_assignment(actor=user, assignment=assignment, reason=payload.reason)
    reopened = ReviewAssignment.objects.select_related("reviewer", "reviewee").get(pk=assignment.pk)
    return assignment_out(reopened)
