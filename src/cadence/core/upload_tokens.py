"""A file checked in a dry run travels to the "apply" step inside a signed
token, bound to the uploader and to what it was checked against (a scale, a
session), so the applied file is exactly the previewed one and nobody else
can apply it. Used by the imports that preview before they save."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.http import Http404

MAX_AGE_SECONDS = 24 * 3600


def sign_upload(
    *, salt: str, user_id: int, bound: Mapping[str, Any], filename: str, data: bytes
) -> str:
    """A token carrying the file, for `user_id` and the `bound` values."""
    payload = {
        **bound,
        "user": user_id,
        "filename": filename[:200],
        "data": base64.b64encode(data).decode("ascii"),
    }
    return signing.dumps(payload, salt=salt, compress=True)


def read_upload(
    token: str, *, salt: str, user_id: int, bound: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], str, bytes]:
    """(the payload, the file name, the bytes) of a token; Http404 when it is
    forged, stale, another user's, or bound to other values than `bound`."""
    try:
        payload = signing.loads(token, salt=salt, max_age=MAX_AGE_SECONDS)
        if payload["user"] != user_id:
            raise Http404
        if any(payload.get(key) != value for key, value in (bound or {}).items()):
            raise Http404
        data = base64.b64decode(payload["data"], validate=True)
        return payload, str(payload["filename"]), data
    except (signing.BadSignature, KeyError, TypeError, binascii.Error):
        raise Http404 from None
