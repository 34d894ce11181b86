"""Reads of cycles for the list, the cycle page, its monitoring block and
the controlled-change pages, always starting from `visible_to`. Each
function runs a fixed number of queries (grouped aggregates, not a query
per cycle, person or department)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.reviews.models import (
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    Cycle,
    CycleParticipant,
    CyclePhase,
    ParticipantStatus,
    PhaseKind,
    ReviewAssignment,
    ReviewerKind,
)

# Which assignments each phase's deadline is for.
PHASE_ASSIGNMENT_KINDS: dict[str, tuple[str, ...]] = {
    PhaseKind.SELF_REVIEW: (ReviewerKind.SELF,),
    PhaseKind.PEER_REVIEW: (ReviewerKind.PEER, ReviewerKind.UPWARD),
    PhaseKind.MANAGER_REVIEW: (ReviewerKind.MANAGER,),
}
LIVE = ~Q(status=AssignmentStatus.CANCELLED)
SUBMITTED = Q(status=AssignmentStatus.SUBMITTED)


def cycles_for(user: User, stage: str | None = None) -> QuerySet[Cycle]:
    """The cycles `user` may see, newest first, with the template joined."""
    qs = Cycle.objects.visible_to(user).select_related("template", "goal_period")
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-created_at", "-id")


def get_visible_cycle(user: User, pk: int) -> Cycle:
    """The cycle, or Cycle.DoesNotExist when `user` may not see it."""
    return cycles_for(user).get(pk=pk)


@dataclass(frozen=True)
class Completion:
    """Submitted out of live (not cancelled) assignments."""

    key: str
    label: str
    submitted: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.submitted / self.total) if self.total else None


@dataclass(frozen=True)
class CycleRow:
    cycle: Cycle
    participants: int | None
    completion: Completion
    next_phase: CyclePhase | None


def cycle_rows(user: User, cycles: Sequence[Cycle], today: dt.date) -> list[CycleRow]:
    """A page of cycles with, for HR, how many take part; for everyone the
    completion of the assignments they may see and the next deadline.
    Three queries, whatever the number of cycles."""
    ids = [c.pk for c in cycles]
    counts: dict[int, int] = {}
    if viewer_for(user).is_hr and ids:
        counts = dict(
            CycleParticipant.objects.filter(cycle_id__in=ids, status=ParticipantStatus.ACTIVE)
            .order_by()
            .values_list("cycle_id")
            .annotate(n=Count("pk"))
            .values_list("cycle_id", "n")
        )
    done: dict[int, tuple[int, int]] = {}
    if ids:
        rows = (
            ReviewAssignment.objects.visible_to(user)
            .filter(LIVE, cycle_id__in=ids)
            .order_by()
            .values("cycle_id")
            .annotate(total=Count("pk"), submitted=Count("pk", filter=SUBMITTED))
        )
        done = {r["cycle_id"]: (r["submitted"], r["total"]) for r in rows}
    upcoming: dict[int, CyclePhase] = {}
    for phase in CyclePhase.objects.filter(cycle_id__in=ids, due_on__gte=today).order_by(
        "due_on", "id"
    ):
        upcoming.setdefault(phase.cycle_id, phase)
    return [
        CycleRow(
            cycle=c,
            participants=counts.get(c.pk, 0) if viewer_for(user).is_hr else None,
            completion=Completion("all", "All reviews", *done.get(c.pk, (0, 0))),
            next_phase=upcoming.get(c.pk),
        )
        for c in cycles
    ]


# --- monitoring ------------------------------------------------------------------------


def _visible_assignments(user: User, cycle: Cycle) -> QuerySet[ReviewAssignment]:
    return ReviewAssignment.objects.visible_to(user).filter(LIVE, cycle=cycle).order_by()


# How many live assignments `user` may see, by (kind, status): the one scan
# the completion by kind, the open and overdue counts per phase and the
# number of overdue reviews all read.
StatusCounts = dict[tuple[str, str], int]


def status_counts(user: User, cycle: Cycle) -> StatusCounts:
    """Live assignments `user` may see by kind and status (one query)."""
    return {
        (kind, status): n
        for kind, status, n in _visible_assignments(user, cycle)
        .values_list("kind", "status")
        .annotate(n=Count("pk"))
        .values_list("kind", "status", "n")
    }


def _open_count(counts: StatusCounts, kinds: Iterable[str]) -> int:
    return sum(counts.get((kind, status), 0) for kind in kinds for status in OPEN_ASSIGNMENT)


def completion_by_kind(
    user: User, cycle: Cycle, counts: StatusCounts | None = None
) -> list[Completion]:
    """Submitted / total by kind of review (one query, none given
    `counts`), over the assignments `user` may see."""
    if counts is None:
        counts = status_counts(user, cycle)
    rows: list[Completion] = []
    for kind, label in ReviewerKind.choices:
        total = sum(n for (k, _), n in counts.items() if k == kind)
        if total:
            rows.append(
                Completion(kind, label, counts.get((kind, AssignmentStatus.SUBMITTED), 0), total)
            )
    return rows


def completion_by_department(user: User, cycle: Cycle) -> list[Completion]:
    """Submitted / total by the reviewee's department, by department name
    (two queries). Grouped by the department's id alone and named
    afterwards: joining the department to every assignment costs more than
    the counting itself."""
    rows = list(
        _visible_assignments(user, cycle)
        .values("reviewee__department_id")
        .annotate(total=Count("pk"), submitted=Count("pk", filter=SUBMITTED))
    )
    ids = [r["reviewee__department_id"] for r in rows if r["reviewee__department_id"] is not None]
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    # By name, the reviewees without a department first (as the page listed
    # them when SQLite sorted them).
    rows.sort(
        key=lambda r: (
            r["reviewee__department_id"] is not None,
            names.get(r["reviewee__department_id"], ""),
            r["reviewee__department_id"] or 0,
        )
    )
    return [
        Completion(
            str(r["reviewee__department_id"] or ""),
            names.get(r["reviewee__department_id"]) or "No department",
            r["submitted"],
            r["total"],
        )
        for r in rows
    ]


MANAGERS_SHOWN = 25


def completion_by_manager(
    user: User, cycle: Cycle, *, limit: int = MANAGERS_SHOWN
) -> list[Completion]:
    """Manager reviews submitted / total for the `limit` managers with the
    most still to write (one query): who to chase, on a page that stays the
    same size however many managers the organisation has."""
    rows = (
        _visible_assignments(user, cycle)
        .filter(kind=ReviewerKind.MANAGER)
        .values("reviewer_id", "reviewer__first_name", "reviewer__last_name")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=SUBMITTED),
            still_open=Count("pk", filter=~SUBMITTED),
        )
        .order_by("-still_open", "reviewer__last_name", "reviewer__first_name", "reviewer_id")
    )[:limit]
    return [
        Completion(
            str(r["reviewer_id"]),
            f"{r['reviewer__first_name']} {r['reviewer__last_name']}",
            r["submitted"],
            r["total"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class OverdueReviews:
    total: int
    shown: list[ReviewAssignment]


# What a row of overdue reviews shows: whole employee rows for fifty
# reviews took longer to load than the query took to run.
OVERDUE_ROW_FIELDS = (
    "cycle",
    "kind",
    "status",
    *(
        f"{person}__{field}"
        for person in ("reviewer", "reviewee")
        for field in Employee.FULL_NAME_FIELDS
    ),
)


# Up to how many open reviews of the kinds shown are sorted in one query.
OVERDUE_SORTED_TOGETHER = 500


def overdue_reviews(
    user: User,
    cycle: Cycle,
    today: dt.date,
    phases: Sequence[CyclePhase],
    *,
    limit: int = 50,
    counts: StatusCounts | None = None,
) -> OverdueReviews:
    """The open reviews whose phase deadline has passed, oldest deadline
    first: how many, and the first `limit` with who writes them about whom
    (one query, or one per kind of review when there are many; one more
    without `counts`), for HR to chase."""
    past = [p for p in phases if p.due_on < today and p.kind in PHASE_ASSIGNMENT_KINDS]
    if not past:
        return OverdueReviews(0, [])
    if counts is None:
        counts = status_counts(user, cycle)
    kinds = sorted({k for p in past for k in PHASE_ASSIGNMENT_KINDS[p.kind]})
    # The kinds the first `limit` rows come from (the rows' first sort key).
    needed: list[str] = []
    found = 0
    for kind in kinds:
        if found >= limit:
            break
        if n := _open_count(counts, [kind]):
            needed.append(kind)
            found += n
    overdue = (
        _visible_assignments(user, cycle)
        .filter(status__in=OPEN_ASSIGNMENT)
        .select_related("reviewer", "reviewee")
        .only(*OVERDUE_ROW_FIELDS)
    )
    shown: list[ReviewAssignment] = []
    if _open_count(counts, needed) <= OVERDUE_SORTED_TOGETHER:
        shown = list(
            overdue.filter(kind__in=needed).order_by(
                "kind", "reviewer__last_name", "reviewer__first_name", "pk"
            )[:limit]
        )
    else:
        # Kind by kind: within one kind the database walks the reviewers
        # by name and stops after `limit` rows, where sorting the open
        # reviews of several kinds by their reviewer's name joins every
        # one of them first (115 ms -> 10 ms on PostgreSQL over 35,000).
        for kind in needed:
            shown += overdue.filter(kind=kind).order_by(
                "reviewer__last_name", "reviewer__first_name", "pk"
            )[: limit - len(shown)]
    total = _open_count(counts, kinds)
    return OverdueReviews(total, shown)


@dataclass(frozen=True)
class PhaseStatus:
    phase: CyclePhase
    open: int | None
    overdue: int | None

    @property
    def is_past(self) -> bool:
        return self.overdue is not None and self.overdue > 0


def phase_statuses(
    user: User,
    cycle: Cycle,
    today: dt.date,
    phases: Sequence[CyclePhase] | None = None,
    counts: StatusCounts | None = None,
) -> list[PhaseStatus]:
    """Each phase with how many of its reviews are still open and, once
    its deadline has passed, overdue (one query, two without `phases`,
    none for the counts given `counts`). Phases without reviews of their
    own (nomination, calibration, …) show no counts."""
    if phases is None:
        phases = list(cycle.phases.order_by("due_on", "id"))
    if counts is None:
        counts = status_counts(user, cycle)
    statuses = []
    for phase in phases:
        kinds = PHASE_ASSIGNMENT_KINDS.get(phase.kind)
        if kinds is None:
            statuses.append(PhaseStatus(phase, None, None))
            continue
        still_open = _open_count(counts, kinds)
        statuses.append(PhaseStatus(phase, still_open, still_open if phase.due_on < today else 0))
    return statuses


@dataclass(frozen=True)
class CycleMonitoring:
    """The monitoring block of a running cycle's page, for HR."""

    by_kind: list[Completion]
    by_department: list[Completion]
    phase_statuses: list[PhaseStatus]
    by_manager: list[Completion]
    overdue: OverdueReviews


def cycle_monitoring(
    user: User, cycle: Cycle, today: dt.date, phases: Sequence[CyclePhase]
) -> CycleMonitoring:
    """Completion by kind, department and manager, open and overdue reviews
    per phase and the overdue reviews themselves, over the assignments
    `user` may see (five queries: the counts by kind and status are read
    once for the kinds, the phases and the number overdue)."""
    counts = status_counts(user, cycle)
    return CycleMonitoring(
        by_kind=completion_by_kind(user, cycle, counts),
        by_department=completion_by_department(user, cycle),
        phase_statuses=phase_statuses(user, cycle, today, phases, counts),
        by_manager=completion_by_manager(user, cycle),
        overdue=overdue_reviews(user, cycle, today, phases, counts=counts),
    )


# --- participants and their reviews ------------------------------------------------------


def manager_changed_q() -> Q:
    """Participants whose manager in the reporting line (unless they left)
    is no longer the one who writes their manager review."""
    current_gone = Q(employee__manager__isnull=True) | Q(
        employee__manager__status=EmploymentStatus.TERMINATED
    )
    return (Q(manager__isnull=True) & ~current_gone) | (
        Q(manager__isnull=False) & (current_gone | ~Q(employee__manager_id=F("manager_id")))
    )


def participant_list(
    cycle: Cycle, q: str = "", status: str | None = None, changed: bool = False
) -> QuerySet[CycleParticipant]:
    """A cycle's participants by name, with what a row shows joined."""
    qs = CycleParticipant.objects.filter(cycle=cycle).select_related(
        "employee__department", "employee__manager", "manager"
    )
    if status:
        qs = qs.filter(status=status)
    if changed:
        qs = qs.filter(manager_changed_q(), status=ParticipantStatus.ACTIVE)
    if q:
        qs = qs.filter(
            Q(employee__first_name__icontains=q)
            | Q(employee__last_name__icontains=q)
            | Q(employee__preferred_name__icontains=q)
            | Q(employee__employee_number__iexact=q)
        )
    return qs.order_by("employee__last_name", "employee__first_name", "employee_id")


def current_manager(employee: Employee) -> Employee | None:
    """Who would write the manager review now (the manager must be joined)."""
    manager = employee.manager
    if manager is None or manager.status == EmploymentStatus.TERMINATED:
        return None
    return manager


def participant_assignments(cycle: Cycle, employee: Employee) -> list[ReviewAssignment]:
    """Every assignment about `employee` or written by them in the cycle,
    cancelled ones included (one query)."""
    return list(
        ReviewAssignment.objects.filter(cycle=cycle)
        .filter(Q(reviewee=employee) | Q(reviewer=employee))
        .select_related("reviewer", "reviewee")
        .order_by("reviewee_id", "kind", "id")
    )
