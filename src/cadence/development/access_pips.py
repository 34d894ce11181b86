"""Who may read an improvement plan: the employee (once it is no longer a
draft — even when they are an HR admin), their manager chain, the plan's HR
partner and HR admins. Nobody
else — not an HRBP who is not the partner, not an executive, not a peer.
Every read is written to the access log by the pages and endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOTHING = Q(pk__in=[])


def plan_condition(user: User) -> Q:
    """The improvement plans `user` may read (as a filter on ImprovementPlan)."""
    from cadence.development.models import PlanState

    viewer = viewer_for(user)
    if viewer.user_id is None:
        return NOTHING
    if viewer.is_hr_admin:
        # Every plan — but not their own while it is a draft, like anyone on a plan.
        if viewer.employee_id is None:
            return Q()
        return ~Q(employee_id=viewer.employee_id, state=PlanState.DRAFT)
    condition = Q(hr_partner_id=viewer.user_id)
    me = viewer.employee_id
    if me is not None:
        condition |= Q(employee_id=me) & ~Q(state=PlanState.DRAFT)
        if viewer.employee_path:
            condition |= Q(employee__reporting_path__startswith=viewer.employee_path) & ~Q(
                employee_id=me
            )
    return condition
