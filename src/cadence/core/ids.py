"""Database ids and local paths from request text, checked once here so no
view turns odd input into a 500: "²" passes str.isdigit() but not int(), and
an id past the column's range overflows the database driver."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_ID = 2**63 - 1


def parse_id(raw: object) -> int | None:
    """A positive id (ASCII digits, within a 64-bit column), else None."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def local_next(request: HttpRequest, raw: str | None) -> str:
    """A `next` value that is a path on this site ("/goals/…"), else "" —
    never another host, and never a bare word `redirect()` would try to
    resolve as a URL name."""
    if not raw or not raw.startswith("/") or raw.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(raw, {request.get_host()}, request.is_secure()):
        return ""
    return raw
