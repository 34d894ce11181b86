"""Who may read which 1:1 records. A 1:1 belongs to its two people: the
series, its meetings, agenda, shared notes and action items are visible to
the manager and the report of the series, and to nobody else — not the
manager's manager, not HR (HR sees adherence counts, see
`cadence.feedback.selectors_meetings`). Private notes (`PrivateNote`) and
coaching notes (`CoachingNote`) are narrower still: their author alone, by
their own querysets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOTHING = Q(pk__in=[])


def _participant(user: User, prefix: str) -> Q:
    me = viewer_for(user).employee_id
    if me is None:
        return NOTHING
    return Q(**{f"{prefix}manager_id": me}) | Q(**{f"{prefix}report_id": me})


def series_condition(user: User) -> Q:
    return _participant(user, "")


def meeting_condition(user: User) -> Q:
    return _participant(user, "series__")


def action_item_condition(user: User) -> Q:
    return _participant(user, "meeting__series__")
