"""Which review cycles an insights page may be about, and which one the
viewer chose (?cycle=<id>). Shared by every page, endpoint and the PDF so
that the choice and its default are the same everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from cadence.core.ids import parse_id
from cadence.reviews.models import Cycle, ReviewResult, Stage

if TYPE_CHECKING:
    from cadence.core.models import User


class UnknownCycle(Exception):
    """?cycle= names no cycle the viewer may see (page: 404; API: 404 JSON)."""


def insight_cycles(user: User) -> QuerySet[Cycle]:
    """Cycles the viewer may see that are past draft, newest first, with
    their template and scale joined."""
    return (
        Cycle.objects.visible_to(user)
        .exclude(stage__in=[Stage.DRAFT, Stage.LAUNCHING])
        .select_related("template", "template__rating_scale", "goal_period")
        .annotate(has_results=Exists(ReviewResult.objects.filter(cycle_id=OuterRef("pk"))))
        .order_by("-created_at", "-id")
    )


def chosen_cycle(user: User, raw: str | None) -> Cycle | None:
    """The cycle named by `raw`, or by default the newest one with results
    (else the newest at all); None when the viewer has no cycle. Raises
    UnknownCycle for an id that is malformed or not visible."""
    cycles = insight_cycles(user)
    if raw:
        pk = parse_id(raw)
        found = cycles.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise UnknownCycle(raw)
        return found
    listed = list(cycles[:50])
    return next(
        (c for c in listed if getattr(c, "has_results", False)), listed[0] if listed else None
    )


def requested_cycle(user: User, request: HttpRequest) -> Cycle | None:
    """The page's ?cycle= choice (see chosen_cycle); a 404 for an id that is
    malformed or not one the viewer may see."""
    try:
        return chosen_cycle(user, request.GET.get("cycle"))
    except UnknownCycle:
        raise Http404("No such review cycle, or not one you may see.") from None
