"""Who may see which insights, in one place (every page, endpoint, export
and the PDF read it):

- HR admins see the whole organisation, and are the only ones who see
  breakdowns by a protected attribute (adverse impact, language by group),
  pay equity, and per-reviewer language numbers.
- An HRBP and an executive see the people of their departments; a manager
  sees their reports at any depth. Nobody's insights include themselves. Their numbers are
  counts and rates by department, level, location, manager and cycle.
- Anyone else has no insights (403).

On top of the scope, rating numbers start from `ReviewResult.visible_to`,
so an executive sees ratings only once released, like everywhere else.
Every group with fewer than `min_group_size()` people is "not enough data".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from cadence.core.permissions import Viewer, viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOT_ENOUGH = "not enough data"


def min_group_size() -> int:
    """The smallest group whose numbers are shown (DESIGN §4: default 5,
    never below 3; CADENCE_INSIGHTS_MIN_GROUP_SIZE)."""
    return max(3, int(settings.CADENCE_INSIGHTS_MIN_GROUP_SIZE))


def enough(count: int) -> bool:
    return count >= min_group_size()


@dataclass(frozen=True)
class InsightScope:
    viewer: Viewer
    manages_anyone: bool

    @property
    def everyone(self) -> bool:
        return self.viewer.is_hr_admin

    @property
    def sees_protected(self) -> bool:
        """Breakdowns by sex, race, age band, disability, veteran status."""
        return self.viewer.is_hr_admin

    @property
    def sees_pay(self) -> bool:
        return self.viewer.is_hr_admin

    @property
    def department_ids(self) -> frozenset[int]:
        return self.viewer.hrbp_department_ids | self.viewer.executive_department_ids

    def employee_q(self, prefix: str = "") -> Q:
        """The employees these insights may cover, as a filter on an
        Employee reached through `prefix` ("" or e.g. "employee__")."""
        condition = Q() if self.everyone else self.viewer.reports_q(prefix)
        if self.department_ids and not self.everyone:
            condition |= Q(**{f"{prefix}department_id__in": sorted(self.department_ids)})
        if self.viewer.employee_id is not None:
            # Never the viewer themself, HR admins included: their own
            # (perhaps unreleased) rating could be worked out by subtraction,
            # and reviews about them (anonymous upward ones too) are not
            # theirs to analyse, as everywhere else in the product.
            condition &= ~Q(**{f"{prefix}pk": self.viewer.employee_id})
        return condition


def scope_for(user: User) -> InsightScope | None:
    """The viewer's insight scope, or None when they have no insights."""
    from cadence.people.models import Employee

    viewer = viewer_for(user)
    if viewer.is_hr_admin or viewer.hrbp_department_ids or viewer.executive_department_ids:
        return InsightScope(viewer=viewer, manages_anyone=bool(viewer.employee_path))
    if viewer.employee_id is None or not viewer.employee_path:
        return None
    if not Employee.objects.filter(viewer.reports_q()).exists():
        return None
    return InsightScope(viewer=viewer, manages_anyone=True)


def require_scope(user: User) -> InsightScope:
    """The scope, or PermissionDenied (a 403 page; the API's JSON 403)."""
    scope = scope_for(user)
    if scope is None:
        raise PermissionDenied("Insights cover the people you manage or look after.")
    return scope


def require_hr_admin(user: User) -> InsightScope:
    """Protected-attribute and pay analyses: HR admins only."""
    scope = require_scope(user)
    if not scope.sees_protected:
        raise PermissionDenied("Only HR admins see fairness and pay analyses.")
    return scope


def log_aggregate_read(user: User, *, label: str, fields: list[str], context: str) -> None:
    """One access-log row for a report that read protected attributes or
    pay in aggregate (DESIGN §4: each read of a sensitive record is
    logged). `label` names what was analysed, e.g. the cycle and the
    attribute; the row's object is the report (object_type "insights.report")."""
    from cadence.core.models import AccessLogEntry
    from cadence.core.request_context import current_request_id

    AccessLogEntry.objects.create(
        actor=user,
        actor_label=user.email,
        object_type="insights.report",
        object_id=context[:64],
        object_label=label[:254],
        fields=sorted(set(fields)),
        context=context[:80],
        request_id=current_request_id(),
    )
