"""Reads behind the goals pages that show many goals at once: rows with
progress for a list, the alignment tree of a period and the team summary.
Each builds on `selectors` (so on `visible_to`) and costs a fixed number of
queries whatever the size of the organisation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cadence.core.ids import parse_id
from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals import selectors
from cadence.goals.models import GoalPeriod, KeyResult, Objective, Scope
from cadence.goals.progress import Band
from cadence.people.models import Employee, EmploymentStatus

SCOPE_ORDER: dict[str, int] = {Scope.COMPANY: 0, Scope.DEPARTMENT: 1, Scope.PERSONAL: 2}


@dataclass
class GoalRow:
    """A goal with its rolled-up progress, band and key results."""

    goal: Objective
    progress: float | None
    band: Band
    key_results: list[KeyResult] = field(default_factory=list)
    children: list[GoalRow] = field(default_factory=list)
    # How many goals the viewer may see aligned to this one (the tree page
    # loads them on demand).
    child_count: int = 0


def goal_rows(
    user: User, goals: Iterable[Objective], progress: selectors.GoalProgress
) -> list[GoalRow]:
    """`goals` as rows, reading progress already computed (no queries)."""
    rows = []
    for goal in goals:
        value = progress.of(goal.pk)
        rows.append(
            GoalRow(
                goal=goal,
                progress=value,
                band=selectors.band_of(goal, value),
                key_results=progress.key_results.get(goal.pk, []),
            )
        )
    return rows


def period_from(raw: str | None) -> GoalPeriod | None:
    """The period chosen by ?period=, else the current one."""
    wanted = parse_id(raw)
    if wanted is not None:
        chosen = GoalPeriod.objects.filter(pk=wanted).first()
        if chosen is not None:
            return chosen
    return selectors.current_period()


def my_goal_rows(user: User, period: GoalPeriod) -> list[GoalRow]:
    """The signed-in person's own goals in `period` (three queries)."""
    employee_id = getattr(getattr(user, "employee", None), "pk", None)
    if employee_id is None:
        return []
    goals = list(selectors.goals(user, selectors.GoalFilters(period=period.pk, owner=employee_id)))
    return goal_rows(user, goals, selectors.progress_of(user, [g.pk for g in goals], [period.pk]))


def company_goal_rows(user: User, period: GoalPeriod) -> list[GoalRow]:
    """Company goals of `period` with progress."""
    goals = list(selectors.company_goals(user, period))
    return goal_rows(user, goals, selectors.progress_of(user, [g.pk for g in goals], [period.pk]))


# --- the alignment tree -------------------------------------------------------------


def goal_tree(user: User, period: GoalPeriod) -> list[GoalRow]:
    """Every goal `user` may see in `period`, nested by alignment: company
    goals first, then department, then personal. A goal whose parent the
    viewer cannot see is shown as a root, so a private goal never shows
    even as a gap (three queries)."""
    goals = list(
        selectors.goals(user, selectors.GoalFilters(period=period.pk)).order_by("title", "id")
    )
    rows = {
        row.goal.pk: row
        for row in goal_rows(user, goals, selectors.progress_for(user, [period.pk]))
    }
    roots: list[GoalRow] = []
    for row in rows.values():
        parent = rows.get(row.goal.parent_id) if row.goal.parent_id else None
        (parent.children if parent is not None else roots).append(row)

    def order(items: list[GoalRow]) -> None:
        items.sort(key=lambda r: (SCOPE_ORDER.get(r.goal.scope, 9), r.goal.title, r.goal.pk))
        for item in items:
            order(item.children)

    order(roots)
    return roots


@dataclass(frozen=True)
class LevelPage:
    """Which page of a level is shown, and whether another follows."""

    number: int
    has_next: bool

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass
class TreeLevel:
    """One page of one level of the tree: the goals aligned to `parent` (or
    the roots when it is None), each with progress and its number of
    visible aligned goals."""

    parent: Objective | None
    rows: list[GoalRow]
    page: LevelPage


# Goals per page of a level: a department can have hundreds aligned to it.
TREE_PAGE_SIZE = 50


# Up to this many goals aligned to in a period, the roots are found from
# the list of those the viewer cannot see there (see `_hidden_parents`).
HIDDEN_PARENTS_AS_LIST_LIMIT = 1000


def _hidden_parents(user: User, period: GoalPeriod) -> list[int] | None:
    """The goals that goals of `period` are aligned to but that the viewer
    cannot see in `period` (another period's, or not visible to them); None
    when the period's goals are aligned to too many goals to list.

    A goal aligned to one of these is a root. Testing each of a period's
    goals for a visible parent instead reads every goal of the period, and
    PostgreSQL cannot estimate that test, so it plans for tens of thousands
    of roots (and compiles the query) where there are a handful. Goals are
    aligned to few goals (company and department ones mostly), so listing
    them is one small query."""
    aligned_to = (
        Objective.objects.filter(period_id=period.pk, parent__isnull=False)
        .order_by()
        .values("parent_id")
        .distinct()
    )
    shown = selectors.visible_goals(user).filter(pk=OuterRef("pk"), period_id=period.pk)
    hidden = list(
        Objective.objects.filter(pk__in=aligned_to)
        .filter(~Exists(shown.order_by()))
        .order_by()
        .values_list("pk", flat=True)[: HIDDEN_PARENTS_AS_LIST_LIMIT + 1]
    )
    return None if len(hidden) > HIDDEN_PARENTS_AS_LIST_LIMIT else sorted(hidden)


def _level_goals(user: User, period: GoalPeriod, parent: Objective | None) -> QuerySet[Objective]:
    """The visible goals of `period` aligned to `parent`; with no parent the
    roots: goals aligned to nothing, or to a goal the viewer cannot see in
    this period (so a private goal never shows, even as a gap)."""
    level = selectors.goals(user, selectors.GoalFilters(period=period.pk))
    if parent is not None:
        level = level.filter(parent_id=parent.pk)
    else:
        hidden = _hidden_parents(user, period)
        if hidden is not None:
            level = level.filter(Q(parent__isnull=True) | Q(parent_id__in=hidden))
        else:
            parent_shown = selectors.visible_goals(user).filter(
                pk=OuterRef("parent_id"), period_id=period.pk
            )
            level = level.filter(Q(parent__isnull=True) | ~Exists(parent_shown.order_by()))
    rank = Case(
        *(When(scope=scope, then=Value(order)) for scope, order in SCOPE_ORDER.items()),
        default=Value(9),
        output_field=IntegerField(),
    )
    return level.annotate(scope_rank=rank).order_by("scope_rank", "title", "id")


def tree_level(
    user: User, period: GoalPeriod, parent: Objective | None, page_number: object = None
) -> TreeLevel:
    """One page of a level of the alignment tree, company goals first, then
    department, then personal (four queries, whatever the organisation).
    One row more than a page is read to know whether there is a next page,
    instead of counting a level that can hold thousands of goals."""
    number = parse_id(str(page_number or "")) or 1
    start = (number - 1) * TREE_PAGE_SIZE
    level = _level_goals(user, period, parent)
    if parent is None:
        # The roots are few and found by index (see `_hidden_parents`), so
        # their numbers of visible aligned goals are counted in the same
        # query, each through the parent index. A deeper level can hold
        # thousands of goals: PostgreSQL would then plan (and compile) the
        # count for each of them, so it is counted apart for the page.
        aligned = (
            selectors.goals(user, selectors.GoalFilters(period=period.pk))
            .filter(parent_id=OuterRef("pk"))
            .order_by()
            .values("parent_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        level = level.annotate(
            aligned_count=Coalesce(Subquery(aligned, output_field=IntegerField()), 0)
        )
    goals = list(level[start : start + TREE_PAGE_SIZE + 1])
    page = LevelPage(number=number, has_next=len(goals) > TREE_PAGE_SIZE)
    goals = goals[:TREE_PAGE_SIZE]
    ids = [g.pk for g in goals]
    counts: dict[int, int] = {}
    if parent is None:
        counts = {g.pk: g.aligned_count for g in goals}  # type: ignore[attr-defined]
    elif ids:
        counts = dict(
            selectors.goals(user, selectors.GoalFilters(period=period.pk))
            .filter(parent_id__in=ids)
            .order_by()
            .values_list("parent_id")
            .annotate(n=Count("id"))
            .values_list("parent_id", "n")
        )
    rows = goal_rows(user, goals, selectors.progress_of(user, ids, [period.pk]))
    for row in rows:
        row.child_count = counts.get(row.goal.pk, 0)
    return TreeLevel(parent=parent, rows=rows, page=page)


def tree_data(user: User, period: GoalPeriod) -> list[dict[str, Any]]:
    """The tree as flat JSON rows: {id, title, scope, parent_id, progress,
    band}; parent_id is null when the parent is not visible."""
    rows: list[dict[str, Any]] = []

    def walk(items: list[GoalRow], parent_id: int | None) -> None:
        for row in items:
            rows.append(
                {
                    "id": row.goal.pk,
                    "title": row.goal.title,
                    "scope": row.goal.scope,
                    "parent_id": parent_id,
                    "progress": None if row.progress is None else round(row.progress, 4),
                    "band": str(row.band),
                }
            )
            walk(row.children, row.goal.pk)

    walk(goal_tree(user, period), None)
    return rows


# --- the team page ----------------------------------------------------------------------


@dataclass
class TeamMemberRow:
    employee: Employee
    goal_count: int
    progress: float | None
    last_check_in_at: dt.datetime | None


def team_members(user: User) -> QuerySet[Employee]:
    """The viewer's current direct and indirect reports, in reporting-line
    order (nobody when the viewer is not an employee)."""
    # `Employee.objects.reports_of(me)`, from the viewer's employee id and
    # path (read once a request for the visibility rules anyway) instead of
    # a query for their whole employee row.
    viewer = viewer_for(user)
    return (
        # Nobody for someone with no place in the reporting tree: an empty
        # path is a prefix of everyone's (Viewer.reports_q says so).
        Employee.objects.filter(viewer.reports_q())
        .filter(status=EmploymentStatus.ACTIVE)
        .select_related("department", "job_profile")
        .order_by("reporting_path")
    )


def team_rows(user: User, period: GoalPeriod, reports: list[Employee]) -> list[TeamMemberRow]:
    """These reports (a page of `team_members`) with the number of their
    goals the viewer may see in `period`, the mean progress of those goals
    and their latest check-in (three queries, whatever the team's size)."""
    if not reports:
        return []
    # Only the goals of the people shown, through the (period, owner)
    # index. A goal with an owning employee is a personal one (a check
    # constraint), so the owner test is also the scope test.
    team_goals = selectors.goals(user, selectors.GoalFilters(period=period.pk)).filter(
        owner_employee_id__in=[person.pk for person in reports]
    )
    # In the goals' usual order (the period and scope are the same for all),
    # the order each person's mean adds them up in.
    goals = list(team_goals.order_by("title", "id").values_list("id", "owner_employee_id"))
    progress = selectors.progress_of(user, [goal_id for goal_id, _ in goals], [period.pk])
    by_owner: dict[int, list[int]] = defaultdict(list)
    for goal_id, owner_id in goals:
        by_owner[owner_id].append(goal_id)
    result = []
    for person in reports:
        ids = by_owner.get(person.pk, [])
        values = [v for v in (progress.of(i) for i in ids) if v is not None]
        check_ins = [
            kr.last_check_in_at
            for i in ids
            for kr in progress.key_results.get(i, [])
            if kr.last_check_in_at is not None
        ]
        result.append(
            TeamMemberRow(
                employee=person,
                goal_count=len(ids),
                progress=sum(values) / len(values) if values else None,
                last_check_in_at=max(check_ins) if check_ins else None,
            )
        )
    return result
