"""The reviews pages, one module of routes per area: templates and scales
(admin), cycles (design, launch, changes, monitoring), writing (my reviews,
the review form, peer nominations) and results (release, read, acknowledge)."""

from cadence.reviews import urls_admin, urls_cycles, urls_extra, urls_results, urls_writing

app_name = "reviews"
urlpatterns = [
    *urls_admin.urlpatterns,
    *urls_cycles.urlpatterns,
    *urls_writing.urlpatterns,
    *urls_results.urlpatterns,
    *urls_extra.urlpatterns,
]
