"""Signing in: by email in any case, one message for a wrong password and a
lock-out, the lock-out after CADENCE_LOCKOUT_THRESHOLD failures (even with
the right password afterwards) and its end after CADENCE_LOCKOUT_MINUTES;
session expiry; sign-out by POST; anonymous users sent to sign in; probes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cadence.core.models import User
from tests.factories import PASSWORD, UserFactory

WRONG = "That email and password do not match an active account"


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(email="mona@example.com")


def sign_in(client: Client, email: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": email, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_by_email_any_case(client: Client, user: User) -> None:
    resp = sign_in(client, "Mona@Example.COM", PASSWORD)
    assert resp.status_code == 302 and resp["Location"] == "/"  # type: ignore[attr-defined]
    assert signed_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_shows_the_message_and_counts(client: Client, user: User) -> None:
    resp = sign_in(client, user.email, "wrong")
    assert resp.status_code == 200  # type: ignore[attr-defined]
    assert WRONG in resp.content.decode()  # type: ignore[attr-defined]
    assert not signed_in(client)
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_unknown_email_gets_the_same_message(client: Client, db: None) -> None:
    resp = sign_in(client, "nobody@example.com", PASSWORD)
    assert WRONG in resp.content.decode()  # type: ignore[attr-defined]


def test_lock_out_after_threshold_even_with_the_right_password(client: Client, user: User) -> None:
    threshold = settings.CADENCE_LOCKOUT_THRESHOLD
    assert threshold == 5
    for _ in range(threshold):
        sign_in(client, user.email, "wrong")
    user.refresh_from_db()
    assert user.is_locked_out()
    expected_end = timezone.now() + dt.timedelta(minutes=settings.CADENCE_LOCKOUT_MINUTES)
    assert user.locked_until is not None
    assert abs((user.locked_until - expected_end).total_seconds()) < 60
    resp = sign_in(client, user.email, PASSWORD)
    assert not signed_in(client)
    # the same message: the form does not reveal that the account exists and is locked
    assert WRONG in resp.content.decode()  # type: ignore[attr-defined]


def test_fewer_failures_than_threshold_do_not_lock_and_success_resets(
    client: Client, user: User
) -> None:
    for _ in range(settings.CADENCE_LOCKOUT_THRESHOLD - 1):
        sign_in(client, user.email, "wrong")
    sign_in(client, user.email, PASSWORD)
    assert signed_in(client)
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_unlocks_once_the_lock_out_has_passed(client: Client, user: User) -> None:
    for _ in range(settings.CADENCE_LOCKOUT_THRESHOLD):
        sign_in(client, user.email, "wrong")
    # time passes: move the end of the lock-out into the past
    past = timezone.now() - dt.timedelta(seconds=1)
    User.objects.filter(pk=user.pk).update(locked_until=past)
    sign_in(client, user.email, PASSWORD)
    assert signed_in(client)
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_login_count == 0


def test_inactive_user_cannot_sign_in(client: Client, user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    sign_in(client, user.email, PASSWORD)
    assert not signed_in(client)


def test_session_expiry_settings() -> None:
    assert settings.SESSION_COOKIE_AGE > 0
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_cookie_is_a_browser_session_cookie(client: Client, user: User) -> None:
    sign_in(client, user.email, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


def test_logout_needs_post(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in(client)
    resp = client.post("/accounts/logout/")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_signed_in_user_visiting_sign_in_goes_home(client: Client, user: User) -> None:
    client.force_login(user)
    resp = client.get("/accounts/login/")
    assert resp.status_code == 302 and resp["Location"] == "/"


@pytest.mark.parametrize(
    "url", ["/", "/jobs/", "/jobs/frameworks/", "/logs/audit/", "/logs/access/"]
)
def test_pages_send_anonymous_users_to_sign_in(client: Client, db: None, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"] == f"/accounts/login/?next={url}"


def test_sign_in_returns_to_next(client: Client, user: User) -> None:
    resp = client.post(
        "/accounts/login/?next=/jobs/",
        {"username": user.email, "password": PASSWORD, "next": "/jobs/"},
    )
    assert resp["Location"] == "/jobs/"


def test_sign_in_does_not_redirect_off_site(client: Client, user: User) -> None:
    resp = client.post(
        "/accounts/login/",
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert resp["Location"] == "/"


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_answer_json(client: Client, db: None, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json"
    assert resp.json()["status"] == "ok"
