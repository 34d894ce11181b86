"""URL map. Each app owns its own urls.py; the API is assembled in cadence.api."""

from django.urls import include, path

from cadence.api import api
from cadence.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("", include("cadence.core.urls")),
    path("people/transfer/", include("cadence.people.urls_transfer")),
    path("people/", include("cadence.people.urls")),
    path("jobs/", include("cadence.jobs.urls")),
    path("goals/", include("cadence.goals.urls")),
    path("reviews/", include("cadence.reviews.urls")),
    path("feedback/", include("cadence.feedback.urls")),
    path("development/", include("cadence.development.urls")),
    path("talent/", include("cadence.talent.urls")),
    path("insights/", include("cadence.insights.urls")),
]
