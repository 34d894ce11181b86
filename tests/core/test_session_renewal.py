"""Idle expiry without a write per request (core/sessions.py): a signed-in
session is re-saved, pushing its expiry on, only when its last renewal is
older than CADENCE_SESSION_RENEW_SECONDS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.core.models import User
from cadence.core.sessions import RENEWED_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _session_writes(client: Client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    statements = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    return sum(
        1 for sql in statements if "DJANGO_SESSION" in sql and sql.startswith(("UPDATE", "INSERT"))
    )


def _expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.fixture
def user() -> User:
    return UserFactory()


def test_a_request_soon_after_the_last_renewal_writes_nothing(client: Client, user: User) -> None:
    client.force_login(user)
    assert _session_writes(client) == 1  # the first request renews
    assert _session_writes(client) == 0
    assert _session_writes(client) == 0


def test_an_old_renewal_is_pushed_on(client: Client, user: User, settings) -> None:
    client.force_login(user)
    client.get("/")
    session = client.session
    session[RENEWED_AT] = session[RENEWED_AT] - settings.CADENCE_SESSION_RENEW_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=_expiry(client) - dt.timedelta(hours=1)
    )
    before = _expiry(client)
    assert _session_writes(client) == 1
    assert _expiry(client) > before + dt.timedelta(minutes=59)


def test_renewal_every_request_when_set_to_zero(client: Client, user: User, settings) -> None:
    settings.CADENCE_SESSION_RENEW_SECONDS = 0
    client.force_login(user)
    assert _session_writes(client) == 1
    assert _session_writes(client) == 1


def test_an_anonymous_visit_creates_no_session(client: Client) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get("/accounts/login/")
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)
    assert Session.objects.count() == 0
