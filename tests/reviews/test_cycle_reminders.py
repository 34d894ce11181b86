"""The cycle page's "Send reminders now": HR admins queue the cycle's review
notifications; with the immediate task backend reviewers with open reviews
are told at once, a second click tells nobody anything new, other cycles
and finished reviews are left alone, and everyone else gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cadence.core.models import AuditEntry, Notification
from cadence.reviews.models import AssignmentStatus, CyclePhase, PhaseKind, ReviewerKind, Stage
from tests.conftest import Org
from tests.review_factories import AssignmentFactory, CycleFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def cycle(org: Org, settings: Any) -> Any:
    settings.TASKS = IMMEDIATE
    cycle = CycleFactory(stage=Stage.PEER_REVIEW)
    CyclePhase.objects.create(
        cycle=cycle, kind=PhaseKind.PEER_REVIEW, due_on=dt.date.today() + dt.timedelta(days=30)
    )
    AssignmentFactory(cycle=cycle, reviewer=org.peer, reviewee=org.employee, kind=ReviewerKind.PEER)
    AssignmentFactory(
        cycle=cycle,
        reviewer=org.lead,
        reviewee=org.employee,
        kind=ReviewerKind.PEER,
        status=AssignmentStatus.SUBMITTED,
    )
    return cycle


def notified(person: Any) -> int:
    return Notification.objects.filter(recipient=person).count()


def click(client: Client, cycle: Any) -> Any:
    return client.post(f"/reviews/cycles/{cycle.pk}/reminders/", follow=True)


def test_reviewers_with_open_reviews_are_reminded_once(
    org: Org, client: Client, cycle: Any, django_capture_on_commit_callbacks: Any
) -> None:
    other = CycleFactory(stage=Stage.PEER_REVIEW)
    AssignmentFactory(cycle=other, reviewer=org.ceo, reviewee=org.manager, kind=ReviewerKind.PEER)
    client.force_login(org.hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = click(client, cycle)
    assert page.status_code == 200
    assert "Reminders for" in page.content.decode()
    assert notified(org.peer) == 1
    assert Notification.objects.get(recipient=org.peer).kind == "review.assigned"
    # A submitted review needs no word; another cycle is not this button's.
    assert notified(org.lead) == 0 and notified(org.ceo) == 0
    assert notified(org.employee) == 0
    total = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert click(client, cycle).status_code == 200
    assert Notification.objects.count() == total
    assert AuditEntry.objects.filter(action="review.cycle.remind").count() == 2


def test_the_button_is_on_the_running_cycle_page_for_hr_admins(
    org: Org, client: Client, cycle: Any
) -> None:
    client.force_login(org.hr_admin)
    page = client.get(f"/reviews/cycles/{cycle.pk}/")
    assert b'id="send-reminders"' in page.content
    cycle.stage = Stage.CLOSED
    cycle.save()
    assert b'id="send-reminders"' not in client.get(f"/reviews/cycles/{cycle.pk}/").content


def test_a_cycle_not_running_sends_nothing(org: Org, client: Client, cycle: Any) -> None:
    cycle.stage = Stage.CLOSED
    cycle.save()
    client.force_login(org.hr_admin)
    page = click(client, cycle)
    assert "only while the cycle is running" in page.content.decode()
    assert Notification.objects.count() == 0
    assert not AuditEntry.objects.filter(action="review.cycle.remind").exists()


@pytest.mark.parametrize("who", ["hrbp", "executive", "manager", "peer"])
def test_anyone_but_an_hr_admin_gets_404(org: Org, client: Client, cycle: Any, who: str) -> None:
    actor = getattr(org, who)
    client.force_login(getattr(actor, "user", actor))
    assert client.post(f"/reviews/cycles/{cycle.pk}/reminders/").status_code == 404
    assert Notification.objects.count() == 0
    # And it is a POST-only action.
    client.force_login(org.hr_admin)
    assert client.get(f"/reviews/cycles/{cycle.pk}/reminders/").status_code == 405
