"""Notifications: each event once per person, e-mail after commit and
retried when it failed, and the pages show only one's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from cadence.core.models import Notification
from cadence.core.notifications import Notice, notify, send_pending_emails
from cadence.people.models import EmploymentStatus
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def notice(org: Org, key: str = "x:1", who: Any = None) -> Notice:
    person = who or org.employee
    return Notice(person.pk, "test", key, f"Title {key}", "Body", "/goals/")


def test_each_event_is_stored_and_emailed_once(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([notice(org), notice(org), notice(org, "x:2")]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([notice(org), notice(org, "x:2"), notice(org, "x:3")]) == 1
    assert Notification.objects.count() == 3
    assert sorted(m.subject for m in mail.outbox) == [
        "[Cadence] Title x:1",
        "[Cadence] Title x:2",
        "[Cadence] Title x:3",
    ]
    assert mail.outbox[0].to == [org.employee.email]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_no_email_for_people_who_left_and_retry_after_a_failure(
    org: Org, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    org.peer.status = EmploymentStatus.TERMINATED
    org.peer.save()
    settings.EMAIL_BACKEND = "tests.core.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify([notice(org), notice(org, who=org.peer)])  # the failure is logged, not raised
    # The notices were stored before the mail server failed, and wait to be sent.
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [[org.employee.email]]


class BrokenBackend:
    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionError("mail server down")


def test_pages_show_only_ones_own(client: Client, org: Org) -> None:
    notify([notice(org, "mine"), notice(org, "theirs", who=org.peer)])
    client.force_login(org.employee.user)
    body = client.get("/notifications/").content.decode()
    assert "Title mine" in body and "Title theirs" not in body
    assert "1<span" in client.get("/notifications/badge/").content.decode()
    theirs = Notification.objects.get(key="theirs")
    client.post("/notifications/read/", {"id": theirs.pk})  # not mine: nothing happens
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post("/notifications/read/", {})
    assert client.get("/notifications/badge/").content.decode().strip() == ""
    assert "Nothing unread" in client.get("/notifications/", {"unread": "1"}).content.decode()


def test_logins_without_an_employee_have_none(client: Client, org: Org) -> None:
    client.force_login(org.hr_admin)
    assert "No notifications yet" in client.get("/notifications/").content.decode()
