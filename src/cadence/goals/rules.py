"""Who may write which goals. One place, used by services, pages and API."""

from __future__ import annotations

from cadence.core.models import User
from cadence.core.permissions import Viewer, viewer_for
from cadence.goals.models import Approval, Objective, Scope

# Approval decisions a manager can still take (an approved goal is settled;
# a goal that needs no approval has nothing to decide).
OPEN_APPROVALS = (Approval.PENDING, Approval.CHANGES_REQUESTED)


def can_edit_objective(user: User, objective: Objective) -> bool:
    """Personal goals: the owner, their manager chain, HR admin and the HRBP
    for the owner's department. Department goals: HR admin, the HRBP for that
    department, and whoever created it. Company goals: HR admin."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return True
    if objective.scope == Scope.PERSONAL:
        owner = objective.owner_employee
        if owner is None:
            return False
        return (
            viewer.is_self(owner.pk)
            or viewer.manages(owner.reporting_path, owner.pk)
            or owner.department_id in viewer.hrbp_department_ids
        )
    if objective.scope == Scope.DEPARTMENT:
        return objective.owner_department_id in viewer.hrbp_department_ids or (
            objective.created_by_id is not None and objective.created_by_id == user.pk
        )
    return False


def can_approve_objective(viewer: Viewer, objective: Objective) -> bool:
    """A report's manager chain (and HR admin) approves their personal
    goals; nobody approves their own."""
    owner = objective.owner_employee
    if objective.scope != Scope.PERSONAL or owner is None or viewer.is_self(owner.pk):
        return False
    return viewer.is_hr_admin or viewer.manages(owner.reporting_path, owner.pk)


def can_decide_approval(user: User, objective: Objective) -> bool:
    """Whether `user` may approve this goal now, or send it back: an open
    approval on a report's goal, never one's own."""
    return objective.approval in OPEN_APPROVALS and can_approve_objective(
        viewer_for(user), objective
    )
