"""The talent pages: calibration sessions (set-up, grid, list), their
pre-read and outcome, and succession plans."""

from cadence.talent import urls_insight, urls_sessions, urls_succession

app_name = "talent"
urlpatterns = [*urls_sessions.urlpatterns, *urls_insight.urlpatterns, *urls_succession.urlpatterns]
