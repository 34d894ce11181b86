"""The feedback pages, one module of routes per area: feedback, praise and
requests; 1:1s and coaching notes."""

from cadence.feedback import urls_feedback, urls_meetings

app_name = "feedback"
urlpatterns = [*urls_feedback.urlpatterns, *urls_meetings.urlpatterns]
