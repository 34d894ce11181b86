"""Navigation for the base layout, derived from the viewer's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cadence.core.permissions import viewer_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    viewer = viewer_for(getattr(request, "user", None))
    return {"viewer": viewer}
