"""The development pages: improvement plans and development plans."""

from cadence.development import urls_growth, urls_pips

app_name = "development"
urlpatterns = [*urls_pips.urlpatterns, *urls_growth.urlpatterns]
