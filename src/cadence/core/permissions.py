"""Who the signed-in person is to the organisation, resolved once per request:
their roles, their department scopes (as sets of department ids, subtrees
expanded) and their own place in the reporting tree. Every `visible_to` and
field rule reads this instead of querying roles again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from cadence.core.models import Role, RoleAssignment, User

_CACHE_ATTR = "_cadence_viewer"


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    is_hr_admin: bool = False
    is_auditor: bool = False
    employee_id: int | None = None
    employee_path: str = ""
    hrbp_department_ids: frozenset[int] = field(default_factory=frozenset)
    executive_department_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def in_organisation(self) -> bool:
        """An employee, or someone holding an HR or executive role. Auditors
        read the logs, not the people."""
        return (
            self.employee_id is not None
            or self.is_hr_admin
            or bool(self.hrbp_department_ids or self.executive_department_ids)
        )

    @property
    def can_read_logs(self) -> bool:
        return self.is_hr_admin or self.is_auditor

    @property
    def is_hr(self) -> bool:
        """HR admin or an HRBP for at least one department."""
        return self.is_hr_admin or bool(self.hrbp_department_ids)

    def is_self(self, employee_id: int) -> bool:
        return self.employee_id is not None and self.employee_id == employee_id

    def manages(self, employee_reporting_path: str, employee_id: int) -> bool:
        """True when the viewer is above the employee in the reporting tree."""
        return (
            self.employee_id is not None
            and employee_id != self.employee_id
            and bool(self.employee_path)
            and employee_reporting_path.startswith(self.employee_path)
        )

    def reports_q(self, prefix: str = "") -> Q:
        """The viewer's reports at any depth (not the viewer), as a filter on
        an Employee reached through `prefix` ("" or e.g. "employee__").
        Nothing at all when the viewer has no place in the reporting tree:
        an empty path would otherwise be a prefix of everyone's."""
        if self.employee_id is None or not self.employee_path:
            return Q(pk__in=[])
        return Q(**{f"{prefix}reporting_path__startswith": self.employee_path}) & ~Q(
            **{f"{prefix}pk": self.employee_id}
        )


ANONYMOUS = Viewer(user_id=None)


def viewer_for(user: Any) -> Viewer:
    """The viewer for this login, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached: Viewer | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    viewer = _resolve(user)
    setattr(user, _CACHE_ATTR, viewer)
    return viewer


def forget_viewer(user: Any) -> None:
    """Drop the cached viewer (after roles or reporting lines change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _resolve(user: User) -> Viewer:
    from cadence.people.models import Department, Employee

    grants = list(RoleAssignment.objects.filter(user=user).values_list("role", "department__path"))
    roles = {role for role, _ in grants}
    scoped_paths: dict[str, list[str]] = {Role.HRBP: [], Role.EXECUTIVE: []}
    for role, path in grants:
        if role in scoped_paths and path:
            scoped_paths[role].append(path)
    all_paths = scoped_paths[Role.HRBP] + scoped_paths[Role.EXECUTIVE]
    hrbp: set[int] = set()
    executive: set[int] = set()
    if all_paths:
        condition = Q()
        for path in all_paths:
            condition |= Q(path__startswith=path)
        for dept_id, dept_path in Department.objects.filter(condition).values_list("id", "path"):
            if any(dept_path.startswith(p) for p in scoped_paths[Role.HRBP]):
                hrbp.add(dept_id)
            if any(dept_path.startswith(p) for p in scoped_paths[Role.EXECUTIVE]):
                executive.add(dept_id)
    me = Employee.objects.filter(user=user).values_list("id", "reporting_path").first()
    return Viewer(
        user_id=user.pk,
        is_hr_admin=Role.HR_ADMIN in roles or user.is_superuser,
        is_auditor=Role.AUDITOR in roles,
        employee_id=me[0] if me else None,
        employee_path=me[1] if me else "",
        hrbp_department_ids=frozenset(hrbp),
        executive_department_ids=frozenset(executive),
    )
