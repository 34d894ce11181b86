"""Reads of succession plans (critical roles and their successors), always
starting from `CriticalRole.objects.visible_to`, and the candidates the
calibration grid suggests for a role.

Bench strength (per critical role) counts the successors who still work
here (active or on leave; people who left are listed but not counted) by
readiness, and names it with one plain rule:

- "Strong: 2+ ready now"        — two or more successors ready now;
- "Adequate: 1 ready now"       — exactly one ready now;
- "At risk: nobody ready now"   — successors, but none ready now;
- "No successors"               — nobody (still here) is named.

Suggested candidates for a role are the people placed *high performance
and high potential* in the most recent **locked** calibration session they
appear in (a later locked session replaces an earlier one; open and draft
sessions never count):

- performance is where the person sits now in that session (calibrated,
  else proposed, else original level); it is "high" when its value is in
  the top third of its rating scale's range — value ≥ min + ⅔ (max − min)
  of the scale's levels (4 and 5 on a 1–5 scale, 3 on a 1–3 scale);
- potential is `Potential.HIGH`.

They must be current employees the viewer may see (`Employee.objects.
visible_to`) whose calibration entry the viewer may see
(`CalibrationEntry.objects.visible_to`): a suggestion never reveals a
placement the viewer could not read in the session itself. Current
successors and the incumbent are left out. People in the role's job family
(the job profile's, or the incumbent's profile's for a position) come
first, then the higher rating, then by name.

Every read here runs a fixed number of queries, whatever the numbers of
roles, successors or calibration entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.people.models import Department, Employee, EmploymentStatus
from cadence.reviews.models import RatingLevel
from cadence.talent.grid import Band, band_of_position
from cadence.talent.models import (
    CalibrationEntry,
    CriticalRole,
    Potential,
    Rating3,
    Readiness,
    SessionState,
    Successor,
)

CURRENT = (EmploymentStatus.ACTIVE, EmploymentStatus.ON_LEAVE)
SUGGESTION_LIMIT = 25


# --- bench strength ---------------------------------------------------------------------


class BenchStrength:
    STRONG = "strong"
    ADEQUATE = "adequate"
    AT_RISK = "at_risk"
    NONE = "none"

    LABELS = {
        STRONG: "Strong: 2+ ready now",
        ADEQUATE: "Adequate: 1 ready now",
        AT_RISK: "At risk: nobody ready now",
        NONE: "No successors",
    }
    choices = list(LABELS.items())
    values = list(LABELS)


@dataclass(frozen=True)
class Bench:
    """A role's successors (still here) by readiness, and what that means."""

    ready_now: int
    ready_1_2_years: int
    ready_3_plus_years: int

    @property
    def total(self) -> int:
        return self.ready_now + self.ready_1_2_years + self.ready_3_plus_years

    @property
    def strength(self) -> str:
        if self.total == 0:
            return BenchStrength.NONE
        if self.ready_now >= 2:
            return BenchStrength.STRONG
        if self.ready_now == 1:
            return BenchStrength.ADEQUATE
        return BenchStrength.AT_RISK

    @property
    def label(self) -> str:
        return BenchStrength.LABELS[self.strength]

    @property
    def tone(self) -> str:
        """The Bootstrap colour of the badge."""
        return {
            BenchStrength.STRONG: "success",
            BenchStrength.ADEQUATE: "primary",
            BenchStrength.AT_RISK: "warning",
            BenchStrength.NONE: "danger",
        }[self.strength]


def _count(readiness: str) -> Count:
    return Count(
        "successors",
        filter=Q(successors__readiness=readiness, successors__employee__status__in=CURRENT),
        distinct=True,
    )


def with_bench(queryset: QuerySet[CriticalRole]) -> QuerySet[CriticalRole]:
    """Annotate each role with its bench counts (`bench_now`, `bench_soon`,
    `bench_later`) in the same query."""
    return queryset.annotate(
        bench_now=_count(Readiness.READY_NOW),
        bench_soon=_count(Readiness.ONE_TO_TWO_YEARS),
        bench_later=_count(Readiness.THREE_PLUS_YEARS),
    )


def bench_of(role: CriticalRole) -> Bench:
    """The bench of a role annotated by `with_bench`."""
    return Bench(
        ready_now=getattr(role, "bench_now", 0),
        ready_1_2_years=getattr(role, "bench_soon", 0),
        ready_3_plus_years=getattr(role, "bench_later", 0),
    )


def bench_from_successors(successors: Iterable[Successor]) -> Bench:
    """The bench of a role from its successors (with their employees loaded)."""
    counts = {value: 0 for value in Readiness.values}
    for successor in successors:
        if successor.employee.status in CURRENT:
            counts[successor.readiness] += 1
    return Bench(
        ready_now=counts[Readiness.READY_NOW],
        ready_1_2_years=counts[Readiness.ONE_TO_TWO_YEARS],
        ready_3_plus_years=counts[Readiness.THREE_PLUS_YEARS],
    )


def _bench_condition(strength: str) -> Q:
    """Roles of this strength (needs `with_bench` and `bench_total`)."""
    if strength == BenchStrength.STRONG:
        return Q(bench_now__gte=2)
    if strength == BenchStrength.ADEQUATE:
        return Q(bench_now=1)
    if strength == BenchStrength.AT_RISK:
        return Q(bench_now=0) & Q(bench_total__gt=0)
    if strength == BenchStrength.NONE:
        return Q(bench_total=0)
    return Q()


# --- who sees what --------------------------------------------------------------------------


def can_see_succession(user: User) -> bool:
    """HR admins, HRBPs and executives: the only people who may see any
    succession plan (the rule itself is `critical_role_condition`)."""
    viewer = viewer_for(user)
    return viewer.is_hr_admin or bool(viewer.hrbp_department_ids or viewer.executive_department_ids)


def can_create_roles(user: User) -> bool:
    """HR admins and HRBPs (within their departments; executives only read)."""
    return viewer_for(user).is_hr


def can_change_role(user: User, role: CriticalRole) -> bool:
    """HR admins, and the HRBP whose scope covers the role's department."""
    viewer = viewer_for(user)
    return viewer.is_hr_admin or (
        role.department_id is not None and role.department_id in viewer.hrbp_department_ids
    )


def scope_departments(user: User, *, writable: bool) -> QuerySet[Department]:
    """The departments the user may see roles in (or create them in)."""
    viewer = viewer_for(user)
    departments = Department.objects.order_by("path")
    if viewer.is_hr_admin:
        return departments
    scoped = set(viewer.hrbp_department_ids)
    if not writable:
        scoped |= viewer.executive_department_ids
    return departments.filter(pk__in=scoped)


# --- lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleFilters:
    q: str = ""
    department: int | None = None
    risk: str = ""
    impact: str = ""
    bench: str = ""


def roles(user: User, filters: RoleFilters | None = None) -> QuerySet[CriticalRole]:
    """The critical roles `user` may see, filtered, with their bench counts,
    job profile, incumbent and department (one query a page)."""
    f = filters or RoleFilters()
    qs = with_bench(
        CriticalRole.objects.visible_to(user).select_related(
            "job_profile", "incumbent", "department"
        )
    ).annotate(bench_total=F("bench_now") + F("bench_soon") + F("bench_later"))
    if f.department is not None:
        qs = qs.filter(department_id=f.department)
    if f.risk:
        qs = qs.filter(risk_of_loss=f.risk)
    if f.impact:
        qs = qs.filter(impact_of_loss=f.impact)
    if f.bench:
        qs = qs.filter(_bench_condition(f.bench))
    if f.q:
        for word in f.q.split()[:5]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(job_profile__title__icontains=word)
                | Q(incumbent__first_name__icontains=word)
                | Q(incumbent__last_name__icontains=word)
                | Q(incumbent__preferred_name__icontains=word)
            )
    return qs.order_by("title", "id")


def plans(user: User, filters: RoleFilters | None = None) -> QuerySet[CriticalRole]:
    """`roles` with each role's successors prefetched (the API's plans)."""
    return roles(user, filters).prefetch_related(
        Prefetch("successors", queryset=_successor_rows(Successor.objects.all()))
    )


@dataclass(frozen=True)
class MatrixCell:
    risk: str
    impact: str
    count: int


@dataclass(frozen=True)
class RiskMatrix:
    """Roles counted by risk of loss (rows, high first) × impact of loss."""

    rows: list[tuple[str, list[MatrixCell]]]
    impacts: list[tuple[str, str]]
    total: int


def risk_matrix(roles_queryset: QuerySet[CriticalRole]) -> RiskMatrix:
    """Count the roles of `roles_queryset` per risk × impact (one query)."""
    counts = {
        (row["risk_of_loss"], row["impact_of_loss"]): row["n"]
        for row in CriticalRole.objects.filter(pk__in=roles_queryset.values("pk"))
        .order_by()
        .values("risk_of_loss", "impact_of_loss")
        .annotate(n=Count("pk"))
    }
    high_first = list(reversed(Rating3.choices))
    rows = [
        (
            risk_label,
            [
                MatrixCell(risk, impact, counts.get((risk, impact), 0))
                for impact, _ in Rating3.choices
            ],
        )
        for risk, risk_label in high_first
    ]
    return RiskMatrix(rows=rows, impacts=list(Rating3.choices), total=sum(counts.values()))


CSV_HEADER = [
    "Critical role",
    "Job profile",
    "Position holder",
    "Department",
    "Risk of loss",
    "Impact of loss",
    "Ready now",
    "Ready in 1-2 years",
    "Ready in 3+ years",
    "Bench strength",
]


def csv_rows(roles_queryset: QuerySet[CriticalRole]) -> Iterator[list[Any]]:
    """The list as spreadsheet rows, header first (one query, streamed)."""
    yield CSV_HEADER
    for role in roles_queryset.iterator(chunk_size=500):
        bench = bench_of(role)
        yield [
            role.title,
            role.job_profile.title if role.job_profile else "",
            role.incumbent.full_name if role.incumbent else "",
            role.department.name if role.department else "",
            role.get_risk_of_loss_display(),
            role.get_impact_of_loss_display(),
            bench.ready_now,
            bench.ready_1_2_years,
            bench.ready_3_plus_years,
            bench.label,
        ]


# --- one role -----------------------------------------------------------------------------------


def get_visible_role(user: User, pk: int) -> CriticalRole:
    """One role with its job profile (and family), incumbent and department,
    or CriticalRole.DoesNotExist when `user` may not see it."""
    return (
        CriticalRole.objects.visible_to(user)
        .select_related("job_profile__family", "incumbent__job_profile", "department", "created_by")
        .get(pk=pk)
    )


def _successor_rows(queryset: QuerySet[Successor]) -> QuerySet[Successor]:
    readiness_order = Case(
        *(When(readiness=value, then=Value(i)) for i, value in enumerate(Readiness.values)),
        default=Value(len(Readiness.values)),
        output_field=IntegerField(),
    )
    return queryset.select_related(
        "employee__department", "employee__job_profile", "added_by"
    ).order_by(readiness_order, "employee__last_name", "employee__first_name", "id")


def role_successors(role: CriticalRole) -> list[Successor]:
    """The role's successors, readiest first, with their people (one query)."""
    return list(_successor_rows(Successor.objects.filter(role=role)))


def get_successor(role: CriticalRole, pk: int) -> Successor:
    """One successor of `role` (Successor.DoesNotExist otherwise)."""
    return Successor.objects.select_related("employee", "role").get(role=role, pk=pk)


def addable_people(user: User, role: CriticalRole) -> QuerySet[Employee]:
    """Current employees `user` may see who could be named a successor of
    `role`: not its incumbent, not already named."""
    people = (
        Employee.objects.visible_to(user)
        .filter(status__in=CURRENT)
        .exclude(pk__in=Successor.objects.filter(role=role).values("employee_id"))
    )
    if role.incumbent_id is not None:
        people = people.exclude(pk=role.incumbent_id)
    return people


def incumbent_people(user: User) -> QuerySet[Employee]:
    """Current employees who may hold a critical position the user creates:
    anyone for an HR admin, the HRBP's departments otherwise."""
    viewer = viewer_for(user)
    people = Employee.objects.filter(status__in=CURRENT)
    if viewer.is_hr_admin:
        return people
    return people.filter(department_id__in=viewer.hrbp_department_ids)


# --- suggestions ------------------------------------------------------------------------------


def high_performance_level_ids() -> frozenset[int]:
    """The rating levels the calibration grid places in its high-performance
    column (`grid.band_of_position`: one rule for the grid and for
    suggestions), over every scale (one query over the small level table)."""
    by_scale: dict[int, list[int]] = {}
    for pk, scale_id in RatingLevel.objects.order_by("scale_id", "value").values_list(
        "id", "scale_id"
    ):
        by_scale.setdefault(scale_id, []).append(pk)
    return frozenset(
        pk
        for levels in by_scale.values()
        if len(levels) > 1  # one level: nothing to tell apart
        for i, pk in enumerate(levels)
        if band_of_position(i, len(levels)) == Band.HIGH
    )


@dataclass(frozen=True)
class Suggestion:
    entry: CalibrationEntry
    same_family: bool

    @property
    def employee(self) -> Employee:
        return self.entry.employee

    @property
    def level(self) -> RatingLevel | None:
        entry = self.entry
        return entry.calibrated_level or entry.proposed_level or entry.original_level


def role_family_id(role: CriticalRole) -> int | None:
    """The job family a role belongs to: its job profile's, or the
    incumbent's job profile's."""
    if role.job_profile is not None:
        return role.job_profile.family_id
    if role.incumbent is not None and role.incumbent.job_profile is not None:
        return role.incumbent.job_profile.family_id
    return None


def suggestions(user: User, role: CriticalRole, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """High-performance, high-potential people from their latest locked
    calibration session, for `role` (two queries; see the module docstring)."""
    high = high_performance_level_ids()
    if not high:
        return []
    latest_locked = (
        CalibrationEntry.objects.filter(
            employee_id=OuterRef("employee_id"), session__state=SessionState.LOCKED
        )
        .order_by(F("session__locked_at").desc(nulls_last=True), "-session_id", "-pk")
        .values("pk")[:1]
    )
    family_id = role_family_id(role)
    same_family = (
        Case(
            When(employee__job_profile__family_id=family_id, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if family_id is not None
        else Value(0, output_field=IntegerField())
    )
    qs = (
        CalibrationEntry.objects.visible_to(user)
        .filter(session__state=SessionState.LOCKED, potential=Potential.HIGH)
        .annotate(
            level_now=Coalesce("calibrated_level_id", "proposed_level_id", "original_level_id")
        )
        .filter(level_now__in=high, pk=Subquery(latest_locked))
        .filter(
            employee__in=Employee.objects.visible_to(user).filter(status__in=CURRENT).values("pk")
        )
        .exclude(employee_id__in=Successor.objects.filter(role=role).values("employee_id"))
        .annotate(
            same_family=same_family,
            level_value=Coalesce(
                "calibrated_level__value", "proposed_level__value", "original_level__value"
            ),
        )
        .select_related(
            "employee__department",
            "employee__job_profile",
            "session__cycle",
            "calibrated_level",
            "proposed_level",
            "original_level",
        )
        .order_by(
            "-same_family",
            F("level_value").desc(nulls_last=True),
            "employee__last_name",
            "employee__first_name",
            "employee_id",
        )
    )
    if role.incumbent_id is not None:
        qs = qs.exclude(employee_id=role.incumbent_id)
    return [
        Suggestion(entry=entry, same_family=bool(getattr(entry, "same_family", 0)))
        for entry in qs[:limit]
    ]
