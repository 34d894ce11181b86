"""What the API takes and gives for review cycles: design, deadlines,
launch preview and progress, stage moves, and the controlled changes to a
running cycle. A cycle's `rules` (who is included and excluded by name)
are absent from its JSON unless the caller manages cycles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from cadence.api.fields import MAX_ID, Id, NoNul, text_limits
from cadence.people.models import Employee
from cadence.reviews.models import (
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    Nominator,
    ParticipantStatus,
    PhaseKind,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)
from cadence.reviews.selectors_cycles import Completion, PhaseStatus

CycleName = Annotated[str, text_limits(150, 1), NoNul]
Reason = Annotated[str, text_limits(300, 1), NoNul]
OptionalReason = Annotated[str, text_limits(300), NoNul]
IdList = Annotated[list[Id], Field(max_length=10_000)]
PeerCount = Annotated[int, Field(ge=0, le=100)]
GroupSize = Annotated[int, Field(ge=3, le=1000, description="Never below 3.")]
PreviewShow = Literal["in", "out", "no_manager"]
OutReason = Literal["excluded", "terminated", "inactive", "too_new"]


# --- output ------------------------------------------------------------------


class CycleRef(Schema):
    id: int
    name: str


class CyclePersonRef(Schema):
    id: int
    name: str
    employee_number: str


class CyclePhaseOut(Schema):
    kind: PhaseKind
    label: str
    opens_on: dt.date | None
    due_on: dt.date


class CycleSettingsOut(Schema):
    include_self: bool
    include_manager: bool
    include_peer: bool
    include_upward: bool
    peers_min: int
    peers_max: int
    peer_nominator: Nominator
    peers_need_approval: bool
    peer_anonymous: bool
    upward_anonymous: bool
    min_group_size: int


class CycleRulesOut(Schema):
    """Everyone matching every rule that is set (departments include their
    sub-departments), plus the inclusions, minus the exclusions."""

    rule_department_ids: list[int]
    rule_location_ids: list[int]
    rule_job_level_ids: list[int]
    rule_hired_before: dt.date | None = Field(description="Hired before this day.")
    rule_include_on_leave: bool = Field(description="People on leave take part too.")
    included_employee_ids: list[int]
    excluded_employee_ids: list[int]


class CycleLaunchOut(Schema):
    task_id: str = Field(description="The launch task's id; empty before launch.")
    done: int = Field(description="Participants processed so far.")
    total: int
    launched_at: dt.datetime | None


class CycleOut(Schema):
    id: int
    name: str
    template: CycleRef
    goal_period: CycleRef | None
    stage: Stage
    stage_label: str
    settings: CycleSettingsOut
    rules: CycleRulesOut | None = Field(None, description="Only for those who manage cycles.")
    phases: list[CyclePhaseOut]
    launch: CycleLaunchOut
    created_at: dt.datetime
    version: int = Field(description="Send it back with PATCH to refuse a concurrent edit.")


class CycleLaunchStarted(Schema):
    task_id: str
    stage: Stage
    launch_done: int
    launch_total: int


class CyclePreviewPerson(Schema):
    id: int
    employee_number: str
    name: str
    department: CycleRef | None
    reason: str = Field(description='"" when taking part; otherwise why they are left out.')
    reason_label: str
    no_manager: bool = Field(description="Taking part without a manager review.")


class CyclePreviewOut(Schema):
    counts: dict[str, int] = Field(
        description="in, out, no_manager, and out by reason: excluded, terminated, "
        "inactive, too_new."
    )
    show: PreviewShow
    count: int = Field(description="How many people the chosen list holds.")
    items: list[CyclePreviewPerson]


class CycleParticipantOut(Schema):
    employee: CyclePersonRef
    manager: CyclePersonRef | None = Field(description="Who writes their manager review.")
    status: ParticipantStatus
    note: str


class CycleAssignmentOut(Schema):
    id: int
    cycle_id: int
    reviewer: CyclePersonRef
    reviewee: CyclePersonRef
    kind: ReviewerKind
    status: AssignmentStatus
    submitted_at: dt.datetime | None
    cancelled_reason: str
    version: int


class CycleCompletionRow(Schema):
    key: str
    label: str
    submitted: int
    total: int


class CyclePhaseStatusOut(Schema):
    kind: PhaseKind
    due_on: dt.date
    open: int | None = Field(description="Reviews of this phase not yet submitted.")
    overdue: int | None = Field(description="Of those, how many are past the deadline.")


class CycleCompletionOut(Schema):
    by_kind: list[CycleCompletionRow]
    by_department: list[CycleCompletionRow]
    phases: list[CyclePhaseStatusOut]


def person_ref(employee: Employee | None) -> dict[str, Any] | None:
    if employee is None:
        return None
    return {
        "id": employee.pk,
        "name": employee.full_name,
        "employee_number": employee.employee_number,
    }


def phase_out(phase: CyclePhase) -> dict[str, Any]:
    return {
        "kind": phase.kind,
        "label": phase.get_kind_display(),
        "opens_on": phase.opens_on,
        "due_on": phase.due_on,
    }


SETTING_NAMES = tuple(CycleSettingsOut.model_fields)
RULE_NAMES = tuple(CycleRulesOut.model_fields)


def cycle_out(cycle: Cycle, phases: list[CyclePhase], *, with_rules: bool) -> dict[str, Any]:
    """The JSON for one cycle; `rules` only when `with_rules`."""
    period = cycle.goal_period
    out: dict[str, Any] = {
        "id": cycle.pk,
        "name": cycle.name,
        "template": {"id": cycle.template.pk, "name": cycle.template.name},
        "goal_period": {"id": period.pk, "name": period.name} if period else None,
        "stage": cycle.stage,
        "stage_label": cycle.get_stage_display(),
        "settings": {name: getattr(cycle, name) for name in SETTING_NAMES},
        "phases": [phase_out(p) for p in phases],
        "launch": {
            "task_id": cycle.launch_task_id,
            "done": cycle.launch_done,
            "total": cycle.launch_total,
            "launched_at": cycle.launched_at,
        },
        "created_at": cycle.created_at,
        "version": cycle.version,
    }
    if with_rules:
        out["rules"] = {name: getattr(cycle, name) for name in RULE_NAMES}
    return out


def participant_out(participant: CycleParticipant) -> dict[str, Any]:
    return {
        "employee": person_ref(participant.employee),
        "manager": person_ref(participant.manager),
        "status": participant.status,
        "note": participant.note,
    }


def assignment_out(assignment: ReviewAssignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "cycle_id": assignment.cycle_id,
        "reviewer": person_ref(assignment.reviewer),
        "reviewee": person_ref(assignment.reviewee),
        "kind": assignment.kind,
        "status": assignment.status,
        "submitted_at": assignment.submitted_at,
        "cancelled_reason": assignment.cancelled_reason,
        "version": assignment.version,
    }


def completion_row(row: Completion) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "submitted": row.submitted, "total": row.total}


def phase_status_out(status: PhaseStatus) -> dict[str, Any]:
    return {
        "kind": status.phase.kind,
        "due_on": status.phase.due_on,
        "open": status.open,
        "overdue": status.overdue,
    }


# --- input -------------------------------------------------------------------


class CyclePhaseIn(Schema):
    kind: PhaseKind
    opens_on: dt.date | None = None
    due_on: dt.date


class CycleCreate(Schema):
    """A new draft cycle. Rules pick who takes part: everyone matching every
    rule that is set (none set: the whole organisation), plus
    `included_employee_ids`, minus `excluded_employee_ids`. `phases` sets
    the deadlines, due in lifecycle order."""

    name: CycleName
    template: Id
    goal_period: Id | None = None
    rule_department_ids: IdList = []
    rule_location_ids: IdList = []
    rule_job_level_ids: IdList = []
    rule_hired_before: dt.date | None = Field(None, description="Only people hired before.")
    rule_include_on_leave: bool = Field(
        False, description="People on leave take part too (active people always do)."
    )
    included_employee_ids: IdList = []
    excluded_employee_ids: IdList = []
    include_self: bool = True
    include_manager: bool = True
    include_peer: bool = True
    include_upward: bool = False
    peers_min: PeerCount = 0
    peers_max: PeerCount = 5
    peer_nominator: Nominator = Nominator.REVIEWEE
    peers_need_approval: bool = True
    peer_anonymous: bool = True
    upward_anonymous: bool = True
    min_group_size: GroupSize = 3
    phases: Annotated[list[CyclePhaseIn], Field(max_length=len(PhaseKind))] = []


class CyclePatch(Schema):
    """Only the fields sent change. After launch only `name` may (and
    phases may be added); send `version` to be told (409) of a concurrent
    edit. `phases`, when sent, replaces every deadline."""

    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you read; 409 if it has moved on."
    )
    name: CycleName | None = None
    template: Id | None = None
    goal_period: Id | None = None
    rule_department_ids: IdList | None = None
    rule_location_ids: IdList | None = None
    rule_job_level_ids: IdList | None = None
    rule_hired_before: dt.date | None = None
    rule_include_on_leave: bool | None = None
    included_employee_ids: IdList | None = None
    excluded_employee_ids: IdList | None = None
    include_self: bool | None = None
    include_manager: bool | None = None
    include_peer: bool | None = None
    include_upward: bool | None = None
    peers_min: PeerCount | None = None
    peers_max: PeerCount | None = None
    peer_nominator: Nominator | None = None
    peers_need_approval: bool | None = None
    peer_anonymous: bool | None = None
    upward_anonymous: bool | None = None
    min_group_size: GroupSize | None = None
    phases: Annotated[list[CyclePhaseIn], Field(max_length=len(PhaseKind))] | None = None


class CycleFilters(Schema):
    stage: Stage | None = None


class CyclePreviewParams(Schema):
    show: PreviewShow = Field("out", description="Which list: taking part, out, no manager.")
    reason: OutReason | None = Field(None, description="With show=out: only this reason.")


class CycleStageIn(Schema):
    to: Stage = Field(description="A later stage; cycles never move back.")
    reason: OptionalReason = ""


class CycleParticipantIn(Schema):
    employee_id: Id
    reason: Reason


class CycleReasonParams(Schema):
    reason: Reason


class CycleReasonIn(Schema):
    reason: Reason


class CycleReplaceReviewerIn(Schema):
    reviewer_id: Id
    reason: Reason


class CycleExtendIn(Schema):
    due_on: dt.date = Field(description="Later than the current deadline.")
    reason: Reason
