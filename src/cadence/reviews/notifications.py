"""Review notifications: a reviewer is told when a review is assigned to
them, a few days before its phase is due and once it is overdue. Each is a
`core.notifications.Notice` keyed by the event, so the daily run (and any
extra run) tells each reviewer about each event once; an extended deadline
is a new event. Only the reviewer is ever told about an assignment: nothing
here reaches the reviewee, so no reviewer is revealed to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django_tasks import task

from cadence.core.notifications import Notice, notify
from cadence.reviews.models import (
    OPEN_ASSIGNMENT,
    Cycle,
    CyclePhase,
    PhaseKind,
    ReviewAssignment,
    ReviewerKind,
    Stage,
)

DUE_SOON_DAYS = 3
# The phase whose deadline applies to each kind of review.
PHASE_OF_KIND = {
    ReviewerKind.SELF: PhaseKind.SELF_REVIEW,
    ReviewerKind.PEER: PhaseKind.PEER_REVIEW,
    ReviewerKind.UPWARD: PhaseKind.PEER_REVIEW,
    ReviewerKind.MANAGER: PhaseKind.MANAGER_REVIEW,
}
RUNNING_STAGES = (
    Stage.SELF_REVIEW,
    Stage.PEER_NOMINATION,
    Stage.PEER_REVIEW,
    Stage.MANAGER_REVIEW,
    Stage.CALIBRATION,
)
CHUNK = 2000


def _what(assignment: ReviewAssignment) -> str:
    if assignment.kind == ReviewerKind.SELF:
        return "your self review"
    name = assignment.reviewee.full_name
    return {
        ReviewerKind.MANAGER: f"the manager review of {name}",
        ReviewerKind.PEER: f"a peer review of {name}",
        ReviewerKind.UPWARD: f"an upward review of {name}",
    }[ReviewerKind(assignment.kind)]


def review_notices(today: dt.date, cycle_ids: list[int] | None = None) -> Iterator[Notice]:
    """The notices due today for the running cycles (or just these)."""
    cycles = Cycle.objects.filter(stage__in=RUNNING_STAGES)
    if cycle_ids is not None:
        cycles = cycles.filter(pk__in=cycle_ids)
    deadlines = {
        (cycle_id, kind): due
        for cycle_id, kind, due in CyclePhase.objects.filter(cycle__in=cycles).values_list(
            "cycle_id", "kind", "due_on"
        )
    }
    # Only reviews still to write: a submitted or cancelled one needs no word.
    open_ = (
        ReviewAssignment.objects.filter(cycle__in=cycles, status__in=OPEN_ASSIGNMENT)
        .select_related("cycle", "reviewee")
        .order_by("pk")
    )
    for a in open_.iterator(chunk_size=CHUNK):
        what = _what(a)
        url = f"/reviews/assignments/{a.pk}/"
        due = deadlines.get((a.cycle_id, PHASE_OF_KIND[ReviewerKind(a.kind)]))
        due_text = f" It is due on {due:%-d %b %Y}." if due else ""
        yield Notice(
            a.reviewer_id,
            "review.assigned",
            f"review.assigned:{a.pk}",
            f"{a.cycle.name}: write {what}",
            f"You have been asked to write {what} in {a.cycle.name}.{due_text}",
            url,
        )
        if due is None:
            continue
        if today > due:
            yield Notice(
                a.reviewer_id,
                "review.overdue",
                f"review.overdue:{a.pk}:{due.isoformat()}",
                f"{a.cycle.name}: {what} is overdue",
                f"It was due on {due:%-d %b %Y}. Please finish and submit it.",
                url,
            )
        elif (due - today).days <= DUE_SOON_DAYS:
            yield Notice(
                a.reviewer_id,
                "review.due_soon",
                f"review.due:{a.pk}:{due.isoformat()}",
                f"{a.cycle.name}: {what} is due on {due:%-d %b %Y}",
                f"{what[0].upper()}{what[1:]} is due in {(due - today).days} day(s).",
                url,
            )


@task()
def send_review_notifications(today_iso: str | None = None, cycle_id: int | None = None) -> int:
    """Notify reviewers of new, due-soon and overdue reviews in the running
    cycles (or one cycle). Returns how many notices were new."""
    today = dt.date.fromisoformat(today_iso) if today_iso else dt.date.today()
    created = 0
    batch: list[Notice] = []
    for notice in review_notices(today, [cycle_id] if cycle_id is not None else None):
        batch.append(notice)
        if len(batch) >= CHUNK:
            created += notify(batch)
            batch = []
    return created + notify(batch)
