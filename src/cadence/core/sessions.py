"""Idle expiry of sign-ins without a database write on every request.

A session expires `SESSION_COOKIE_AGE` after the last time it was saved.
Django's SESSION_SAVE_EVERY_REQUEST would push that on with an UPDATE per
request; on SQLite each one takes the single write lock, which twenty
people clicking at once then queue for. This middleware re-saves a session
only when its last renewal is more than `CADENCE_SESSION_RENEW_SECONDS`
(default 60) old, so an idle timeout of hours moves on at most a minute
late, for one write a minute per person instead of one per click.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_cadence_renewed_at"


class SessionRenewalMiddleware:
    """Must come after SessionMiddleware (it runs inside it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.modified:
            return response  # no sign-in to keep alive, or it is being saved anyway
        now = int(time.time())
        renewed_at = session.get(RENEWED_AT, 0)
        if not isinstance(renewed_at, int) or now - renewed_at >= renew_seconds():
            session[RENEWED_AT] = now  # marks it modified: SessionMiddleware saves it
        return response


def renew_seconds() -> int:
    return max(0, int(settings.CADENCE_SESSION_RENEW_SECONDS))
