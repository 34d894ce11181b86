"""Who may read a development plan: the employee, their manager chain, HR
admins and the HRBP for the employee's department."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOTHING = Q(pk__in=[])


def development_plan_condition(user: User) -> Q:
    """The development plans `user` may read (as a filter on DevelopmentPlan)."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return Q()
    condition = NOTHING
    if viewer.hrbp_department_ids:
        condition |= Q(employee__department_id__in=viewer.hrbp_department_ids)
    me = viewer.employee_id
    if me is not None:
        condition |= Q(employee_id=me)
        if viewer.employee_path:
            condition |= Q(employee__reporting_path__startswith=viewer.employee_path)
    return condition
