"""Who is calling: a bearer token (scripts and integrations) or the browser
session (the docs page and htmx), the latter only with a valid CSRF token
on unsafe methods."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cadence.core.tokens import authenticate_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`, a token made with `cadence token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token.strip())
        if user is not None:
            # Code below the API reads request.user, whichever way the caller signed in.
            request.user = user
        return user


class SessionCookie(APIKeyCookie):
    """The signed-in browser session. CSRF is checked only once we know the
    session is signed in, so a request with no credentials at all gets 401,
    not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key and user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [BearerToken(), SessionCookie()]
