"""The insights pages: programme health, ratings, adverse impact, pay
equity, review language and reports. Every page's tables download with
?table=<key>&format=csv|xlsx (see tables.page_or_export)."""

from django.urls import path
from django.views.generic import RedirectView

from cadence.insights import (
    urls_fairness,
    urls_health,
    urls_language,
    urls_pay,
    urls_ratings,
    urls_reports,
)

app_name = "insights"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="insights:health"), name="index"),
    *urls_health.urlpatterns,
    *urls_ratings.urlpatterns,
    *urls_fairness.urlpatterns,
    *urls_pay.urlpatterns,
    *urls_language.urlpatterns,
    *urls_reports.urlpatterns,
]
