"""Sign-in by email and password with lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from cadence.core.models import User


class LockoutEmailBackend(ModelBackend):
    """Email is the username (case-insensitive). After
    CADENCE_LOCKOUT_THRESHOLD failed attempts the account is locked for
    CADENCE_LOCKOUT_MINUTES, even for the right password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        login = (email or username or "").strip().lower()
        if not login or password is None:
            return None
        user = User.objects.filter(email=login).first()
        if user is None:
            # Hash anyway so the response time does not reveal unknown emails.
            User().set_password(password)
            return None
        if user.is_locked_out():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        register_failed_login(user)
        return None


def register_failed_login(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    if user.failed_login_count >= settings.CADENCE_LOCKOUT_THRESHOLD:
        until = timezone.now() + timedelta(minutes=settings.CADENCE_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
