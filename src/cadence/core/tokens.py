"""API bearer tokens. A token is shown once, when it is made; only its
SHA-256 digest is kept, with a short prefix so people can tell their tokens
apart and revoke one by name."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cadence.core import audit
from cadence.core.models import ApiToken, User
from cadence.core.permissions import viewer_for

TOKEN_PREFIX = "cad_"
# "cad_" and eight random characters: enough to tell tokens apart, far too
# little to guess the rest.
PREFIX_LENGTH = 12
# Recording every use would turn every API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(*, actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with the raw token, which is not
    stored anywhere. People make their own; HR admins and the system (the
    CLI, `actor=None`) may make one for anyone."""
    if actor is not None and actor.pk != user.pk and not viewer_for(actor).is_hr_admin:
        raise PermissionDenied
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:PREFIX_LENGTH], digest=digest_of(raw)
    )
    audit.record(actor, "api_token.create", token, after={"user": user.pk, "name": token.name})
    return token, raw


@transaction.atomic
def revoke_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token for good. Revoking a revoked token changes nothing."""
    if actor is not None and actor.pk != token.user_id and not viewer_for(actor).is_hr_admin:
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "api_token.revoke",
        token,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user a live token belongs to, or None. Notes the time of use
    at most once a minute, so reads stay reads."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests write at most once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    """All of a user's tokens, newest first, revoked ones included."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))
