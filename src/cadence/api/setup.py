"""Assembles /api/v1 from each app's router, with authentication (bearer
token or session + CSRF) and one JSON error shape for every failure.
The OpenAPI document is at /api/v1/openapi.json, interactive docs (served
from local static files, no CDN) at /api/v1/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from cadence.api import errors
from cadence.api.auth import AUTH
from cadence.api.errors import ErrorOut
from cadence.development.api import router as development_router
from cadence.feedback.api import router as feedback_router
from cadence.goals.api import router as goals_router
from cadence.goals.api_kpis import router as kpis_router
from cadence.insights.api import router as insights_router
from cadence.jobs.api import router as jobs_router
from cadence.people.api import router as people_router
from cadence.reviews.api import router as reviews_router
from cadence.talent.api import router as talent_router

api = NinjaAPI(
    title="Cadence API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Performance management for the whole organisation. Authenticate with "
        "`Authorization: Bearer <token>` (make one with `cadence token create EMAIL`) "
        "or a signed-in browser session (unsafe methods need the X-CSRFToken header). "
        "Every error has the shape `{detail, errors: [{field, message}]}`; lists are "
        "`{count, items}` with `limit` and `offset`."
    ),
    auth=AUTH,
)
errors.install(api)

api.add_router("", people_router)
api.add_router("", jobs_router)
api.add_router("", goals_router)
api.add_router("", kpis_router)
api.add_router("", reviews_router)
api.add_router("", feedback_router)
api.add_router("", development_router)
api.add_router("", talent_router)
api.add_router("", insights_router)

# Added last: its catch-all path must not shadow the real ones.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:unknown}",
    auth=None,
    response={404: ErrorOut},
    include_in_schema=False,
)
def unknown_path(request: HttpRequest, unknown: str) -> HttpResponse:
    """Anything else under /api/v1/ answers with the JSON 404, not a page."""
    return api.create_response(request, errors.error_body("Not found."), status=404)


api.add_router("", fallback)
