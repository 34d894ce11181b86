"""Who may read which feedback and feedback requests. One place, used by
every page, endpoint and export of the feedback app.

Feedback, by the visibility its giver chose (the giver always sees it):
- private: the recipient;
- recipient and manager: the recipient and their manager chain;
- manager only: the recipient's manager chain, not the recipient;
- public praise: everyone in the organisation (the praise wall).
The requester of a feedback request also reads the answers to it. HR roles
get no more than anyone else: feedback is a conversation between people, and
what HR needs from it is counts (insights), not the text. "Manager chain"
means the recipient's current managers at any depth, as everywhere else.

Feedback requests: the requester and the people asked; an ask (one person
asked): that person and the requester.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cadence.core.permissions import viewer_for

if TYPE_CHECKING:
    from cadence.core.models import User

NOTHING = Q(pk__in=[])


def feedback_condition(user: User) -> Q:
    """The feedback `user` may read."""
    from cadence.feedback.models import FeedbackVisibility as V

    viewer = viewer_for(user)
    if not viewer.in_organisation:
        return NOTHING
    condition = Q(visibility=V.PUBLIC)
    me = viewer.employee_id
    if me is None:
        return condition
    condition |= Q(giver_id=me)
    condition |= Q(recipient_id=me, visibility__in=[V.PRIVATE, V.RECIPIENT_AND_MANAGER])
    condition |= Q(ask__request__requester_id=me)
    if viewer.employee_path:
        condition |= Q(
            recipient__reporting_path__startswith=viewer.employee_path,
            visibility__in=[V.RECIPIENT_AND_MANAGER, V.MANAGER_ONLY],
        ) & ~Q(recipient_id=me)
    return condition


def request_condition(user: User) -> Q:
    """The feedback requests `user` may read: theirs, and those they were asked in."""
    me = viewer_for(user).employee_id
    if me is None:
        return NOTHING
    return Q(requester_id=me) | Q(pk__in=_asked_request_ids(me))


def _asked_request_ids(employee_id: int):  # type: ignore[no-untyped-def]
    from cadence.feedback.models import FeedbackAsk

    return FeedbackAsk.objects.filter(responder_id=employee_id).values("request_id")


def ask_condition(user: User) -> Q:
    """The asks `user` may read: the ones sent to them and the ones they sent."""
    me = viewer_for(user).employee_id
    if me is None:
        return NOTHING
    return Q(responder_id=me) | Q(request__requester_id=me)
