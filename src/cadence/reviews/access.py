"""Who may see which review records. One place, used by every page,
endpoint, export and report of the reviews app (DESIGN §2: visibility is
one function per model).

- Cycles: HR (admin and HRBPs) and executives see every cycle; anyone else
  the cycles they or their reports (at any depth) take part in, or that
  they write a review in.
- Assignments (who reviews whom, of which kind, and its status): the
  reviewer; HR admin; the HRBP for the reviewee's department; the
  reviewee's manager chain — except that an anonymous upward review is
  never shown to the manager chain of the manager it is about (they manage
  the writer too, but it would tell them who said what), and the reviewee
  sees no assignment about them but their own self review — whatever their
  role (an HR admin or HRBP who is reviewed included). What a reviewee
  reads of the answers is decided by the released result's disclosure
  rules, not here.
- Results: the employee once released; their manager chain; the HRBP for
  their department; HR admin; executives over their department once
  released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import Viewer, viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User


NOTHING = Q(pk__in=[])


def cycle_condition(user: User) -> Q | None:
    """The cycles `user` may see (None: all of them)."""
    from cadence.reviews.models import CycleParticipant, ReviewAssignment

    viewer = viewer_for(user)
    if viewer.is_hr or viewer.executive_department_ids:
        return None
    if viewer.employee_id is None:
        return NOTHING
    me = viewer.employee_id
    # Subqueries rather than joins, so the cycle list needs no DISTINCT. A
    # manager sees the cycles their reports (at any depth) take part in, so
    # a skip-level manager can follow their organisation's results.
    taking_part = CycleParticipant.objects.filter(employee_id=me)
    if viewer.employee_path:
        taking_part = CycleParticipant.objects.filter(
            employee__reporting_path__startswith=viewer.employee_path
        )
    return Q(pk__in=taking_part.values("cycle_id")) | Q(
        pk__in=ReviewAssignment.objects.filter(reviewer_id=me).values("cycle_id")
    )


def _manager_chain_q(viewer: Viewer, prefix: str) -> Q:
    """Rows whose `prefix` employee is below the viewer in the reporting tree.
    A subquery on the employees rather than a condition on the joined row:
    ORed with an indexed column (the reviewer), SQLite can then use both
    indexes instead of scanning every assignment (48 ms -> 2 ms for a count
    over 117,000 assignments)."""
    from cadence.people.models import Employee

    if viewer.employee_id is None or not viewer.employee_path:
        return NOTHING
    below = Employee.objects.filter(reporting_path__startswith=viewer.employee_path).exclude(
        pk=viewer.employee_id
    )
    return Q(**{f"{prefix}_id__in": below.values("pk")})


def not_about_self(viewer: Viewer) -> Q | None:
    """Whatever else a role allows, nobody sees the reviews written about
    them except their own self review: an HR admin or HRBP who is reviewed
    is a reviewee like anyone else (it would tell them who wrote what)."""
    if viewer.employee_id is None:
        return None
    from cadence.reviews.models import ReviewerKind

    return ~Q(reviewee_id=viewer.employee_id) | Q(kind=ReviewerKind.SELF)


def _assignment_grants(viewer: Viewer) -> list[Q]:
    """Each reason a viewer who is not an HR admin may see an assignment;
    they may see it for any one of them (none: nothing)."""
    from cadence.reviews.models import ReviewerKind

    grants: list[Q] = []
    if viewer.employee_id is not None:
        grants.append(Q(reviewer_id=viewer.employee_id))
        if viewer.employee_path:
            anonymous_upward = Q(kind=ReviewerKind.UPWARD, cycle__upward_anonymous=True)
            grants.append(_manager_chain_q(viewer, "reviewee") & ~anonymous_upward)
    if viewer.hrbp_department_ids:
        grants.append(Q(reviewee__department_id__in=viewer.hrbp_department_ids))
    return grants


def assignment_condition(user: User) -> Q | None:
    """The assignments `user` may see (None: all of them)."""
    viewer = viewer_for(user)
    own_exclusion = not_about_self(viewer)
    if viewer.is_hr_admin:
        return own_exclusion
    condition = NOTHING
    for grant in _assignment_grants(viewer):
        condition |= grant
    return condition if own_exclusion is None else condition & own_exclusion


# Up to how many reports (at any depth) a manager's list of assignments
# is looked up grant by grant: past a few thousand, uniting the ids costs
# more than testing every assignment (10 s instead of 1.3 s for the whole
# organisation on PostgreSQL at 100,000 employees).
LIST_BY_GRANT_MAX_REPORTS = 2000


def _has_few_reports(viewer: Viewer) -> bool:
    """At most LIST_BY_GRANT_MAX_REPORTS reports, counting no further."""
    from cadence.people.models import Employee

    reports = Employee.objects.order_by().filter(viewer.reports_q())
    return reports.values("pk")[: LIST_BY_GRANT_MAX_REPORTS + 1].count() <= (
        LIST_BY_GRANT_MAX_REPORTS
    )


def assignment_list_condition(user: User, narrowing: Q) -> Q | None:
    """The assignments `user` may see among those matching `narrowing`
    (None: all of them): the same rows as `assignment_condition(user) &
    narrowing`, written for a long list and its count. For a manager of a
    few reports, each grant is looked up on its own with `narrowing` (by
    the reviewer's index, by the reports' ids) and the ids united: tested
    against the grants ORed together, PostgreSQL cannot estimate the OR
    and reads all 1.3 million assignments to find a manager's 2,000
    (145 ms -> 9 ms for the count). HRBPs (whole departments) and
    managers of large organisations keep the OR, which suits big lists."""
    from cadence.reviews.models import ReviewAssignment

    viewer = viewer_for(user)
    grants = _assignment_grants(viewer)
    own_exclusion = not_about_self(viewer)
    by_grant = (
        not viewer.is_hr_admin
        and not viewer.hrbp_department_ids
        and len(grants) > 1
        and _has_few_reports(viewer)
    )
    if not by_grant:
        condition = assignment_condition(user)
        return narrowing if condition is None else condition & narrowing
    ids = [
        ReviewAssignment.objects.order_by().filter(grant & narrowing).values("pk")
        for grant in grants
    ]
    condition = Q(pk__in=ids[0].union(*ids[1:], all=True))
    return condition if own_exclusion is None else condition & own_exclusion


def result_condition(user: User) -> Q | None:
    """The results `user` may see (None: all of them)."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return None
    condition = NOTHING
    if viewer.employee_id is not None:
        condition |= Q(employee_id=viewer.employee_id, released_at__isnull=False)
        condition |= _manager_chain_q(viewer, "employee")
    if viewer.hrbp_department_ids:
        condition |= Q(employee__department_id__in=viewer.hrbp_department_ids)
    if viewer.executive_department_ids:
        condition |= Q(
            employee__department_id__in=viewer.executive_department_ids, released_at__isnull=False
        )
    return condition


def can_manage_cycles(user: User) -> bool:
    """Designing, launching and changing cycles is the HR admin's job."""
    return viewer_for(user).is_hr_admin
