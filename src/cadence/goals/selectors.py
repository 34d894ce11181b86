"""Reads of goals, always starting from `visible_to`. Progress is computed
for a whole set of goals in two queries (visible goals of the periods, and
their key results) and rolled up in memory, so a page costs the same
whatever the size of the organisation. Roll-ups count only the goals the
viewer may see: a private goal never shows through its parent's number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
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
    """`Objective.objects.visible_to(user)` as a correlated EXISTS, so the
    rows are neither multiplied by the joins of the visibility rule nor
    de-duplicated by a DISTINCT over every selected column: counting and
    sorting a page stay cheap on a large organisation, and a narrow filter
    (one owner, one parent) still uses its index."""
    visible = Objective.objects.visible_to(user)
    if not visible.query.distinct:  # HR admin (everything) or nothing at all
        return visible
    return Objective.objects.filter(Exists(visible.filter(pk=OuterRef("pk")).order_by()))


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
    source: list[int] | QuerySet[Any]
    if isinstance(goal_ids, QuerySet):
        source = goal_ids.order_by()
    else:
        source = sorted(set(goal_ids))
        if not source:
            return GoalProgress()
    if not periods:
        return GoalProgress()
    walk = _rollup_walk_sql(source, periods)
    reached = visible_goals(user).filter(pk__in=walk, period_id__in=periods)
    rows = list(
        reached.exclude(status=ObjectiveStatus.CANCELLED).values_list("id", "parent_id", "weight")
    )
    children: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for oid, parent_id, weight in rows:
        if parent_id is not None:
            children[parent_id].append((oid, float(weight)))
    krs: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in KeyResult.objects.filter(objective_id__in=walk).order_by("id"):
        krs[kr.objective_id].append(kr)
    facts = {
        oid: [KeyResultFacts(float(kr.weight), kr.progress) for kr in items]
        for oid, items in krs.items()
    }
    if isinstance(source, QuerySet):
        # Every goal the walk reached has its whole roll-up in `rows`, so
        # answer for all of them rather than read the query of ids again.
        wanted = [oid for oid, _, _ in rows]
        return GoalProgress(progress=rollup(wanted, facts, children), key_results=dict(krs))
    live = {oid for oid, _, _ in rows}
    progress = rollup([oid for oid in source if oid in live], facts, children)
    return GoalProgress(
        progress={oid: progress.get(oid) for oid in source},
        key_results={oid: krs[oid] for oid in source if oid in krs},
    )


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
    import datetime as dt

    day = today if isinstance(today, dt.date) else dt.date.today()
    return (
        GoalPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on")
        .first()
        or GoalPeriod.objects.order_by("-starts_on").first()
    )


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
    if not viewer.employee_path:
        return qs.none()
    return qs.filter(owner_employee__reporting_path__startswith=viewer.employee_path)


def company_goals(user: User, period: GoalPeriod) -> QuerySet[Objective]:
    return goals(user, GoalFilters(period=period.pk, scope=Scope.COMPANY))
