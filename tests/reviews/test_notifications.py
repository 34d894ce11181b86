"""Review notifications: assigned, due soon and overdue, each once per
reviewer and event; nothing to the reviewee about who reviews them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from cadence.core.models import Notification
from cadence.reviews.models import AssignmentStatus, CyclePhase, PhaseKind, ReviewerKind, Stage
from cadence.reviews.notifications import send_review_notifications
from tests.conftest import Org
from tests.review_factories import AssignmentFactory, CycleFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2027, 2, 15)


def keys(person: Any) -> set[str]:
    return set(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


@pytest.fixture
def cycle(org: Org) -> Any:
    cycle = CycleFactory(stage=Stage.PEER_REVIEW)
    CyclePhase.objects.create(cycle=cycle, kind=PhaseKind.PEER_REVIEW, due_on=DUE)
    CyclePhase.objects.create(cycle=cycle, kind=PhaseKind.SELF_REVIEW, due_on=DUE)
    return cycle


def run(day: dt.date, **kwargs: Any) -> int:
    return send_review_notifications.call(day.isoformat(), **kwargs)


def test_assigned_then_due_soon_then_overdue_each_once(
    org: Org, cycle: Any, django_capture_on_commit_callbacks: Any
) -> None:
    AssignmentFactory(cycle=cycle, reviewer=org.peer, reviewee=org.employee, kind=ReviewerKind.PEER)
    with django_capture_on_commit_callbacks(execute=True):
        assert run(DUE - dt.timedelta(days=10)) == 1
        assert run(DUE - dt.timedelta(days=9)) == 0
        assert run(DUE - dt.timedelta(days=3)) == 1
        assert run(DUE - dt.timedelta(days=1)) == 0
        assert run(DUE + dt.timedelta(days=1)) == 1
        assert run(DUE + dt.timedelta(days=5)) == 0
    assert keys(org.peer) == {"review.assigned", "review.due_soon", "review.overdue"}
    assert mail.outbox[0].subject == (
        f"[Cadence] {cycle.name}: write a peer review of Emma Employee"
    )
    # The reviewee is told nothing about who reviews them.
    assert not Notification.objects.filter(recipient=org.employee).exists()


def test_an_extended_deadline_is_a_new_event(org: Org, cycle: Any) -> None:
    AssignmentFactory(cycle=cycle, reviewer=org.peer, reviewee=org.employee, kind=ReviewerKind.PEER)
    run(DUE + dt.timedelta(days=1))
    CyclePhase.objects.filter(cycle=cycle, kind=PhaseKind.PEER_REVIEW).update(
        due_on=DUE + dt.timedelta(days=14)
    )
    assert run(DUE + dt.timedelta(days=12)) == 1  # due soon again, for the new date
    assert run(DUE + dt.timedelta(days=15)) == 1  # and overdue again
    assert Notification.objects.filter(kind="review.overdue").count() == 2


def test_submitted_cancelled_and_stopped_cycles_are_left_alone(org: Org, cycle: Any) -> None:
    AssignmentFactory(
        cycle=cycle,
        reviewer=org.employee,
        reviewee=org.employee,
        kind=ReviewerKind.SELF,
        status=AssignmentStatus.SUBMITTED,
    )
    AssignmentFactory(
        cycle=cycle,
        reviewer=org.lead,
        reviewee=org.employee,
        kind=ReviewerKind.PEER,
        status=AssignmentStatus.CANCELLED,
    )
    draft = CycleFactory(stage=Stage.DRAFT)
    AssignmentFactory(cycle=draft, reviewer=org.peer, reviewee=org.employee)
    assert run(DUE + dt.timedelta(days=1)) == 0
    assert not Notification.objects.exists()


def test_one_cycle_only(org: Org, cycle: Any) -> None:
    other = CycleFactory(stage=Stage.SELF_REVIEW)
    AssignmentFactory(cycle=cycle, reviewer=org.peer, reviewee=org.employee)
    AssignmentFactory(cycle=other, reviewer=org.lead, reviewee=org.employee)
    assert run(DUE - dt.timedelta(days=20), cycle_id=other.pk) == 1
    assert keys(org.lead) == {"review.assigned"} and keys(org.peer) == set()
