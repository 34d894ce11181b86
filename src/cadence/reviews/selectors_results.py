"""Reads of review results, always starting from
`ReviewResult.objects.visible_to` (or `Cycle.objects.visible_to`): the
results of a cycle with filters, a manager's team, one's own, and the
release overview per department. Each costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Department
from cadence.reviews.disclosure import RESULT_RELATED
from cadence.reviews.models import Cycle, CycleParticipant, ParticipantStatus, ReviewResult


@dataclass(frozen=True)
class ResultFilters:
    department: int | None = None
    level: int | None = None
    released: bool | None = None
    acknowledged: bool | None = None


def visible_cycle(user: User, pk: int) -> Cycle:
    """One cycle whose results `user` may look for: one they may see, or
    one holding a result they may see (a skip-level manager neither takes
    part in nor writes in their indirect reports' cycle, but reads their
    results). Cycle.DoesNotExist otherwise. One query."""
    with_results = ReviewResult.objects.visible_to(user).values("cycle_id")
    return (
        Cycle.objects.filter(
            Q(pk__in=Cycle.objects.visible_to(user).values("pk")) | Q(pk__in=with_results)
        )
        .select_related("template")
        .get(pk=pk)
    )


def visible_result(user: User, pk: int) -> ReviewResult:
    """One result with what disclosing it needs joined, or
    ReviewResult.DoesNotExist when `user` may not see it."""
    return (
        ReviewResult.objects.visible_to(user)
        .select_related(*RESULT_RELATED, "cycle__template")
        .get(pk=pk)
    )


def cycle_results(
    user: User, cycle: Cycle, filters: ResultFilters | None = None
) -> QuerySet[ReviewResult]:
    """The cycle's results `user` may see (HR admin: all; HRBP: their
    departments; a manager: their reports' and their own once released; an
    employee: their own once released), filtered, by name. `department`
    includes the departments below it; `level` is the final rating."""
    f = filters or ResultFilters()
    qs = ReviewResult.objects.visible_to(user).filter(cycle=cycle).select_related(*RESULT_RELATED)
    if f.department is not None:
        path = Department.objects.filter(pk=f.department).values("path")
        qs = qs.filter(employee__department__path__startswith=path[:1])
    if f.level is not None:
        qs = qs.alias(
            final=Coalesce("calibrated_level_id", "manager_level_id", "computed_level_id")
        ).filter(final=f.level)
    if f.released is not None:
        qs = qs.filter(released_at__isnull=not f.released)
    if f.acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not f.acknowledged)
    return qs.order_by("employee__last_name", "employee__first_name", "employee_id")


def team_results(user: User, cycle: Cycle) -> QuerySet[ReviewResult]:
    """The results of the people below `user` in the reporting tree (direct
    and indirect reports), never their own."""
    viewer = viewer_for(user)
    if viewer.employee_id is None or not viewer.employee_path:
        return ReviewResult.objects.none()
    return (
        cycle_results(user, cycle)
        .filter(employee__reporting_path__startswith=viewer.employee_path)
        .exclude(employee_id=viewer.employee_id)
    )


def my_results(user: User) -> QuerySet[ReviewResult]:
    """The signed-in person's released results, newest first."""
    viewer = viewer_for(user)
    if viewer.employee_id is None:
        return ReviewResult.objects.none()
    return (
        ReviewResult.objects.visible_to(user)
        .filter(employee_id=viewer.employee_id, released_at__isnull=False)
        .select_related(*RESULT_RELATED)
        .order_by("-released_at", "-id")
    )


@dataclass
class DepartmentRelease:
    """Release counts for a department and everything below it."""

    department: Department
    depth: int
    participants: int = 0
    released: int = 0
    ready: int = 0

    @property
    def not_ready(self) -> int:
        return self.participants - self.released - self.ready


@dataclass(frozen=True)
class ReleaseOverview:
    total: DepartmentRelease
    departments: list[DepartmentRelease]
    without_department: int


def _prefixes(path: str) -> list[str]:
    """A materialised path's ancestors and itself: "/1/5/" → ["/1/", "/1/5/"]."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def release_overview(cycle: Cycle) -> ReleaseOverview:
    """For the release page: per department (its subtree included) how many
    active participants' results are released, ready to release (rated) and
    not ready. Three queries."""
    active = CycleParticipant.objects.filter(cycle=cycle, status=ParticipantStatus.ACTIVE)
    people = list(active.values_list("employee_id", "employee__department__path"))
    state: dict[int, str] = {}
    results = ReviewResult.objects.filter(cycle=cycle, employee_id__in=active.values("employee_id"))
    for employee_id, released_at, manager_level, computed_level in results.values_list(
        "employee_id", "released_at", "manager_level_id", "computed_level_id"
    ):
        if released_at is not None:
            state[employee_id] = "released"
        elif manager_level is not None or computed_level is not None:
            state[employee_id] = "ready"
    rows = {
        d.path: DepartmentRelease(d, len(_prefixes(d.path)) - 1)
        for d in Department.objects.order_by("path")
    }
    total = DepartmentRelease(Department(name="Everyone"), 0)
    without = 0
    for employee_id, path in people:
        bins = [total, *(rows[p] for p in _prefixes(path or "") if p in rows)]
        if not path:
            without += 1
        status = state.get(employee_id)
        for row in bins:
            row.participants += 1
            if status == "released":
                row.released += 1
            elif status == "ready":
                row.ready += 1
    return ReleaseOverview(total, [row for row in rows.values() if row.participants], without)
