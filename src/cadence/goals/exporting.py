"""Goals and their progress for a period, as rows for a CSV or XLSX export.

Only the goals the user may see (`selectors.goals`, so `visible_to`), with
the same rolled-up progress the pages show (over visible goals only), and a
parent named only when the user may see it. Costs a fixed number of queries
whatever the number of goals."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cadence.core.models import User
from cadence.goals import selectors
from cadence.goals.models import GoalPeriod, KeyResult, Objective

SHEET = "Goals"
HEADERS = (
    "Goal ID",
    "Period",
    "Scope",
    "Owner",
    "Employee number",
    "Department",
    "Title",
    "Kind",
    "Visibility",
    "Status",
    "Approval",
    "Weight",
    "Contributes to (ID)",
    "Contributes to",
    "Progress (%)",
    "Band",
    "Key results",
    "Last check-in",
)


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value * 100, 1)))


def _key_results_text(key_results: list[KeyResult]) -> str:
    return "; ".join(f"{kr.title}: {_percent(kr.progress)}%" for kr in key_results)


def export_rows(
    user: User, period: GoalPeriod, filters: selectors.GoalFilters | None = None
) -> Iterator[list[Any]]:
    """The header, then one row per goal of `period` the user may see,
    company goals first, then department, then personal."""
    base = filters or selectors.GoalFilters()
    chosen = selectors.GoalFilters(**{**base.__dict__, "period": period.pk})
    goals = selectors.goals(user, chosen).select_related("owner_employee__department")
    goals = goals.order_by("scope", "owner_department__name", "owner_employee__last_name", "id")
    visible_parents = set(
        Objective.objects.visible_to(user)
        .filter(pk__in=goals.filter(parent__isnull=False).values("parent_id"))
        .values_list("pk", flat=True)
    )
    progress = selectors.progress_for(user, [period.pk])
    yield list(HEADERS)
    for goal in goals.iterator(chunk_size=1000):
        owner = goal.owner_employee
        department = goal.owner_department or (owner.department if owner else None)
        parent = goal.parent if goal.parent_id in visible_parents else None
        key_results = progress.key_results.get(goal.pk, [])
        check_ins = [kr.last_check_in_at for kr in key_results if kr.last_check_in_at]
        value = progress.of(goal.pk)
        yield [
            goal.pk,
            period.name,
            goal.get_scope_display(),
            owner.full_name if owner else "",
            owner.employee_number if owner else "",
            department.name if department else "",
            goal.title,
            goal.get_kind_display(),
            goal.get_visibility_display(),
            goal.get_status_display(),
            goal.get_approval_display(),
            goal.weight,
            parent.pk if parent else "",
            parent.title if parent else "",
            _percent(value),
            str(selectors.band_of(goal, value)),
            _key_results_text(key_results),
            max(check_ins).date() if check_ins else None,
        ]
