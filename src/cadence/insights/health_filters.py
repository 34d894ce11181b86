"""The filters the programme-health and ratings pages share (and their API
endpoints): the cycle (see cycles.chosen_cycle), a department within the
viewer's scope, and the people both pages count — the scope's people,
narrowed to the chosen department and the departments below it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cadence.core.ids import parse_id
from cadence.insights.access import InsightScope
from cadence.people.models import Department, Employee


class BadParam(Exception):
    """A query parameter the page cannot use (page: 400; API: 400 JSON)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def department_choices(scope: InsightScope) -> list[Department]:
    """Departments the viewer may filter by: every department for an HR
    admin, else those with someone in the viewer's scope (one query)."""
    departments = Department.objects.order_by("name", "pk")
    if not scope.everyone:
        departments = departments.filter(
            pk__in=Employee.objects.filter(scope.employee_q()).values("department_id")
        )
    return list(departments)


def chosen_department(choices: list[Department], raw: str | None) -> Department | None:
    """The department named by ?department=, None when blank; BadParam
    when it is not one of `choices`."""
    if not raw:
        return None
    pk = parse_id(raw)
    found = next((d for d in choices if d.pk == pk), None)
    if found is None:
        raise BadParam("department", "department must be one of the departments you may see.")
    return found


@dataclass(frozen=True)
class People:
    """Whom the numbers are about: the scope, optionally one department
    (and its sub-departments)."""

    scope: InsightScope
    department: Department | None = None

    def q(self, prefix: str = "") -> Q:
        """A filter on the Employee reached through `prefix` (e.g. "employee__")."""
        condition = self.scope.employee_q(prefix)
        if self.department is not None:
            condition &= Q(**{f"{prefix}department__path__startswith": self.department.path})
        return condition
