"""Reads of goals, always starting from `visible_to`. Progress is computed
for a whole set of goals in two queries (visible goals of the periods, and
their key results) and rolled up in memory, so a page costs the same
whatever the size of the organisation. Roll-ups count only the goals the
viewer may see: a private goal never shows through its parent's number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from cadence.core.models import User
from cadence.core.permissions import viewer_for
from cadence.goals.models import (
    Approval,
    GoalPeriod,
    KeyResult,
    Objective,
    ObjectiveStatus,
    Scope,
)
from cadence.goals.progress import Band, KeyResultFacts, band, rollup
from cadence.people.models import Employee


@dataclass(frozen=True)
class GoalFilters:
    period: int | None = None
    owner: int | None = None
    department: int | None = None
    status: str | None = None
    parent: int | None = None
    scope: str | None = None
    approval: str | None = None
    q: str = ""


def visible_goals(user: User) -> QuerySet[Objective]:
    """`Objective.objects.visible_to(user)`: a filter on the goal's own
    columns and non-correlated subqueries, so the rows are never multiplied
    (no DISTINCT), a count or a sorted page reads only the goals, and a
    narrow filter (one owner, one parent, one period) still uses its index."""
    return Objective.objects.visible_to(user)


def goals(user: User, filters: GoalFilters | None = None) -> QuerySet[Objective]:
    """The goals `user` may see, filtered, with what a list row shows joined."""
    f = filters or GoalFilters()
    qs = visible_goals(user).select_related(
        "period", "owner_employee", "owner_department", "parent"
    )
    if f.period is not None:
        qs = qs.filter(period_id=f.period)
    if f.owner is not None:
        qs = qs.filter(owner_employee_id=f.owner)
    if f.department is not None:
        qs = qs.filter(owner_department_id=f.department)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.parent is not None:
        qs = qs.filter(parent_id=f.parent)
    if f.scope:
        qs = qs.filter(scope=f.scope)
    if f.approval:
        qs = qs.filter(approval=f.approval)
    if f.q:
        qs = qs.filter(title__icontains=f.q)
    return qs


def _period_groups(period: int | None) -> list[list[int]]:
    """The ids of the goal periods in the goals' list order (most recent
    start first), periods starting the same day together: the goals of such
    periods interleave in the list (by scope, then title)."""
    periods = GoalPeriod.objects.order_by("-starts_on", "id")
    if period is not None:
        periods = periods.filter(pk=period)
    groups: list[list[int]] = []
    last_start = None
    for pk, starts_on in periods.values_list("pk", "starts_on"):
        if groups and starts_on == last_start:
            groups[-1].append(pk)
        else:
            groups.append([pk])
        last_start = starts_on
    return groups


def goals_page(
    user: User, filters: GoalFilters | None, *, offset: int, limit: int
) -> tuple[int, list[Objective]]:
    """How many goals `goals(user, filters)` holds, and the slice
    [offset, offset + limit) of them in their usual order (period, most
    recent first, then scope, title, id).

    Cutting one page out of every visible goal would carry every column of
    every goal (and of its joined owner, department and parent) through one
    sort of the whole organisation's goals on each request. The period is
    the order's first key, so the page is found a period at a time instead,
    sorting only the ids and titles of that period's goals, and then only
    the page's rows are read (usually four queries: the count, the periods,
    the page's ids, its rows). The goals per period are counted only when
    the page does not start in the first period or runs past its end."""
    queryset = goals(user, filters)
    sizes: dict[int, int] | None = None
    if offset > 0:
        sizes = _goals_per_period(queryset)
        total = sum(sizes.values())
    else:
        total = queryset.count()
    if offset >= total:
        return total, []
    ids: list[int] = []
    skip = offset
    for group in _period_groups(filters.period if filters else None):
        if sizes is not None:
            in_group = sum(sizes.get(pk, 0) for pk in group)
            if skip >= in_group:  # the page starts after this period (or it has no goals)
                skip -= in_group
                continue
        wanted = limit - len(ids)
        in_order = (
            queryset.filter(period_id__in=group)
            .order_by("scope", "title", "id")
            .values_list("pk", flat=True)
        )
        ids.extend(in_order[skip : skip + wanted])
        skip = 0
        if len(ids) >= limit:
            break
        if sizes is None:  # the page runs on: skip the periods without goals
            sizes = _goals_per_period(queryset)
    found = {goal.pk: goal for goal in queryset.filter(pk__in=ids).order_by()}
    return total, [found[pk] for pk in ids if pk in found]


def _goals_per_period(queryset: QuerySet[Objective]) -> dict[int, int]:
    counts = queryset.order_by().values_list("period_id").annotate(n=Count("pk"))
    return dict(counts.values_list("period_id", "n"))


def get_visible_goal(user: User, pk: int) -> Objective:
    """One goal, or Objective.DoesNotExist when `user` may not see it."""
    return goals(user).get(pk=pk)


def visible_parent(user: User, objective: Objective) -> Objective | None:
    """The goal this one contributes to, if the viewer may see it."""
    if objective.parent_id is None:
        return None
    return Objective.objects.visible_to(user).filter(pk=objective.parent_id).first()


@dataclass
class GoalProgress:
    progress: dict[int, float | None] = field(default_factory=dict)
    key_results: dict[int, list[KeyResult]] = field(default_factory=dict)

    def of(self, objective_id: int) -> float | None:
        return self.progress.get(objective_id)


def progress_for(user: User, period_ids: Iterable[int]) -> GoalProgress:
    """Progress of every goal `user` may see in these periods (two queries)."""
    visible = Objective.objects.visible_to(user).filter(period_id__in=list(period_ids))
    rows = list(
        visible.exclude(status=ObjectiveStatus.CANCELLED).values_list("id", "parent_id", "weight")
    )
    ids = [oid for oid, _, _ in rows]
    children: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for oid, parent_id, weight in rows:
        if parent_id is not None:
            children[parent_id].append((oid, float(weight)))
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in KeyResult.objects.filter(objective__in=visible.values("id")).order_by("id"):
        krs[kr.objective_id].append(kr)
    facts = {
        oid: [KeyResultFacts(float(kr.weight), kr.progress) for kr in items]
        for oid, items in krs.items()
    }
    return GoalProgress(progress=rollup(ids, facts, children), key_results=dict(krs))


def _rollup_walk_sql(goal_ids: list[int] | QuerySet[Any], period_ids: list[int]) -> RawSQL:
    """The ids of `goal_ids` (a list, or a query of ids) and of every goal
    their roll-up may reach: the children (in `period_ids`, not cancelled) of
    a goal without key results, recursively. One recursive query; UNION
    stops on a (refused) cycle."""
    qn = connection.ops.quote_name
    goal, kr = qn(Objective._meta.db_table), qn(KeyResult._meta.db_table)
    if isinstance(goal_ids, QuerySet):
        marks, base_params = goal_ids.query.sql_with_params()
        base = list(base_params)
    else:
        marks, base = ", ".join(["%s"] * len(goal_ids)), list(goal_ids)
    periods = ", ".join(["%s"] * len(period_ids))
    sql = (
        f"WITH RECURSIVE walk(id) AS ("
        f" SELECT g.id FROM {goal} g WHERE g.id IN ({marks})"
        f" UNION"
        f" SELECT c.id FROM {goal} c INNER JOIN walk w ON c.parent_id = w.id"
        f" WHERE c.period_id IN ({periods}) AND c.status <> %s"
        f" AND NOT EXISTS (SELECT 1 FROM {kr} k WHERE k.objective_id = w.id)"
        f") SELECT walk.id FROM walk"
    )
    return RawSQL(sql, [*base, *period_ids, ObjectiveStatus.CANCELLED])


def progress_of(
    user: User, goal_ids: Iterable[int] | QuerySet[Any], period_ids: Iterable[int]
) -> GoalProgress:
    """Progress and key results of these goals (already visible to `user`;
    a list of ids, or a query of ids for a large set), the same numbers as
    `progress_for` over `period_ids` but reading only what the roll-up
    needs: their key results and, for a goal without any, its visible
    aligned goals, recursively (two queries, none for an empty list)."""
    periods = sorted(set(period_ids))
    if isinstance(goal_ids, QuerySet):
        if not periods:
            return GoalProgress()
        return _progress_of_query(user, goal_ids.order_by(), periods)
    source = sorted(set(goal_ids))
    if not source or not periods:
        return GoalProgress()
    walk = _rollup_walk_sql(source, periods)
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in KeyResult.objects.filter(objective_id__in=walk).order_by("id"):
        krs[kr.objective_id].append(kr)
    # The walk goes past a goal only when it has no key results: when all
    # of these have some, it reached them alone, and their rows are read by
    # id. PostgreSQL cannot estimate a recursive query's size (it guesses
    # about a million rows), so it would read every goal of the table to
    # join the walk; only a goal without key results needs that.
    reached: list[int] | RawSQL = source if all(oid in krs for oid in source) else walk
    rows = _rollup_rows(user, reached, periods)
    facts = {
        oid: [KeyResultFacts(float(kr.weight), kr.progress) for kr in items]
        for oid, items in krs.items()
    }
    live = {oid for oid, _, _ in rows}
    progress = rollup([oid for oid in source if oid in live], facts, _children_of(rows))
    return GoalProgress(
        progress={oid: progress.get(oid) for oid in source},
        key_results={oid: krs[oid] for oid in source if oid in krs},
    )


def _rollup_rows(
    user: User, reached: list[int] | RawSQL, periods: list[int]
) -> list[tuple[int, int | None, Any]]:
    """(id, parent id, weight) of the goals reached that count in a roll-up:
    visible to `user`, in `periods`, not cancelled."""
    counted = (
        visible_goals(user)
        .filter(pk__in=reached, period_id__in=periods)
        .exclude(status=ObjectiveStatus.CANCELLED)
        .order_by()
    )
    # In the goals' usual order (it is the order children are summed in),
    # sorting only the goals reached: with that order on the filtered query
    # itself, SQLite would rather read a whole period through its
    # (period, scope) index to get the rows already sorted.
    return list(
        Objective.objects.filter(pk__in=counted.values("pk")).values_list(
            "id", "parent_id", "weight"
        )
    )


def _children_of(rows: list[tuple[int, int | None, Any]]) -> dict[int, list[tuple[int, float]]]:
    children: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for oid, parent_id, weight in rows:
        if parent_id is not None:
            children[parent_id].append((oid, float(weight)))
    return children


def _progress_of_query(user: User, source: QuerySet[Any], periods: list[int]) -> GoalProgress:
    """`progress_of` for a query of ids (a large set): the walk joined by
    the database (two queries), answering for every goal it reached."""
    walk = _rollup_walk_sql(source, periods)
    rows = _rollup_rows(user, walk, periods)
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in KeyResult.objects.filter(objective_id__in=walk).order_by("id"):
        krs[kr.objective_id].append(kr)
    facts = {
        oid: [KeyResultFacts(float(kr.weight), kr.progress) for kr in items]
        for oid, items in krs.items()
    }
    # Every goal the walk reached has its whole roll-up in `rows`, so
    # answer for all of them rather than read the query of ids again.
    wanted = [oid for oid, _, _ in rows]
    return GoalProgress(progress=rollup(wanted, facts, _children_of(rows)), key_results=dict(krs))


def key_results_of(goals: Iterable[Objective]) -> dict[int, list[KeyResult]]:
    """The key results of these goals (already visible), in one query."""
    found: dict[int, list[KeyResult]] = defaultdict(list)
    ids = [g.pk for g in goals]
    for kr in KeyResult.objects.filter(objective_id__in=ids).order_by("objective_id", "id"):
        found[kr.objective_id].append(kr)
    return found


def band_of(objective: Objective, progress: float | None) -> Band:
    return band(progress, aspirational=objective.is_aspirational)


def current_period(today: object | None = None) -> GoalPeriod | None:
    """The period containing today, else the most recent one."""
    return current_period_among(list(GoalPeriod.objects.order_by("-starts_on")), today)


def current_period_among(
    periods: Sequence[GoalPeriod], today: object | None = None
) -> GoalPeriod | None:
    """`current_period` among periods already read, most recent first (the
    pages list them all for their period picker anyway)."""
    import datetime as dt

    day = today if isinstance(today, dt.date) else dt.date.today()
    containing = (p for p in periods if p.starts_on <= day <= p.ends_on)
    return next(containing, None) or (periods[0] if periods else None)


def awaiting_approval(user: User, period: GoalPeriod | None = None) -> QuerySet[Objective]:
    """Personal goals waiting for `user`'s decision: their reports' goals
    (direct and indirect; HR admin: everyone's), never their own."""
    viewer = viewer_for(user)
    qs = goals(
        user,
        GoalFilters(
            period=period.pk if period else None, scope=Scope.PERSONAL, approval=Approval.PENDING
        ),
    )
    if viewer.employee_id is not None:
        qs = qs.exclude(owner_employee_id=viewer.employee_id)
    if viewer.is_hr_admin:
        return qs
    # The reports as a list of people, not a path test on every goal's owner:
    # SQLite can use no index for the LIKE, so it would read every goal.
    reports = Employee.objects.order_by().filter(viewer.reports_q())
    return qs.filter(owner_employee_id__in=reports.values("pk"))


def company_goals(user: User, period: GoalPeriod) -> QuerySet[Objective]:
    return goals(user, GoalFilters(period=period.pk, scope=Scope.COMPANY))
