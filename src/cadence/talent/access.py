"""Who may see which calibration and succession records. One place, used by
every page, endpoint, export and report of the talent app.

Calibration sessions: HR admins; the session's facilitator; an HRBP when the
session's department, or anyone in it, is in their scope; and the managers
taking part. Nobody else — not executives, not the people being calibrated.

Entries (a person's ratings in a session): HR admins and the facilitator see
every entry; an HRBP the entries of people in their departments; a
participating manager the entries of their own people (their reports at any
depth) — or every entry when HR shares the whole view with participants.
Nobody but an HR admin sees their own entry.

Succession (critical roles and their successors): HR admins, the HRBP and
the executives whose scope covers the role's department. Managers do not see
succession plans: being named a successor (or not) is not theirs to read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOTHING = Q(pk__in=[])


def session_condition(user: User) -> Q:
    """The sessions `user` may see (as a filter on CalibrationSession)."""
    from cadence.talent.models import CalibrationEntry, SessionParticipant

    viewer = viewer_for(user)
    if viewer.user_id is None:
        return NOTHING
    if viewer.is_hr_admin:
        return Q()
    condition = Q(facilitator_id=viewer.user_id)
    if viewer.hrbp_department_ids:
        scoped = viewer.hrbp_department_ids
        condition |= Q(department_id__in=scoped) | Q(
            pk__in=CalibrationEntry.objects.filter(employee__department_id__in=scoped).values(
                "session_id"
            )
        )
    if viewer.employee_id is not None:
        condition |= Q(
            pk__in=SessionParticipant.objects.filter(employee_id=viewer.employee_id).values(
                "session_id"
            )
        )
    return condition


def entry_condition(user: User) -> Q:
    """The entries `user` may see (as a filter on CalibrationEntry)."""
    from cadence.talent.models import SessionParticipant

    viewer = viewer_for(user)
    if viewer.user_id is None:
        return NOTHING
    if viewer.is_hr_admin:
        return Q()
    condition = Q(session__facilitator_id=viewer.user_id)
    if viewer.hrbp_department_ids:
        condition |= Q(employee__department_id__in=viewer.hrbp_department_ids)
    me = viewer.employee_id
    if me is not None:
        taking_part = Q(
            session_id__in=SessionParticipant.objects.filter(employee_id=me).values("session_id")
        )
        own_people = Q(session__share_whole_view=True)
        if viewer.employee_path:
            own_people |= Q(employee__reporting_path__startswith=viewer.employee_path)
        condition |= taking_part & own_people
        return condition & ~Q(employee_id=me)
    return condition


def critical_role_condition(user: User) -> Q:
    """The critical roles (and so their successors) `user` may see."""
    viewer = viewer_for(user)
    if viewer.is_hr_admin:
        return Q()
    scoped = viewer.hrbp_department_ids | viewer.executive_department_ids
    return Q(department_id__in=scoped) if scoped else NOTHING
